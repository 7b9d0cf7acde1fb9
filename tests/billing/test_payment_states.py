"""What partners and finance staff are told about a reported payment at each step, with and without an ERP: the
invoice page's payment summary follows the notices' states, and staff are not promised an ERP that is not there."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone

from partner_area.billing.models import PaymentNotice, PaymentNoticeStatus
from partner_area.billing.services import payment_notice_confirm, payment_notice_report
from partner_area.companies.models import Role
from tests.factories import CompanyFactory, InvoiceFactory, MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db

D = Decimal
NO_ERP = "partner_area.platform.ports.erp.NoErpGateway"

WAITING = "A payment you reported is waiting for confirmation by our finance team."
BEING_RECORDED = "Our finance team has confirmed a payment you reported, and it is being recorded in our books."
WILL_BE_RECORDED = "Our finance team has confirmed a payment you reported, and it will be recorded in our books."
CHECKING = "Our finance team is checking a payment you reported."


@pytest.fixture
def admin():
    return MembershipFactory(company=CompanyFactory(legal_name="Payer SIA", erp_id="P1"), role=Role.ADMIN)


@pytest.fixture
def invoice(admin):
    return InvoiceFactory(company=admin.company, number="INV-9", erp_id="I9", total=D("121.00"), balance=D("121.00"))


@pytest.fixture
def partner(client, admin):
    client.force_login(admin.user)
    return client


def text(response) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))


def report(invoice, membership, reference="REF-1") -> PaymentNotice:
    return payment_notice_report(
        membership=membership, invoice=invoice, amount=D("50.00"), paid_on=timezone.localdate(), reference=reference
    )


def invoice_page(client, invoice) -> str:
    return text(client.get(f"/en/partner/invoices/{invoice.pk}/"))


# The partner's invoice page ----------------------------------------------------------------------------------


def test_a_reported_payment_is_shown_as_waiting_for_confirmation(partner, admin, invoice, settings):
    settings.ERP_BACKEND = NO_ERP
    report(invoice, admin)
    page = invoice_page(partner, invoice)
    assert WAITING in page and "Waiting for confirmation" in page
    assert BEING_RECORDED not in page and WILL_BE_RECORDED not in page


def test_a_confirmed_payment_is_shown_as_being_recorded_when_an_erp_is_configured(partner, admin, invoice, erp):
    payment_notice_confirm(notice=report(invoice, admin), by=StaffFactory())  # delivery is left to the worker
    page = invoice_page(partner, invoice)
    assert BEING_RECORDED in page and "Confirmed, being recorded" in page
    assert WAITING not in page and "waiting for confirmation" not in page.lower()


def test_without_an_erp_a_confirmed_payment_is_shown_as_to_be_recorded(partner, admin, invoice, settings):
    settings.ERP_BACKEND = NO_ERP
    payment_notice_confirm(notice=report(invoice, admin), by=StaffFactory())
    page = invoice_page(partner, invoice)
    assert WILL_BE_RECORDED in page and "Confirmed, will be recorded" in page
    assert BEING_RECORDED not in page and "being recorded" not in page.lower()
    assert WAITING not in page


def test_one_payment_waiting_and_another_confirmed_are_both_told(partner, admin, invoice, settings):
    settings.ERP_BACKEND = NO_ERP
    payment_notice_confirm(notice=report(invoice, admin, reference="FIRST"), by=StaffFactory())
    report(invoice, admin, reference="SECOND")
    page = invoice_page(partner, invoice)
    assert WAITING in page and WILL_BE_RECORDED in page


def test_a_payment_in_conflict_is_shown_as_being_checked_beside_what_is_left_to_pay(partner, admin, invoice, settings):
    settings.ERP_BACKEND = NO_ERP
    notice = report(invoice, admin)
    PaymentNotice.unscoped.filter(pk=notice.pk).update(status=PaymentNoticeStatus.CONFLICT, erp_amount_to_pay=D("20"))
    page = invoice_page(partner, invoice)
    assert CHECKING in page and "Being checked by our finance team" in page
    assert "is to be paid by" in page and WAITING not in page and "payment reported" not in page


def test_a_recorded_payment_leaves_no_waiting_text(partner, admin, invoice, settings):
    settings.ERP_BACKEND = NO_ERP
    notice = report(invoice, admin)
    PaymentNotice.unscoped.filter(pk=notice.pk).update(status=PaymentNoticeStatus.RECORDED)
    page = invoice_page(partner, invoice)
    assert "Recorded" in page and WAITING not in page and BEING_RECORDED not in page and CHECKING not in page


def test_the_latvian_invoice_page_renders_each_payment_state(partner, admin, invoice, settings):
    settings.ERP_BACKEND = NO_ERP
    payment_notice_confirm(notice=report(invoice, admin, reference="FIRST"), by=StaffFactory())
    report(invoice, admin, reference="SECOND")
    assert partner.get(f"/lv/partner/invoices/{invoice.pk}/").status_code == 200


# Finance staff -----------------------------------------------------------------------------------------------


def test_without_an_erp_staff_confirming_are_told_it_is_sent_once_an_erp_is_connected(client, admin, invoice, settings):
    settings.ERP_BACKEND = NO_ERP
    notice = report(invoice, admin)
    client.force_login(StaffFactory())
    detail = text(client.get(f"/admin/payments/{notice.pk}/"))
    assert "No ERP is configured: the payment is sent to the ERP once one is connected." in detail
    assert "The payment is then recorded in the ERP" not in detail
    response = client.post(f"/admin/payments/{notice.pk}/confirm/", follow=True)
    page = text(response)
    assert "Payment confirmed. No ERP is configured: the payment is sent to the ERP once one is connected." in page
    assert "It is being recorded in the ERP" not in page
    assert "No ERP is configured: confirmed payments wait here" in page
    assert "Confirmed (no ERP is configured) (1)" in page
    notice.refresh_from_db()
    assert notice.status == PaymentNoticeStatus.CONFIRMED
    detail = text(client.get(f"/admin/payments/{notice.pk}/"))
    assert "no ERP is configured: it is sent once one is connected" in detail


def test_with_an_erp_staff_confirming_are_told_it_is_being_recorded(client, admin, invoice, erp):
    notice = report(invoice, admin)
    client.force_login(StaffFactory())
    detail = text(client.get(f"/admin/payments/{notice.pk}/"))
    assert "The payment is then recorded in the ERP" in detail and "No ERP is configured" not in detail
    page = text(client.post(f"/admin/payments/{notice.pk}/confirm/", follow=True))
    assert "Payment confirmed. It is being recorded in the ERP." in page
    assert "No ERP is configured" not in page and "Confirmed, waiting for the ERP" in page
