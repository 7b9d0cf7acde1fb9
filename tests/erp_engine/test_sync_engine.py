"""The sync engine's rules (outbox, pull, conflicts, validation, webhook) against an in-memory ERP."""

import json
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from integrations.erp.models import OutboxMessage, RejectedRecord, SyncConflict, SyncCursor
from integrations.erp.outbox import outbox_deliver_due
from integrations.erp.pull import pull_all, pull_entity
from integrations.erp.tasks import erp_deliver_outbox
from integrations.erp.webhook import signature_for
from partner_area.billing.models import Invoice
from partner_area.companies.models import Company, CompanyContact, CompanyStatus, Role
from partner_area.companies.services import company_approve, company_update_contact_details
from partner_area.platform.audit.models import AuditLogEntry
from partner_area.platform.ports.erp import ErpError
from tests.factories import CompanyFactory, MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def erp(erp, settings):
    """The shared in-memory ERP, without backoff or pull overlap: a test sweeps and pulls as often as it likes."""
    settings.ERP_OUTBOX_BACKOFF_SECONDS = settings.ERP_OUTBOX_BACKOFF_CAP_SECONDS = 0
    settings.ERP_PULL_OVERLAP_SECONDS = 0
    return erp


def approve(company):
    company_approve(company=company, by=StaffFactory())
    company.refresh_from_db()
    return company


def invoice_fields(company_erp_id, **overrides):
    fields = {
        "company_erp_id": company_erp_id, "number": "INV-1", "invoice_date": date(2026, 11, 1),
        "due_date": date(2026, 12, 1), "currency": "EUR", "total": Decimal("121.00"),
        "amount_to_pay": Decimal("121.00"), "state": "posted",
    }  # fmt: skip
    return {**fields, **overrides}


