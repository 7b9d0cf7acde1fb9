"""Reported payments end to end against a real trytond 8.2: a partner reports, finance staff confirm, the outbox
records the payment with Tryton's pay wizard, and the portal takes Tryton's answer."""

from decimal import Decimal

import pytest
from django.utils import timezone

from integrations.erp.models import OutboxMessage
from integrations.erp.outbox import outbox_deliver_due
from integrations.erp.pull import pull_entity
from integrations.erp.tasks import erp_deliver_outbox
from partner_area.billing.models import Invoice, PaymentNotice
from partner_area.billing.services import payment_notice_confirm, payment_notice_report
from partner_area.companies.models import Role
from partner_area.platform.ports.erp import get_erp_gateway
from tests.factories import CompanyFactory, MembershipFactory, StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_retries")]

D = Decimal


@pytest.fixture
def partner(tryton):
    """A portal company linked to its Tryton party, with an org admin."""
    party_id = tryton.create_party("Paying Partner SIA", registration_number="40003200001")
    company = CompanyFactory(legal_name="Paying Partner SIA", registration_number="40003200001", erp_id=str(party_id))
    return MembershipFactory(company=company, role=Role.ADMIN)


def tryton_invoice(tryton, partner, amount="100.00") -> tuple[int, Invoice]:
    """A posted invoice in Tryton (21 % VAT on top) and the portal's copy after a pull."""
    invoice_id = tryton.create_invoice(int(partner.company.erp_id), [("Licence", 1, amount)])
    pull_entity("invoices")
    return invoice_id, Invoice.objects.for_company(partner.company).get(erp_id=str(invoice_id))


def report_and_confirm(partner, invoice, amount, reference) -> PaymentNotice:
    notice = payment_notice_report(
        membership=partner, invoice=invoice, amount=D(amount), paid_on=timezone.localdate(), reference=reference
    )
    return payment_notice_confirm(notice=notice, by=StaffFactory())


def payment_moves(tryton, invoice_id: int, reference: str) -> list[int]:
    return tryton.search(
        "account.move", [("origin", "=", f"account.invoice,{invoice_id}"), ("description", "=", reference)]
    )


def test_a_confirmed_payment_is_recorded_in_tryton_and_the_portal_shows_tryton_balance(tryton, partner):
    invoice_id, invoice = tryton_invoice(tryton, partner)
    assert (invoice.balance, invoice.status) == (D("121.00"), "unpaid")
    notice = report_and_confirm(partner, invoice, "50.00", "RF18 0001")
    assert outbox_deliver_due() == 1

    assert tryton.invoice(invoice_id)["amount_to_pay"] == D("71.00")
    assert len(payment_moves(tryton, invoice_id, "RF18 0001")) == 1
    notice.refresh_from_db()
    invoice.refresh_from_db()
    assert notice.status == "recorded" and notice.recorded_at
    assert (invoice.balance, invoice.status, invoice.erp_state) == (D("71.00"), "unpaid", "posted")
    pull_entity("invoices")  # the next pull agrees
    invoice.refresh_from_db()
    assert invoice.balance == D("71.00")


def test_a_partial_then_a_full_payment_ends_paid_in_both_systems(tryton, partner):
    invoice_id, invoice = tryton_invoice(tryton, partner)
    report_and_confirm(partner, invoice, "21.00", "PART-1")
    outbox_deliver_due()
    invoice.refresh_from_db()
    report_and_confirm(partner, invoice, "100.00", "PART-2")
    outbox_deliver_due()

    assert tryton.invoice(invoice_id)["state"] == "paid"
    assert tryton.invoice(invoice_id)["amount_to_pay"] == D("0")
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.status, invoice.erp_state) == (D("0.00"), "paid", "paid")
    assert list(PaymentNotice.unscoped.values_list("status", flat=True)) == ["recorded", "recorded"]


def test_the_same_confirmation_delivered_twice_records_one_payment(tryton, partner):
    invoice_id, invoice = tryton_invoice(tryton, partner)
    notice = report_and_confirm(partner, invoice, "40.00", "TWICE-1")
    outbox_deliver_due()
    # As if the acknowledgement had been lost: the row and the notice are back to before the delivery.
    OutboxMessage.objects.update(status="pending")
    PaymentNotice.unscoped.filter(pk=notice.pk).update(status="confirmed")
    outbox_deliver_due()
    assert len(payment_moves(tryton, invoice_id, "TWICE-1")) == 1
    assert tryton.invoice(invoice_id)["amount_to_pay"] == D("81.00")
    notice.refresh_from_db()
    assert notice.status == "recorded"


def test_tryton_applied_the_payment_but_the_answer_was_lost_then_the_retry_records_nothing(tryton, partner):
    invoice_id, invoice = tryton_invoice(tryton, partner)
    notice = report_and_confirm(partner, invoice, "21.00", "TIMEOUT-1")
    # The first attempt reached Tryton, which recorded the payment, but the portal never heard back.
    get_erp_gateway().record_payment(str(invoice_id), D("21.00"), timezone.localdate(), "TIMEOUT-1")
    assert outbox_deliver_due() == 1
    assert len(payment_moves(tryton, invoice_id, "TIMEOUT-1")) == 1
    assert tryton.invoice(invoice_id)["amount_to_pay"] == D("100.00")
    notice.refresh_from_db()
    invoice.refresh_from_db()
    assert notice.status == "recorded" and invoice.balance == D("100.00")


def test_tryton_stopped_during_confirmation_delivers_after_restart_once(tryton, partner):
    invoice_id, invoice = tryton_invoice(tryton, partner)
    tryton.stop()
    notice = report_and_confirm(partner, invoice, "60.00", "DOWN-1")
    assert notice.status == "confirmed"
    outbox_deliver_due()
    message = OutboxMessage.objects.get()
    # Waiting for Tryton, not counted toward parking.
    assert message.status == "pending" and message.attempts == 0 and "could not be reached" in message.last_error
    tryton.start()
    erp_deliver_outbox()  # beat's sweep: the health check answers, what waited is delivered
    assert OutboxMessage.objects.get().status == "delivered"
    assert len(payment_moves(tryton, invoice_id, "DOWN-1")) == 1
    assert tryton.invoice(invoice_id)["amount_to_pay"] == D("61.00")
    invoice.refresh_from_db()
    assert invoice.balance == D("61.00")


def test_an_invoice_paid_in_tryton_before_confirmation_is_a_conflict_without_over_payment(tryton, partner):
    invoice_id, invoice = tryton_invoice(tryton, partner)
    notice = payment_notice_report(
        membership=partner, invoice=invoice, amount=D("121.00"), paid_on=timezone.localdate(), reference="LATE-1"
    )
    tryton.pay_invoice(invoice_id)  # booked by accounting from the bank statement meanwhile
    payment_notice_confirm(notice=notice, by=StaffFactory())
    outbox_deliver_due()

    notice.refresh_from_db()
    assert (notice.status, notice.amount, notice.erp_amount_to_pay) == ("conflict", D("121.00"), D("0.00"))
    assert payment_moves(tryton, invoice_id, "LATE-1") == []
    assert tryton.invoice(invoice_id)["amount_to_pay"] == D("0")
    assert OutboxMessage.objects.get().status == "delivered"
    invoice.refresh_from_db()
    assert invoice.status == "paid"
