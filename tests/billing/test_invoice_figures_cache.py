"""The invoice figures are cached per company; every way an invoice changes shows at once on the next page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from integrations.erp.invoices import invoice_apply, invoices_apply_page
from partner_area.billing.models import ErpInvoiceState
from partner_area.billing.selectors import invoice_figures
from partner_area.companies.models import Role
from partner_area.platform.ports.erp import ErpInvoice
from tests.factories import CompanyFactory, InvoiceFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def company():
    return CompanyFactory(erp_id="party-7")


def _erp(invoice, **changes) -> ErpInvoice:
    values = {
        "erp_id": invoice.erp_id, "company_erp_id": "party-7", "number": invoice.number,
        "invoice_date": invoice.invoice_date, "due_date": invoice.due_date, "currency": invoice.currency,
        "total": invoice.total, "amount_to_pay": invoice.balance, "state": invoice.erp_state,
    }  # fmt: skip
    return ErpInvoice(**{**values, **changes})


def _outstanding(company) -> Decimal:
    (balance,) = invoice_figures(company=company, today=timezone.localdate()).balances
    return balance.outstanding


def test_a_pulled_page_that_pays_an_invoice_changes_the_cached_totals(client, company):
    invoice = InvoiceFactory(company=company, total=Decimal("120.00"))
    client.force_login(MembershipFactory(company=company, role=Role.ADMIN).user)
    assert "120.00" in client.get("/en/partner/invoices/").content.decode()
    assert _outstanding(company) == Decimal("120.00")  # now cached

    invoices_apply_page([_erp(invoice, amount_to_pay=Decimal("20.00"))])

    assert _outstanding(company) == Decimal("20.00")
    page = client.get("/en/partner/invoices/")
    assert [(item.currency, item.balance) for item in page.context["totals"]] == [("EUR", Decimal("20.00"))]


def test_a_new_invoice_from_the_erp_shows_in_the_count_and_totals(client, company):
    InvoiceFactory(company=company, total=Decimal("10.00"))
    client.force_login(MembershipFactory(company=company, role=Role.ADMIN).user)
    assert client.get("/en/partner/invoices/").context["page"].paginator.count == 1

    today = timezone.localdate()
    new = ErpInvoice(
        erp_id="erp-new", company_erp_id="party-7", number="INV-NEW", invoice_date=today,
        due_date=today + timedelta(days=30), currency="EUR", total=Decimal("5.00"), amount_to_pay=Decimal("5.00"),
        state=ErpInvoiceState.POSTED,
    )  # fmt: skip
    invoice_apply(new)

    page = client.get("/en/partner/invoices/")
    assert page.context["page"].paginator.count == 2
    assert [(item.count, item.total) for item in page.context["totals"]] == [(2, Decimal("15.00"))]


def test_a_cancelled_invoice_leaves_the_outstanding_figure_on_the_dashboard_too(client, company):
    invoice = InvoiceFactory(company=company, total=Decimal("70.00"))
    assert _outstanding(company) == Decimal("70.00")

    invoices_apply_page([_erp(invoice, state=ErpInvoiceState.CANCELLED, amount_to_pay=Decimal("0"))])

    assert _outstanding(company) == Decimal("0")