def test_approving_a_new_company_creates_it_in_the_erp_exactly_once(erp, django_capture_on_commit_callbacks):
    company = CompanyFactory(status=CompanyStatus.PENDING_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        company_approve(company=company, by=StaffFactory())
    company.refresh_from_db()
    assert company.erp_id  # delivered by the worker the commit nudged (tasks run inline in tests)
    assert [c.registration_number for c in erp.companies.values()] == [company.registration_number]
    message = OutboxMessage.objects.get()
    assert message.status == "delivered"
    # Delivering the same message again, or a retry after a lost acknowledgement, creates nothing new.
    OutboxMessage.objects.filter(pk=message.pk).update(status="pending")
    outbox_deliver_due()
    assert len(erp.companies) == 1


def test_erp_down_during_approval_keeps_the_change_and_delivers_after_restart(erp):
    erp.up = False
    company = approve(CompanyFactory(status=CompanyStatus.PENDING_REVIEW))
    assert company.status == CompanyStatus.ACTIVE and company.erp_id == ""
    outbox_deliver_due()
    message = OutboxMessage.objects.get()
    # Waiting for the ERP, the attempt not counted toward parking.
    assert (message.status, message.attempts, message.last_error) == ("pending", 0, "connection refused")
    assert message.waiting_for_peer and message.last_attempt_at
    assert outbox_deliver_due() == 0  # not due yet: a down ERP is not called again at once
    erp.up = True
    erp_deliver_outbox()  # beat's sweep: the health check answers, so what waited is delivered now
    company.refresh_from_db()
    assert company.erp_id and len(erp.companies) == 1


def test_after_repeated_failures_a_delivery_is_parked_for_staff_and_can_be_retried(erp, settings, client):
    settings.ERP_OUTBOX_MAX_ATTEMPTS = 3
    erp.answer_error = ErpError("internal error in the ERP")  # it answers, with an error: counted
    approve(CompanyFactory(status=CompanyStatus.PENDING_REVIEW))
    for _ in range(4):
        OutboxMessage.objects.update(next_attempt_at=timezone.now())
        outbox_deliver_due()
    message = OutboxMessage.objects.get()
    assert message.status == "failed" and message.attempts == 3

    client.force_login(StaffFactory())
    page = client.get("/admin/erp-sync/").content.decode()
    assert "internal error in the ERP" in page and "Retry" in page
    company = Company.objects.get()
    # Which change failed, for which company, with a link to it.
    assert "Link or create the company in the ERP" in page and f'/admin/partners/profiles/{company.pk}/"' in page
    erp.answer_error = None
    client.post("/admin/erp-sync/", {"retry": message.pk})
    outbox_deliver_due()
    message.refresh_from_db()
    assert message.status == "delivered"
    retry = AuditLogEntry.objects.get(action="erp.outbox_retry")
    assert retry.target_id == str(message.pk) and "internal error in the ERP" in retry.details["error"]


def test_changes_to_one_company_are_delivered_in_order(erp):
    company = CompanyFactory()
    from partner_area.platform.ports.erp import erp_company_send_later

    erp_company_send_later(company=company, create=True)
    erp_company_send_later(company=company)
    first, second = OutboxMessage.objects.order_by("id")
    OutboxMessage.objects.filter(pk=first.pk).update(next_attempt_at=timezone.now() + timedelta(hours=1))
    outbox_deliver_due()
    assert OutboxMessage.objects.get(pk=second.pk).status == "pending"  # waits for the older one
    assert erp.calls.count("update_company") == 0


def test_renaming_in_the_erp_reaches_the_portal_without_an_echo(erp):
    company = approve(CompanyFactory(status=CompanyStatus.PENDING_REVIEW))
    outbox_deliver_due()
    company.refresh_from_db()
    erp.edit_company(company.erp_id, legal_name="Renamed in ERP SIA", city="Liepāja")
    before = OutboxMessage.objects.count()
    assert pull_entity("companies") >= 1
    company.refresh_from_db()
    assert (company.legal_name, company.city) == ("Renamed in ERP SIA", "Liepāja")
    assert OutboxMessage.objects.count() == before  # applying an inbound change queues nothing


def test_phone_changed_in_the_portal_reaches_the_erp(erp):
    company = approve(CompanyFactory(status=CompanyStatus.PENDING_REVIEW))
    outbox_deliver_due()
    admin = MembershipFactory(company=company, role=Role.ADMIN)
    company_update_contact_details(membership=admin, phone="+371 29999999", email="new@partner.lv", website="")
    outbox_deliver_due()
    company.refresh_from_db()
    erp_company = erp.companies[company.erp_id]
    assert (erp_company.phone, erp_company.email) == ("+371 29999999", "new@partner.lv")
    assert erp_company.legal_name == company.legal_name


def test_both_sides_changing_a_field_records_a_conflict_and_applies_the_owner(erp):
    company = approve(CompanyFactory(status=CompanyStatus.PENDING_REVIEW))
    outbox_deliver_due()
    company.refresh_from_db()
    Company.objects.filter(pk=company.pk).update(phone="+371 21111111", legal_name="Portal Name SIA")
    erp.edit_company(company.erp_id, phone="+371 22222222", legal_name="ERP Name SIA")
    pull_entity("companies")
    company.refresh_from_db()
    assert company.phone == "+371 21111111"  # the portal owns contact details
    assert company.legal_name == "ERP Name SIA"  # the ERP owns legal data
    conflicts = {c.field: c.applied for c in SyncConflict.objects.all()}
    assert conflicts == {"phone": "portal", "legal_name": "erp"}


def test_pull_follows_the_cursor_and_reads_only_new_changes(erp):
    company = approve(CompanyFactory(status=CompanyStatus.PENDING_REVIEW))
    outbox_deliver_due()
    company.refresh_from_db()
    for n in range(5):
        erp.put_invoice(**invoice_fields(company.erp_id, number=f"INV-{n}"))
    assert pull_entity("invoices", page_size=2) == 5
    assert Invoice.objects.for_company(company).count() == 5
    assert pull_entity("invoices") == 0
    erp.put_invoice(**invoice_fields(company.erp_id, number="INV-NEW"))
    assert pull_entity("invoices") == 1
    assert SyncCursor.objects.get(entity="invoices").last_success_at is not None


def test_invoice_payments_move_balance_and_status(erp):
    company = approve(CompanyFactory(status=CompanyStatus.PENDING_REVIEW))
    outbox_deliver_due()
    company.refresh_from_db()
    invoice = erp.put_invoice(**invoice_fields(company.erp_id, due_date=date(2020, 1, 1)))
    pull_entity("invoices")
    assert Invoice.objects.for_company(company).get().status == "overdue"
    erp.put_invoice(**invoice_fields(company.erp_id, erp_id=invoice.erp_id, amount_to_pay=Decimal("71.00")))
    pull_entity("invoices")
    assert Invoice.objects.for_company(company).get().balance == Decimal("71.00")
    erp.put_invoice(**invoice_fields(company.erp_id, erp_id=invoice.erp_id, amount_to_pay=Decimal("0"), state="paid"))
    pull_entity("invoices")
    assert Invoice.objects.for_company(company).get().status == "paid"


def test_a_bad_record_is_skipped_and_shown_while_the_rest_applies(erp):
    company = approve(CompanyFactory(status=CompanyStatus.PENDING_REVIEW))
    outbox_deliver_due()
    company.refresh_from_db()
    erp.put_invoice(**invoice_fields(company.erp_id, number="GOOD-1"))
    erp.put_invoice(**invoice_fields(company.erp_id, number="BAD-1", currency="EURO", total="lots"))
    erp.put_invoice(**invoice_fields(company.erp_id, number="GOOD-2"))
    pull_entity("invoices")
    assert sorted(Invoice.objects.for_company(company).values_list("number", flat=True)) == ["GOOD-1", "GOOD-2"]
    rejected = RejectedRecord.objects.get()
    assert set(rejected.errors) == {"currency", "total"}


def test_invoices_of_companies_the_portal_does_not_know_are_ignored(erp):
    erp.put_invoice(**invoice_fields("P-unknown"))
    pull_entity("invoices")
    assert Invoice.unscoped.count() == 0


def test_approving_a_company_found_in_the_erp_links_it_and_takes_over_erp_data(erp):
    known = erp.add_company(
        legal_name="Known In ERP SIA", registration_number="40003777777", city="Ventspils", phone="+371 60000000"
    )
    erp.put_invoice(**invoice_fields(known.erp_id, number="OLD-1"))  # the ERP's history of the company
    company = CompanyFactory(status=CompanyStatus.PENDING_VERIFICATION, registration_number="40003777777")
    company = approve(company)
    assert (company.status, company.erp_id) == (CompanyStatus.ACTIVE, "")  # the ERP is not asked while staff wait
    outbox_deliver_due()  # links, and queues the portal's own phone for the ERP
    outbox_deliver_due()
    company.refresh_from_db()
    assert (company.erp_id, company.legal_name, company.city) == (known.erp_id, "Known In ERP SIA", "Ventspils")
    # The portal keeps (and sends) the contact details it owns; the ERP's legal data is the truth.
    assert company.phone == "+371 20000000" and erp.companies[known.erp_id].phone == "+371 20000000"
    assert len(erp.companies) == 1 and "create_company" not in erp.calls
    assert list(Invoice.objects.for_company(company).values_list("number", flat=True)) == ["OLD-1"]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"delivered"}


