"""The e-mailed confirmation link confirms the address once and never logs anyone in."""

import re

import pytest
from django.test import Client

from partner_area.companies.models import CompanyStatus, Membership
from tests.mailbox import sent_mail

from .test_registration import URL, application

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-Partner-passw0rd"


def _register_and_get_link(client) -> str:
    client.post(URL, application())
    return re.search(r"http://testserver(/en/partner/confirm-email/\S+/)", sent_mail()[-1].body).group(1)


def test_first_use_confirms_the_address_and_asks_to_log_in(client):
    link = _register_and_get_link(client)

    response = client.get(link, follow=True)

    assert response.redirect_chain[-1][0] == "/en/partner/account/login/"
    assert "_auth_user_id" not in client.session
    assert "your e-mail address is confirmed. Log in with the password you chose." in response.content.decode()
    assert Membership.unscoped.get().user.email_confirmed_at is not None

    # Logging in with the chosen password then shows the application's status.
    after_login = client.post(
        "/en/partner/account/login/", {"username": "ilze@balticintegrators.lv", "password": PASSWORD}, follow=True
    )
    assert after_login.redirect_chain[-1][0] == "/en/partner/status/"
    assert "Under review" in after_login.content.decode()


def test_a_used_link_in_a_fresh_browser_after_approval_logs_nobody_in(client):
    link = _register_and_get_link(client)
    client.get(link)
    membership = Membership.unscoped.select_related("company").get()
    membership.company.status = CompanyStatus.ACTIVE
    membership.company.save(update_fields=["status"])

    stranger = Client()
    response = stranger.get(link, follow=True)

    assert "_auth_user_id" not in stranger.session
    assert response.redirect_chain[-1][0] == "/en/partner/account/login/"
    html = response.content.decode()
    assert "Your e-mail address is already confirmed — log in with your password." in html
    assert 'href="/en/partner/account/login/"' in html or "Log in to the partner portal" in html
    assert stranger.get("/en/partner/").status_code == 302  # still anonymous: sent to the login page


def test_reopening_the_link_does_not_change_the_confirmation_time(client):
    link = _register_and_get_link(client)
    client.get(link)
    first = Membership.unscoped.get().user.email_confirmed_at
    client.get(link)
    assert Membership.unscoped.get().user.email_confirmed_at == first


def test_the_link_logs_nobody_in_even_on_first_use_in_another_browser(client):
    link = _register_and_get_link(client)
    stranger = Client()
    stranger.get(link)
    assert "_auth_user_id" not in stranger.session
