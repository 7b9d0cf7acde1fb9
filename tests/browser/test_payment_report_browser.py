"""Reporting a payment on a phone (390 px): an org admin opens an overdue invoice, reports a transfer with the
keyboard, sees the refusal for an amount above the balance, then "payment reported" beside the status."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cms_pages.seed import public_site_seed
from partner_area.billing.models import ErpInvoiceState, Invoice, PaymentNotice
from partner_area.organizations.models import Role
from tests.factories import PASSWORD
from tests.onboarding.helpers import make_company, make_member

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def site(transactional_db, live_server, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private-media")
    public_site_seed()
    return live_server.url


@pytest.fixture
def overdue_invoice(transactional_db):
    company = make_company(legal_name="Phone Payer SIA")
    today = timezone.localdate()
    return Invoice.unscoped.create(
        company=company, erp_id="pay-phone-1", number="PH-PAY-1", invoice_date=today - timedelta(days=40),
        due_date=today - timedelta(days=10), currency="EUR", total=Decimal("242.00"), balance=Decimal("242.00"),
        erp_state=ErpInvoiceState.POSTED,
    )  # fmt: skip


def log_in(page, site: str, email: str) -> None:
    page.goto(f"{site}/en/partner/account/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"/en/partner/"))


def test_org_admin_reports_a_payment_on_a_phone_and_sees_payment_reported(site, phone, browser, overdue_invoice):
    admin = make_member(overdue_invoice.company, role=Role.ADMIN)
    log_in(phone, site, admin.user.email)
    phone.goto(f"{site}/en/partner/invoices/{overdue_invoice.pk}/")
    phone.get_by_role("link", name="Report a payment").click()
    expect(phone.get_by_role("heading", name="Report a payment of invoice PH-PAY-1")).to_be_visible()

    phone.get_by_label("Amount paid").fill("300.00")
    phone.get_by_label("Bank reference").fill("RF18 5390 0754 7034")
    phone.get_by_label("Bank reference").press("Enter")  # submits with the keyboard
    expect(phone.get_by_text("This is more than the balance to pay (242.00 EUR).")).to_be_visible()
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
