"""Reporting a payment on a phone (390 px): an org admin opens an overdue invoice, reports a transfer with the
keyboard, sees the refusal for an amount above the balance, then "payment reported" beside the status; in Latvian,
an amount typed with a decimal comma is saved as typed (12,5 is 12.50, not 125)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partner_area.billing.models import ErpInvoiceState, Invoice, PaymentNotice
from partner_area.companies.models import Role
from tests.factories import CompanyFactory, MembershipFactory

from .conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def overdue_invoice(transactional_db):
    company = CompanyFactory(legal_name="Phone Payer SIA")
    today = timezone.localdate()
    return Invoice.unscoped.create(
        company=company, erp_id="pay-phone-1", number="PH-PAY-1", invoice_date=today - timedelta(days=40),
        due_date=today - timedelta(days=10), currency="EUR", total=Decimal("242.00"), balance=Decimal("242.00"),
        erp_state=ErpInvoiceState.POSTED,
    )  # fmt: skip


def test_org_admin_reports_a_payment_on_a_phone_and_sees_payment_reported(site, phone, browser, overdue_invoice):
    admin = MembershipFactory(company=overdue_invoice.company, role=Role.ADMIN)
    log_in(phone, site, admin.user.email)
    phone.goto(f"{site}/en/partner/invoices/{overdue_invoice.pk}/")
    phone.get_by_role("link", name="Report a payment").click()
    expect(phone.get_by_role("heading", name="Report a payment of invoice PH-PAY-1")).to_be_visible()

    phone.get_by_label("Amount paid").fill("300.00")
    phone.get_by_label("Bank reference").fill("RF18 5390 0754 7034")
    phone.get_by_label("Bank reference").press("Enter")  # submits with the keyboard
    expect(phone.get_by_text("This is more than the balance to pay (€242.00).", exact=True)).to_be_visible()
    screenshot(phone, "payment-report-390")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the form overflows the phone screen ({width}px)"

    phone.get_by_label("Amount paid").fill("242.00")
    phone.get_by_role("button", name="Report payment").click()
    phone.wait_for_url(re.compile(rf"/en/partner/invoices/{overdue_invoice.pk}/$"))
    expect(phone.locator(".invoice-sheet__status")).to_contain_text("payment reported")
    expect(phone.get_by_role("cell", name="RF18 5390 0754 7034")).to_be_visible()
    assert PaymentNotice.unscoped.get().amount == Decimal("242.00")
    screenshot(phone, "invoice-payment-reported-390")
    assert phone.console_errors == []

    desktop = browser.new_context(viewport={"width": 1280, "height": 900})
    page = desktop.new_page()
    log_in(page, site, admin.user.email)
    page.goto(f"{site}/en/partner/invoices/{overdue_invoice.pk}/report-payment/")
    screenshot(page, "payment-report-1280")
    desktop.close()


def test_a_latvian_decimal_comma_typed_on_a_phone_is_saved_as_12_50(site, phone, overdue_invoice):
    admin = MembershipFactory(company=overdue_invoice.company, role=Role.ADMIN)
    log_in(phone, site, admin.user.email)
    phone.goto(f"{site}/lv/partner/invoices/{overdue_invoice.pk}/report-payment/")
    amount = phone.locator("#id_amount")
    expect(amount).to_have_attribute("type", "text")
    expect(amount).to_have_attribute("inputmode", "decimal")

    # Every mistake at once: an amount above the balance, a date in the future and a file that is no PDF.
    amount.press_sequentially("5000,5")
    phone.locator("#id_paid_on").fill((timezone.localdate() + timedelta(days=1)).isoformat())
    phone.locator("#id_reference").fill("LV-KOMATS-1")
    phone.locator("#id_remittance").set_input_files(
        files=[{"name": "maksajums.pdf", "mimeType": "application/pdf", "buffer": b"not a PDF at all"}]
    )
    phone.locator("#id_reference").press("Enter")
    expect(phone.locator("#id_amount_error")).to_contain_text("(242,00\xa0€)")
    expect(phone.locator("#id_paid_on_error")).to_be_visible()
    expect(phone.locator("#id_remittance_error")).to_be_visible()
    expect(amount).to_have_value("5000,5")  # what the partner typed stays in the box
    screenshot(phone, "payment-report-lv-errors-390")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the form overflows the phone screen ({width}px)"
    assert not PaymentNotice.unscoped.exists()

    amount.fill("")
    amount.press_sequentially("12,5")  # typed key by key, as on the phone's decimal keyboard
    phone.locator("#id_paid_on").fill(timezone.localdate().isoformat())
    phone.locator("#id_remittance").set_input_files(files=[])
    phone.get_by_role("button", name="Paziņot par maksājumu").click()
    phone.wait_for_url(re.compile(rf"/lv/partner/invoices/{overdue_invoice.pk}/$"))
    assert PaymentNotice.unscoped.get().amount == Decimal("12.50")
    expect(phone.locator(".payment-notices")).to_contain_text("12,50\xa0€")
    assert phone.console_errors == []
