"""Logging in, status pages, blocking, lockout and password reset."""

import re

import pytest
from django.test import override_settings

from partner_area.companies.models import CompanyStatus, Role
from partner_area.companies.services import company_block
from tests.factories import PASSWORD, CompanyFactory, MembershipFactory, StaffFactory
from tests.mailbox import sent_mail

pytestmark = pytest.mark.django_db

LOGIN = "/en/partner/account/login/"


def login(client, email, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": email, "password": password, **extra})


def test_partner_logs_in_by_email_and_lands_in_the_partner_area(client):
    member = MembershipFactory(role=Role.ADMIN)
    response = login(client, member.user.email.upper())
    assert response.status_code == 302
    assert response["Location"] == "/en/partner/"
    home = client.get("/en/partner/")
    assert home.status_code == 200
    assert "Welcome" in home.content.decode()


def test_wrong_password_shows_a_clear_error(client):
    member = MembershipFactory()
    response = login(client, member.user.email, "wrong-password")
    assert response.status_code == 200
    assert "The e-mail address or password is not right" in response.content.decode()


@pytest.mark.parametrize(
    ("status", "text"),
    [
        (CompanyStatus.PENDING_REVIEW, "Under review"),
        (CompanyStatus.PENDING_VERIFICATION, "Being verified"),
        (CompanyStatus.REJECTED, "Rejected"),
    ],
)
def test_until_approved_people_see_only_a_status_page(client, status, text):
    company = CompanyFactory(status=status, status_reason="Not a software reseller")
    member = MembershipFactory(company=company, role=Role.ADMIN)
    client.force_login(member.user)
    response = client.get("/en/partner/")
    assert response.status_code == 302 and response["Location"] == "/en/partner/status/"
    page = client.get("/en/partner/status/").content.decode()
    assert text in page
    assert ("Not a software reseller" in page) is (status == CompanyStatus.REJECTED)
    assert client.get("/en/partner/members/").status_code == 302


def test_unconfirmed_email_keeps_the_person_on_the_status_page(client):
    member = MembershipFactory(role=Role.ADMIN, confirmed=False)
    client.force_login(member.user)
    assert client.get("/en/partner/")["Location"] == "/en/partner/status/"
    assert "E-mail not confirmed" in client.get("/en/partner/status/").content.decode()


def test_blocking_a_company_ends_its_sessions_at_once_and_stops_logins(client):
    company = CompanyFactory()
    member = MembershipFactory(company=company, role=Role.ADMIN)
    client.force_login(member.user)
    assert client.get("/en/partner/").status_code == 200

    company_block(company=company, by=StaffFactory(), reason="Unpaid invoices")
    response = client.get("/en/partner/")
    assert response.status_code == 302 and response["Location"] == "/en/partner/account/login/"
    assert "_auth_user_id" not in client.session

    response = login(client, member.user.email)
    assert response.status_code == 200
    assert "access to the partner portal is blocked" in response.content.decode()


def test_deactivated_member_cannot_log_in(client):
    member = MembershipFactory()
    member.is_active = False
    member.save()
    response = login(client, member.user.email)
    assert "portal account has ended. Ask your administrator." in response.content.decode()


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failed_logins_lock_the_account_out(client):
    member = MembershipFactory()
    for _ in range(3):
        login(client, member.user.email, "wrong")
    response = login(client, member.user.email)  # even the right password
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()


@override_settings(RATELIMIT_LOGIN="2/m")
def test_login_posts_are_rate_limited_per_address(client):
    for n in range(2):
        login(client, f"nobody{n}@partner.lv", "x")
    assert login(client, "nobody9@partner.lv", "x").status_code == 429


def test_password_reset_by_email(client):
    member = MembershipFactory()
    client.post("/en/partner/account/password-reset/", {"email": member.user.email})
    link = re.search(r"http://testserver(/en/partner/account/password-reset/\S+/)", sent_mail()[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "another-Long-passw0rd", "new_password2": "another-Long-passw0rd"},
    )
    assert response["Location"] == "/en/partner/account/password-reset/complete/"
    client.logout()
    assert login(client, member.user.email, "another-Long-passw0rd").status_code == 302


def test_password_reset_for_an_unknown_address_looks_the_same(client):
    response = client.post("/en/partner/account/password-reset/", {"email": "ghost@partner.lv"})
    assert response["Location"] == "/en/partner/account/password-reset/sent/"
    assert sent_mail() == []


def test_password_change_needs_the_old_password(client):
    member = MembershipFactory()
    client.force_login(member.user)
    response = client.post(
        "/en/partner/account/password/",
        {"old_password": "wrong", "new_password1": "another-Long-passw0rd", "new_password2": "another-Long-passw0rd"},
    )
    assert response.status_code == 200
    assert "old password was entered incorrectly" in response.content.decode()


def test_sessions_expire(settings):
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 60 * 60


def test_profile_can_be_edited(client):
    member = MembershipFactory()
    client.force_login(member.user)
    response = client.post(
        "/en/partner/account/",
        {"first_name": "Jānis", "last_name": "Ozols", "phone": "+371 20000001", "preferred_language": "lv"},
    )
    assert response.status_code == 302
    member.user.refresh_from_db()
    assert (member.user.first_name, member.user.preferred_language, member.user.announcement_emails) == (
        "Jānis",
        "lv",
        False,
    )


def test_staff_log_in_to_the_admin_through_the_same_page(client):
    staff = StaffFactory()
    assert login(client, staff.email)["Location"] == "/admin/"


def test_a_user_without_a_section_grant_gets_403_and_no_link(client):
    member = MembershipFactory(sections=["materials"])
    client.force_login(member.user)
    home = client.get("/en/partner/").content.decode()
    assert 'href="/en/partner/materials/"' in home
    assert 'href="/en/partner/invoices/"' not in home
    assert 'href="/en/partner/members/"' not in home
    assert client.get("/en/partner/invoices/").status_code == 403
    assert client.get("/en/partner/members/").status_code == 404  # administrators' pages stay not found
    assert client.get("/en/partner/materials/").status_code == 200
