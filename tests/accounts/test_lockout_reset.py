"""A completed password reset ends a login lockout: the lockout page sends people to reset their password."""

import re

import pytest
from django.test import override_settings

from tests.factories import MembershipFactory
from tests.mailbox import sent_mail

pytestmark = pytest.mark.django_db

LOGIN = "/en/partner/account/login/"
NEW_PASSWORD = "another-Long-passw0rd"


def _login(client, email, password):
    return client.post(LOGIN, {"username": email, "password": password})


def _reset_password(client, email: str) -> None:
    client.post("/en/partner/account/password-reset/", {"email": email})
    link = re.search(r"http://testserver(/en/partner/account/password-reset/\S+/)", sent_mail()[-1].body).group(1)
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response["Location"] == "/en/partner/account/password-reset/complete/"


@override_settings(AXES_FAILURE_LIMIT=3)
@pytest.mark.parametrize("typed_as", [str.lower, str.upper])
def test_after_a_lockout_a_completed_password_reset_lets_the_person_log_in(client, typed_as):
    member = MembershipFactory()
    email = member.user.email
    for _ in range(3):
        _login(client, typed_as(email), "wrong")
    assert _login(client, typed_as(email), NEW_PASSWORD).status_code == 429  # locked out

    _reset_password(client, email)

    response = _login(client, typed_as(email), NEW_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/en/partner/"


@override_settings(AXES_FAILURE_LIMIT=3)
def test_an_unfinished_password_reset_keeps_the_lockout(client):
    member = MembershipFactory()
    for _ in range(3):
        _login(client, member.user.email, "wrong")
    client.post("/en/partner/account/password-reset/", {"email": member.user.email})  # e-mail sent, not used
    assert _login(client, member.user.email, "wrong-again").status_code == 429
