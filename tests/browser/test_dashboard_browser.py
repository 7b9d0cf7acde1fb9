"""The dashboard on a phone (390 px): an org admin opens it, switches the period and sees the loading indicator
and then the new figures in place; a failed request shows the error message; the overdue figure leads to the
filtered invoice list and on to the overdue invoice."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partner_area.billing.models import ErpInvoiceState, Invoice
from partner_area.companies.models import Role
from partner_area.performance.periods import add_months
from tests.factories import MembershipFactory
from tests.performance.helpers import client_with_turnover, partner

from .conftest import ARTIFACTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# Records whether the dashboard's indicator was ever switched on, however short the request was.
WATCH_INDICATOR = """
window.sawIndicator = false;
new MutationObserver(() => {
  if (document.querySelector('#dashboard-loading.htmx-request')) window.sawIndicator = true;
}).observe(document.body, {subtree: true, attributes: true, attributeFilter: ['class']});
"""


@pytest.fixture
def org_admin(transactional_db):
    top = partner("Phone Top SIA")
    sub = partner("Phone Reseller SIA", parent=top)
    this_month = timezone.localdate().replace(day=1)
    last_month = add_months(this_month, -1)
    client_with_turnover(
        top, "Harbour Client SIA", {(f"{this_month:%Y-%m}", "EUR"): "100", (f"{last_month:%Y-%m}", "EUR"): "250"}
    )
    client_with_turnover(sub, "Hidden Client SIA", {(f"{this_month:%Y-%m}", "EUR"): "40"})
    today = timezone.localdate()
    Invoice.unscoped.create(
        company=top, erp_id="phone-1", number="PH-OVERDUE-1", invoice_date=today - timedelta(days=40),
        due_date=today - timedelta(days=10), currency="EUR", total=Decimal("321.00"), balance=Decimal("321.00"),
        erp_state=ErpInvoiceState.POSTED,
    )  # fmt: skip
    return MembershipFactory(company=top, role=Role.ADMIN)


def screenshot(page, name: str) -> None:
    """conftest's helper, but leaving the text caret alone: Playwright hides it with an inline style on each
    input, which htmx would then carry over to the swapped-in inputs, and the CSP rightly refuses."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True, caret="initial")


def total_tile(page):
    return page.locator(".figure-tile--total .figure-tile__value").first


def test_org_admin_switches_the_period_and_opens_an_overdue_invoice(site, phone, org_admin):
    log_in(phone, site, org_admin.user.email)
    phone.goto(f"{site}/en/partner/dashboard/")
    expect(phone.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    expect(total_tile(phone)).to_have_text("€390.00")  # last 12 months: 100 + 250 own, 40 from the network
    expect(phone.get_by_text("Hidden Client SIA")).to_have_count(0)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "dashboard-1-last-12-months-390")

    # Switching the period fetches the figures with htmx: indicator on, new figures in place, URL kept.
    phone.evaluate(WATCH_INDICATOR)
    phone.get_by_label("Period", exact=True).select_option("this_month")
    expect(total_tile(phone)).to_have_text("€140.00")
    assert phone.evaluate("window.sawIndicator") is True
    expect(phone).to_have_url(re.compile(r"period=this_month"))
    expect(phone.get_by_label("Period", exact=True)).to_have_value("this_month")
    screenshot(phone, "dashboard-2-this-month-390")

    # A request that fails leaves the figures and says so.
    phone.route("**/partner/dashboard/?*", lambda route: route.fulfill(status=500, body="boom"))
    phone.get_by_label("Period", exact=True).select_option("last_month")
    expect(phone.get_by_role("alert")).to_contain_text("Something went wrong while loading")
    expect(total_tile(phone)).to_have_text("€140.00")
    phone.unroute("**/partner/dashboard/?*")
    phone.get_by_role("button", name="Dismiss").click()

    # The overdue figure leads to the filtered invoice list, and on to the invoice.
    phone.locator(".overdue-link").first.click()
    expect(phone).to_have_url(re.compile(r"/en/partner/invoices/\?status=overdue&currency=EUR"))
    expect(phone.get_by_role("heading", name="1 invoice")).to_be_visible()
    screenshot(phone, "dashboard-3-overdue-invoices-390")
    phone.get_by_role("link", name="PH-OVERDUE-1").click()
    expect(phone.get_by_role("heading", name="Invoice PH-OVERDUE-1")).to_be_visible()
    expect(phone.locator(".invoice-sheet__status")).to_have_text("Overdue")
    expect(phone.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "dashboard-4-overdue-invoice-390")
    # The failed request above is the only console error allowed (no CSP violations, no script errors).
    assert [error for error in phone.console_errors if "500" not in error] == []
