"""Without an ERP, finance staff confirm a reported payment in the Wagtail admin and are told it waits for an ERP;
the partner's invoice page (Latvian, phone) then says the payment is confirmed and will be recorded, and the ERP
sync page says no ERP is configured and how to configure one."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partner_area.billing.models import ErpInvoiceState, Invoice, PaymentNotice, PaymentNoticeStatus
from partner_area.billing.services import payment_notice_report
from partner_area.companies.models import Role
from tests.factories import PASSWORD, CompanyFactory, MembershipFactory, StaffFactory

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_without_an_erp_a_confirmed_payment_is_told_truthfully_to_staff_and_partner(site, phone, browser, settings):
    settings.ERP_BACKEND = "partner_area.platform.ports.erp.NoErpGateway"
    company = CompanyFactory(legal_name="No ERP Payer SIA")
    today = timezone.localdate()
    invoice = Invoice.unscoped.create(
        company=company, erp_id="noerp-1", number="NE-1", invoice_date=today - timedelta(days=5),
        due_date=today + timedelta(days=25), currency="EUR", total=Decimal("100.00"), balance=Decimal("100.00"),
        erp_state=ErpInvoiceState.POSTED,
    )  # fmt: skip
    admin = MembershipFactory(company=company, role=Role.ADMIN)
    notice = payment_notice_report(
        membership=admin, invoice=invoice, amount=Decimal("40.00"), paid_on=today, reference="NE-REF-1"
    )
    staff = StaffFactory()

    desk = browser.new_page(viewport={"width": 1280, "height": 900})
    desk.goto(f"{site}/admin/login/")
    desk.get_by_label(re.compile("Email|E-mail", re.I)).fill(staff.email)
    desk.locator("#id_password").fill(PASSWORD)
    desk.get_by_role("button", name=re.compile("Sign in|Log in", re.I)).click()
    desk.goto(f"{site}/admin/payments/{notice.pk}/")
    expect(
        desk.get_by_text("No ERP is configured: the payment is sent to the ERP once one is connected.")
    ).to_be_visible()
    desk.get_by_role("button", name="Confirm payment").click()
    expect(desk.get_by_text("Payment confirmed. No ERP is configured")).to_be_visible()
    expect(desk.get_by_role("link", name="Confirmed (no ERP is configured) (1)")).to_be_visible()
    screenshot(desk, "payment-confirmed-no-erp-queue")
    desk.goto(f"{site}/admin/erp-sync/")
    expect(desk.get_by_text(re.compile("^No ERP is configured: nothing is pulled"))).to_be_visible()
    screenshot(desk, "erp-sync-no-erp")
    desk.close()
    assert PaymentNotice.unscoped.get().status == PaymentNoticeStatus.CONFIRMED

    phone.goto(f"{site}/lv/partner/account/login/")
    phone.locator("#id_username").fill(admin.user.email)
    phone.locator("#id_password").fill(PASSWORD)
    phone.locator("#id_password").press("Enter")
    phone.wait_for_url(re.compile(r"/lv/partner/"))
    phone.goto(f"{site}/lv/partner/invoices/{invoice.pk}/")
    expect(phone.get_by_role("heading", name="Rēķins NE-1")).to_be_visible()
    assert "gaida mūsu finanšu komandas apstiprinājumu" not in phone.locator(".invoice-sheet").inner_text()
    screenshot(phone, "invoice-confirmed-no-erp-lv-390")