def test_contacts_changed_in_the_erp_reach_the_portal(erp):
    company = approve(CompanyFactory(status=CompanyStatus.PENDING_REVIEW))
    outbox_deliver_due()
    company.refresh_from_db()
    from partner_area.platform.ports.erp import ErpContact

    erp.contacts["C1"] = ErpContact(company_erp_id=company.erp_id, name="Ieva", email="ieva@p.lv", erp_id="C1",
                                    changed_at=erp.tick())  # fmt: skip
    pull_all()
    assert CompanyContact.objects.for_company(company).get().name == "Ieva"
    from dataclasses import replace

    erp.contacts["C1"] = replace(erp.contacts["C1"], phone="+371 20000009", changed_at=erp.tick())
    pull_all()
    assert CompanyContact.objects.for_company(company).get().phone == "+371 20000009"


def _post_webhook(client, body: dict, *, secret="s3cret", timestamp=None, signature=None):
    raw = json.dumps(body).encode()
    timestamp = str(timestamp or int(time.time()))
    return client.post(
        "/integrations/erp/webhook/",
        raw,
        content_type="application/json",
        HTTP_X_BRELLO_TIMESTAMP=timestamp,
        HTTP_X_BRELLO_SIGNATURE=signature or signature_for(timestamp, raw, secret),
    )


