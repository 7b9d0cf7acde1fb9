"""The staff ERP sync page against a real trytond 8.2, as an operator uses it: whether Tryton answers (asked live),
the deliveries waiting for it named after their company with their last error and next attempt, Pull now, the
sync check with the differences it found, and the parked deliveries (retry all, discard after a confirmation)."""

import re

import pytest
from django.utils import timezone

from integrations.erp.models import OutboxMessage
from integrations.erp.tasks import erp_deliver_outbox
from partner_area.companies.models import CompanyStatus, Role
from partner_area.companies.services import company_approve, company_update_contact_details
from partner_area.platform.audit.models import AuditLogEntry
from partner_area.platform.outbox import OutboxStatus
from tests.factories import CompanyFactory, MembershipFactory, StaffFactory
from tests.numbers import lv_registration_number

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_retries")]

URL = "/admin/erp-sync/"


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def staff(client):
    client.force_login(StaffFactory())
    return client


def test_the_page_says_when_tryton_does_not_answer_and_what_waits_for_it(tryton, staff):
    assert "The ERP answered just now" in text(staff.get(URL))

    company = CompanyFactory(status=CompanyStatus.PENDING_REVIEW, registration_number=lv_registration_number(810001))
    tryton.stop()
    try:
        company_approve(company=company, by=StaffFactory())
        erp_deliver_outbox()  # the sweep finds Tryton down: the delivery waits for it
        response = staff.get(URL)
        page = text(response)
        assert response.status_code == 200
        assert "The ERP did not answer just now" in page
        assert "Waiting: 1 (for the peer to answer: 1)" in page
        assert "Link or create the company in the ERP" in page and company.legal_name in page
        assert f'href="/admin/partners/profiles/{company.pk}/"' in response.content.decode()
        message = OutboxMessage.objects.get()
        next_attempt = timezone.localtime(message.next_attempt_at).strftime("%Y-%m-%d %H:%M:%S")
        assert next_attempt in page  # when it is tried next, in the portal's time zone
        assert message.last_error and message.last_error[:30] in page
    finally:
        tryton.start()
    erp_deliver_outbox()  # the next sweep sees Tryton back: delivered without anyone retrying
    company.refresh_from_db()
    assert company.erp_id
    assert "Waiting: 0" in text(staff.get(URL))


def test_pull_now_and_the_sync_check_show_what_tryton_holds(tryton, staff, django_capture_on_commit_callbacks):
    company = CompanyFactory(status=CompanyStatus.PENDING_REVIEW, registration_number=lv_registration_number(810002))
    company_approve(company=company, by=StaffFactory())
    erp_deliver_outbox()
    company.refresh_from_db()
    invoice_id = tryton.create_invoice(int(company.erp_id), [("Licence", 1, "100.00")])

    assert staff.post(URL, {"pull": "1"}).status_code == 302  # eager in tests: the pull runs at once
    assert company.invoices.filter(erp_id=str(invoice_id)).exists()
    assert AuditLogEntry.objects.filter(action="erp.pull_requested").count() == 1

    with django_capture_on_commit_callbacks(execute=True):  # the check is queued once the request commits
        staff.post(URL, {"check": "1"})
    assert "no differences, the portal and the ERP agree" in text(staff.get(URL))

    tryton.rename_party(int(company.erp_id), "Renamed In Tryton SIA")  # not pulled yet
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(URL, {"check": "1"})
    page = text(staff.get(URL))
    # The ERP changed it after the last pull: in flight, not a settled difference.
    assert "found differences: 1; not explained by a queued delivery or a later ERP change: 0" in page
    assert "legal_name" in page and "Renamed In Tryton SIA" in page
    assert AuditLogEntry.objects.filter(action="erp.check_requested").count() == 2


def test_parked_deliveries_can_be_retried_all_at_once_or_discarded_after_a_confirmation(tryton, staff, settings):
    settings.ERP_OUTBOX_MAX_ATTEMPTS = 1
    first = CompanyFactory(status=CompanyStatus.PENDING_REVIEW, registration_number=lv_registration_number(810003))
    second = CompanyFactory(status=CompanyStatus.PENDING_REVIEW, registration_number=lv_registration_number(810004))
    for company in (first, second):
        company_approve(company=company, by=StaffFactory())
        erp_deliver_outbox()
        company.refresh_from_db()
    admin = MembershipFactory(company=first, role=Role.ADMIN)
    # Tryton refuses the phone numbers (the party was deleted there by hand): both updates are parked.
    tryton.client.delete("party.party", [int(first.erp_id), int(second.erp_id)])
    company_update_contact_details(membership=admin, phone="+371 20000001", email=first.email, website="")
    company_update_contact_details(
        membership=MembershipFactory(company=second, role=Role.ADMIN),
        phone="+371 20000002",
        email=second.email,
        website="",
    )
    erp_deliver_outbox()
    parked = list(OutboxMessage.objects.filter(status=OutboxStatus.FAILED).order_by("id"))
    assert len(parked) == 2
    assert "Parked: 2" in text(staff.get(URL))

    confirm = staff.get(f"{URL}?discard={parked[0].pk}")
    assert "Discard this delivery?" in text(confirm) and first.legal_name in text(confirm)
    assert OutboxMessage.objects.get(pk=parked[0].pk).status == OutboxStatus.FAILED  # asking changes nothing
    staff.post(URL, {"discard": parked[0].pk})
    assert OutboxMessage.objects.get(pk=parked[0].pk).status == OutboxStatus.DISCARDED
    assert AuditLogEntry.objects.filter(action="erp.outbox_discard", target_id=str(parked[0].pk)).exists()

    staff.post(URL, {"retry_all": "1"})
    retried = OutboxMessage.objects.get(pk=parked[1].pk)
    assert (retried.status, retried.attempts) == (OutboxStatus.PENDING, 0)  # another round of attempts
    erp_deliver_outbox()
    retried.refresh_from_db()
    assert retried.status == OutboxStatus.FAILED and retried.attempts == 1  # tried again, refused again
    assert OutboxMessage.objects.get(pk=parked[0].pk).status == OutboxStatus.DISCARDED  # stays discarded
    assert AuditLogEntry.objects.get(action="erp.outbox_retry_all").details == {"count": 1}
