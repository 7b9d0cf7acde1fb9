"""Invoice lines come with the invoices (issue 13, D9), against a real trytond 8.2: a partner's invoice page shows
what Tryton invoiced line by line, follows what accounting changes later, and a pull page costs the same number of
Tryton calls and portal queries however many invoices it carries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from integrations.erp.outbox import outbox_deliver_due
from integrations.erp.pull import pull_all, pull_entity
from integrations.erp.tryton.client import TrytonClient
from partner_area.billing.models import Invoice
from partner_area.companies.models import Company, CompanyStatus, Role
from partner_area.companies.services import company_approve
from tests.billing.test_invoices import text
from tests.factories import CompanyFactory, MembershipFactory, StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_retries")]

N1, N2 = "40003123453", "40003200004"  # registration numbers with valid check digits


def deliver_all() -> None:
    for _ in range(5):
        if not outbox_deliver_due():
            return


def approved_in_erp(number: str) -> Company:
    company = CompanyFactory(status=CompanyStatus.PENDING_REVIEW, registration_number=number)
    company_approve(company=company, by=StaffFactory())
    deliver_all()
    company.refresh_from_db()
    assert company.erp_id
    return company


def invoice_page(client, company: Company, erp_id: int) -> str:
    invoice = Invoice.objects.for_company(company).get(erp_id=str(erp_id))
    response = client.get(f"/en/partner/invoices/{invoice.pk}/")
    assert response.status_code == 200
    return text(response)


def line_ids(tryton, invoice_id: int) -> list[int]:
    return tryton.search("account.invoice.line", [("invoice", "=", invoice_id)], order=[("id", "ASC")])


@pytest.fixture
def partner(tryton, client):
    company = approved_in_erp(N1)
    client.force_login(MembershipFactory(company=company, role=Role.USER, sections=["invoices"]).user)
    return company


def test_the_invoice_page_shows_the_lines_tryton_invoiced(tryton, partner, client):
    taxed = tryton.create_invoice(
        int(partner.erp_id), [("Brello 360 Pro licence", 3, "40.00"), ("Training day", "0.5", "500.00")]
    )
    untaxed = tryton.create_invoice(int(partner.erp_id), [("Export consulting", 2, "80.00")], tax=False)
    pull_all()

    page = invoice_page(client, partner, taxed)
    assert "have not been received" not in page
    assert "Brello 360 Pro licence 3 €40.00 PVN 21% €120.00" in page
    assert "Training day 0.5 €500.00 PVN 21% €250.00" in page
    assert "Subtotal €370.00 Tax €77.70 Total €447.70" in page  # (120 + 250) * 1.21
    page = invoice_page(client, partner, untaxed)
    assert "Export consulting 2 €80.00 — €160.00" in page
    assert "Tax €" not in page and "Total €160.00" in page


def test_lines_edited_in_a_draft_arrive_once_the_invoice_is_posted(tryton, partner, client):
    draft = tryton.create_invoice(int(partner.erp_id), [("Licence", 1, "100.00")], post=False)
    pull_all()
    assert not Invoice.objects.for_company(partner).exists()  # drafts are Tryton's business
    (line,) = line_ids(tryton, draft)
    tryton.client.write("account.invoice.line", [line], {"description": "Licence, 12 months", "quantity": 2.0})
    tryton.post_invoice(draft)
    pull_all()
    assert "Licence, 12 months 2 €100.00 PVN 21% €200.00" in invoice_page(client, partner, draft)


def as_account_administrator(tryton) -> dict:
    """Put Tryton's admin user in the "Accounting Administration" group (only its members reword posted lines);
    returns the context its Tryton client sends then (the user's groups, which Tryton's field states read)."""
    group = tryton.search("res.group", [("name", "=", "Accounting Administration")])
    assert group
    user_id = tryton.search("res.user", [("login", "=", tryton.user)])
    tryton.client.write("res.user", user_id, {"groups": [("add", group)]})
    (user,) = tryton.read("res.user", user_id, ["groups"])
    return {"groups": user["groups"]}


def test_a_line_renamed_on_a_posted_invoice_and_a_cancellation_reach_the_page(tryton, partner, client):
    """Tryton lets an account administrator reword a posted invoice's lines (the description is the one field
    posting does not lock): that writes the line only, not the invoice record, and still reaches the partner. A
    cancelled invoice keeps its lines."""
    tryton.client.write("company.company", [tryton.meta["company"]], {"cancel_invoice_out": True})
    administrator = as_account_administrator(tryton)
    invoice_id = tryton.create_invoice(int(partner.erp_id), [("Licence", 1, "100.00"), ("Setup", 1, "50.00")])
    pull_all()
    first, second = line_ids(tryton, invoice_id)
    tryton.client.write(
        "account.invoice.line", [first], {"description": "Brello 360 licence, March"}, context=administrator
    )
    pull_all()
    page = invoice_page(client, partner, invoice_id)
    assert "Brello 360 licence, March 1 €100.00" in page and "Setup 1 €50.00" in page
    assert "Licence 1 €100.00" not in page

    tryton.cancel_invoice(invoice_id)
    pull_all()
    page = invoice_page(client, partner, invoice_id)
    assert "This invoice was cancelled" in page
    assert "Brello 360 licence, March 1 €100.00" in page and "Setup 1 €50.00" in page
    assert Invoice.objects.for_company(partner).get().lines.count() == 2


def test_a_company_linked_later_brings_its_invoices_with_their_lines(tryton, client):
    party_id = tryton.create_party("Known Customer SIA", registration_number=N2, city="Cēsis")
    invoice_id = tryton.create_invoice(party_id, [("Hardware bundle", 4, "25.00")])
    company = CompanyFactory(status=CompanyStatus.PENDING_VERIFICATION, registration_number=N2)
    company_approve(company=company, by=StaffFactory())
    deliver_all()
    company.refresh_from_db()
    assert company.erp_id == str(party_id)
    client.force_login(MembershipFactory(company=company, role=Role.ADMIN).user)
    assert "Hardware bundle 4 €25.00 PVN 21% €100.00" in invoice_page(client, company, invoice_id)


def test_a_pull_page_costs_the_same_tryton_calls_and_queries_for_two_or_nine_invoices(tryton, partner, monkeypatch):
    tryton.create_invoice(int(partner.erp_id))
    pull_all()  # cursors set and per-process lookups (currencies, taxes) made: the next pulls are incremental
    calls: list[str] = []
    original = TrytonClient.call

    def counted(self, method, *params):
        calls.append(method)
        return original(self, method, *params)

    monkeypatch.setattr(TrytonClient, "call", counted)

    def pull(invoice_count: int) -> tuple[int, int]:
        for number in range(invoice_count):
            tryton.create_invoice(int(partner.erp_id), [(f"Seat {number}", 1, "10.00"), ("Support", 2, "5.00")])
        calls.clear()
        with CaptureQueriesContext(connection) as queries:
            assert pull_entity("invoices", page_size=50) == invoice_count
        return len(calls), len(queries)

    assert pull(2) == pull(9)
    line_counts = sorted(invoice.lines.count() for invoice in Invoice.objects.for_company(partner))
    assert line_counts == [1] + [2] * 11