def test_signed_webhook_triggers_a_pull_and_replays_are_refused(client, settings, erp):
    settings.ERP_WEBHOOK_SECRET = "s3cret"
    company = approve(CompanyFactory(status=CompanyStatus.PENDING_REVIEW))
    outbox_deliver_due()
    company.refresh_from_db()
    erp.put_invoice(**invoice_fields(company.erp_id))
    timestamp = int(time.time())
    response = _post_webhook(client, {"entity": "invoices"}, timestamp=timestamp)
    assert response.status_code == 202
    assert Invoice.objects.for_company(company).count() == 1  # the queued pull ran (tasks run inline in tests)
    assert _post_webhook(client, {"entity": "invoices"}, timestamp=timestamp).status_code == 409


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"secret": "wrong"}, 403),
        ({"timestamp": int(time.time()) - 3600}, 400),
        ({"timestamp": "yesterday"}, 400),
    ],
)
def test_webhook_refuses_bad_signatures_and_stale_requests(client, settings, kwargs, status):
    settings.ERP_WEBHOOK_SECRET = "s3cret"
    assert _post_webhook(client, {"entity": "invoices"}, **kwargs).status_code == status


def test_webhook_names_a_bad_entity(client, settings):
    settings.ERP_WEBHOOK_SECRET = "s3cret"
    response = _post_webhook(client, {"entity": "planets"})
    assert response.status_code == 400
    assert "entity" in response.json()["errors"]


def test_without_an_erp_nothing_is_queued_on_approval(settings):
    settings.ERP_BACKEND = "partner_area.platform.ports.erp.NoErpGateway"
    approve(CompanyFactory(status=CompanyStatus.PENDING_REVIEW))
    assert OutboxMessage.objects.count() == 0


def test_staff_compare_a_known_company_with_the_erp_record_before_approving(erp, client):
    erp.add_company(legal_name="Official Name SIA", registration_number="40003888888", city="Cēsis")
    company = CompanyFactory(
        status=CompanyStatus.PENDING_VERIFICATION, registration_number="40003888888", legal_name="Applied Name SIA"
    )
    client.force_login(StaffFactory())
    page = client.get(f"/admin/partners/profiles/{company.pk}/").content.decode()
    assert "Application beside the ERP record" in page
    assert "Applied Name SIA" in page and "<strong>Official Name SIA</strong>" in page


def test_data_the_erp_refuses_is_parked_at_once_instead_of_retried(erp, monkeypatch):
    from partner_area.platform.ports.erp import ErpRejected
    from tests.erp_engine.fake import FakeErpGateway

    def refuse(self, data):
        raise ErpRejected("The VAT number fails the checksum.")

    monkeypatch.setattr(FakeErpGateway, "create_company", refuse)
    approve(CompanyFactory(status=CompanyStatus.PENDING_REVIEW))
    outbox_deliver_due()
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == ("failed", 1)
    assert "checksum" in message.last_error


def test_an_unexpected_error_in_a_handler_is_counted_and_parked_while_the_sweep_goes_on(erp, settings, monkeypatch):
    from partner_area.platform.outbox import HANDLERS

    settings.ERP_OUTBOX_MAX_ATTEMPTS = 2
    broken, fine = (
        CompanyFactory(status=CompanyStatus.PENDING_REVIEW),
        CompanyFactory(status=CompanyStatus.PENDING_REVIEW),
    )
    approve(broken), approve(fine)
    create = HANDLERS["erp"]["company.create"]

    def buggy(message, gateway):
        if message.entity_id == str(broken.pk):
            Company.objects.filter(pk=broken.pk).update(legal_name="Half written")
            raise KeyError("a bug")
        create(message, gateway)

    monkeypatch.setitem(HANDLERS["erp"], "company.create", buggy)
    assert outbox_deliver_due() == 1  # the broken message does not stop the next one
    failing = OutboxMessage.objects.get(entity_id=str(broken.pk))
    assert (failing.status, failing.attempts) == ("pending", 1) and "a bug" in failing.last_error
    assert OutboxMessage.objects.get(entity_id=str(fine.pk)).status == "delivered"
    assert Company.objects.get(pk=broken.pk).legal_name != "Half written"  # the savepoint undid the handler
    assert len(erp.companies) == 1

    outbox_deliver_due()
    failing.refresh_from_db()
    assert (failing.status, failing.attempts) == ("failed", 2)  # parked for staff after the last attempt
