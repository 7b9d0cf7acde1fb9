"""One invoice on a phone (390 px) and a desktop (1280 px): on the phone the lines and the reported payments are
a stacked list, each value labelled and right-aligned, with the column headers kept only for screen readers;
on the desktop they stay an ordinary table. English dates are day first."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partner_area.billing.models import ErpInvoiceState, Invoice, InvoiceLine
from partner_area.billing.services import payment_notice_report
from partner_area.companies.models import Role
from tests.factories import CompanyFactory, MembershipFactory

from .conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# For each cell of the first line: its label (the ::before content), and how far its value's text ends from the
# cell's right edge.
CELLS = """(selector) => [...document.querySelectorAll(selector + ' tbody tr:first-child td')].map((td) => {
  const range = document.createRange(); range.selectNodeContents(td);
  const text = range.getBoundingClientRect();
  const style = getComputedStyle(td);
  return {label: getComputedStyle(td, '::before').content,
          gap: td.getBoundingClientRect().right - parseFloat(style.paddingRight) - text.right};
})"""


@pytest.fixture
def member(transactional_db):
    return MembershipFactory(company=CompanyFactory(legal_name="Phone Reader SIA"), role=Role.ADMIN)


@pytest.fixture
def invoice(member):
    today = timezone.localdate()
    invoice = Invoice.unscoped.create(
        company=member.company, erp_id="read-1", number="PH-READ-1", invoice_date=today - timedelta(days=20),
        due_date=today + timedelta(days=10), currency="EUR", total=Decimal("1990.00"), balance=Decimal("1990.00"),
        erp_state=ErpInvoiceState.POSTED,
    )  # fmt: skip
    InvoiceLine.unscoped.create(
        invoice=invoice, position=1, description="Implementation services, hours", quantity=Decimal("14"),
        unit_price=Decimal("65.00"), amount=Decimal("910.00"),
    )  # fmt: skip
    InvoiceLine.unscoped.create(
        invoice=invoice, position=2, description="Business licences", quantity=Decimal("1"),
        unit_price=Decimal("1080.00"), amount=Decimal("1080.00"),
    )  # fmt: skip
    payment_notice_report(
        membership=member, invoice=invoice, amount=Decimal("500.00"), paid_on=today - timedelta(days=3),
        reference="SEPA-REF-0000123456789012",
    )  # fmt: skip
    return invoice


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_invoice_lines_are_a_labelled_list_on_a_phone_and_a_table_on_a_desktop(
    site, phone, browser, member, invoice, lang
):
    email = member.user.email
    log_in(phone, site, email)
    phone.goto(f"{site}/{lang}/partner/invoices/{invoice.pk}/")
    due = invoice.due_date
    expect(phone.locator(".invoice-facts")).to_contain_text(
        f"{due:%d/%m/%Y}" if lang == "en" else f"{due.day}.{due:%m.%Y}"
    )
    for table in (".invoice-lines", ".payment-notices"):
        header = phone.locator(f"{table} thead").bounding_box()
        assert header["width"] <= 1 and header["height"] <= 1, (table, header)  # for screen readers only
        cells = phone.evaluate(CELLS, table)
        assert all(cell["label"] not in ("none", "normal", '""') for cell in cells), cells
        assert all(abs(cell["gap"]) <= 1 for cell in cells), cells  # values end at the right edge
    if lang == "en":
        labels = [cell["label"] for cell in phone.evaluate(CELLS, ".invoice-lines")]
        assert labels == ['"Quantity"', '"Unit price"', '"Tax"', '"Amount"']
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, f"invoice-lines-{lang}-390")
    assert phone.console_errors == []

    desktop = browser.new_context(viewport={"width": 1280, "height": 900})
    page = desktop.new_page()
    log_in(page, site, email)
    page.goto(f"{site}/{lang}/partner/invoices/{invoice.pk}/")
    expect(page.locator(".invoice-lines thead")).to_be_visible()
    assert page.locator(".invoice-lines thead").bounding_box()["height"] > 20
    assert page.locator(".invoice-lines").evaluate("el => getComputedStyle(el).display") == "table"
    screenshot(page, f"invoice-lines-{lang}-1280")
    desktop.close()
