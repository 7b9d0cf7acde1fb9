"""E-mail never breaks a request (#14 F2): with the mail server refusing connections, registration, staff status
changes and invitations answer as usual and keep everything; the e-mails wait in the queue and go out once the
server is back, each exactly once, and one bad address does not stop the others."""

import socket

import pytest
from django.core import mail

from partner_area.companies.models import Company, CompanyStatus, Role
from partner_area.companies.services import company_change_status
from partner_area.platform.mail.models import EmailStatus, OutgoingEmail
from partner_area.platform.mail.services import emails_send_due
from tests.factories import CompanyFactory, MembershipFactory, StaffFactory
from tests.onboarding.test_registration import URL as REGISTER_URL
from tests.onboarding.test_registration import application

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens here once the probe is closed


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    settings.MAIL_RETRY_SECONDS = settings.MAIL_RETRY_CAP_SECONDS = 0
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    return settings


def smtp_back(settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_registration_with_the_mail_server_down_succeeds_and_the_mail_follows_once_it_is_back(client, smtp_down):
    response = client.post(REGISTER_URL, application())
    assert response.status_code == 302
    assert Company.objects.get().status == CompanyStatus.PENDING_REVIEW
    assert emails_send_due() == 0  # the server still refuses: kept, to be tried again
    (queued,) = OutgoingEmail.objects.all()
    assert queued.status == EmailStatus.QUEUED and "ConnectionRefusedError" in queued.last_error

    smtp_back(smtp_down)
    assert emails_send_due() == 1
    assert emails_send_due() == 0  # sent once
    assert [message.to for message in mail.outbox] == [["ilze@balticintegrators.lv"]]
    assert "/partner/confirm-email/" in mail.outbox[0].body


def test_a_status_change_mails_every_admin_even_when_the_server_fails_first(
    smtp_down, django_capture_on_commit_callbacks
):
    company = CompanyFactory(status=CompanyStatus.ACTIVE)
    admins = [MembershipFactory(company=company, role=Role.ADMIN) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        company_change_status(company=company, action="block", by=StaffFactory(), reason="Unpaid for a year.")
    company.refresh_from_db()
    assert company.status == CompanyStatus.BLOCKED
    assert OutgoingEmail.objects.filter(status=EmailStatus.QUEUED).count() == 3

    smtp_back(smtp_down)
    emails_send_due()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(admin.user.email for admin in admins)


def test_an_invitation_with_the_mail_server_down_is_saved_and_sent_later(client, smtp_down):
    admin = MembershipFactory(company=CompanyFactory(status=CompanyStatus.ACTIVE), role=Role.ADMIN)
    client.force_login(admin.user)
    response = client.post(
        "/en/partner/members/invite/",
        {"email": "new.colleague@partner.lv", "role": Role.USER, "sections": ["invoices"]},
    )
    assert response.status_code == 302
    smtp_back(smtp_down)
    emails_send_due()
    assert [message.to for message in mail.outbox] == [["new.colleague@partner.lv"]]
