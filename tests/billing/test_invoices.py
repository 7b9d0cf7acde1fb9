"""The invoice list, one invoice, the CSV export and the API: status at read time, filters, sorting, totals per
currency, tenant rules and a bounded number of queries."""

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from partner_area.billing.models import ErpInvoiceState, InvoiceStatus
from partner_area.billing.selectors import InvoiceFilters, invoice_list
from partner_area.companies.models import Role
from tests.factories import CompanyFactory, InvoiceFactory, InvoiceLineFactory, MembershipFactory

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def company():
    return CompanyFactory(legal_name="Payer SIA")


@pytest.fixture
def admin_client(client, company):
    client.force_login(MembershipFactory(company=company, role=Role.ADMIN).user)
    return client


def numbers(response) -> list[str]:
    return re.findall(r'<th scope="row" data-label="Number"><a href="[^"]+">([^<]+)</a>', response.content.decode())


def text(response) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))


def test_invoice_is_unpaid_on_its_due_date_and_overdue_the_day_after(company):
    due = date(2024, 2, 29)
    invoice = InvoiceFactory(company=company, invoice_date=date(2024, 1, 30), due_date=due)
    assert invoice.status_on(due) == InvoiceStatus.UNPAID
    assert invoice.status_on(due + timedelta(days=1)) == InvoiceStatus.OVERDUE
    for today, expected in ((due, []), (date(2024, 3, 1), [invoice])):
        overdue = invoice_list(company=company, filters=InvoiceFilters(status="overdue"), today=today)
        assert list(overdue) == expected


def test_overdue_is_computed_when_the_page_is_read_without_any_sync(admin_client, company):
    today = timezone.localdate()
    InvoiceFactory(company=company, number="DUE-TODAY", due_date=today)
    InvoiceFactory(company=company, number="DUE-YESTERDAY", due_date=today - timedelta(days=1))
    assert numbers(admin_client.get("/en/partner/invoices/", {"status": "overdue"})) == ["DUE-YESTERDAY"]
    assert numbers(admin_client.get("/en/partner/invoices/", {"status": "unpaid"})) == ["DUE-TODAY"]


def test_statuses_and_partial_payments_show_in_the_list(admin_client, company):
    past = timezone.localdate() - timedelta(days=40)
    InvoiceFactory(company=company, number="PAID", erp_state=ErpInvoiceState.PAID, balance=0)
    InvoiceFactory(company=company, number="PART", total=D("100"), balance=D("40"), due_date=past)
    InvoiceFactory(company=company, number="VOID", erp_state=ErpInvoiceState.CANCELLED, balance=0)
    InvoiceFactory(company=company, number="DRAFT", erp_state=ErpInvoiceState.DRAFT)
    response = admin_client.get("/en/partner/invoices/")
    assert sorted(numbers(response)) == ["PAID", "PART", "VOID"]  # drafts are the ERP's business
    page = text(response)
    assert "Overdue" in page and "partly paid" in page and "Cancelled" in page and "Paid" in page
    assert numbers(admin_client.get("/en/partner/invoices/", {"status": "paid"})) == ["PAID"]
    assert numbers(admin_client.get("/en/partner/invoices/", {"status": "cancelled"})) == ["VOID"]
    assert numbers(admin_client.get("/en/partner/invoices/", {"status": "open"})) == ["PART"]


def test_filters_by_date_range_currency_and_number(admin_client, company):
    InvoiceFactory(company=company, number="A-100", invoice_date=date(2024, 1, 31), currency="EUR")
    InvoiceFactory(company=company, number="A-200", invoice_date=date(2024, 2, 1), currency="USD")
    InvoiceFactory(company=company, number="B-300", invoice_date=date(2024, 2, 29), currency="EUR")
    InvoiceFactory(company=company, number="B-400", invoice_date=date(2024, 3, 1), currency="EUR")
    february = {"date_from": "2024-02-01", "date_to": "2024-02-29"}
    assert numbers(admin_client.get("/en/partner/invoices/", february)) == ["B-300", "A-200"]
    assert numbers(admin_client.get("/en/partner/invoices/", {**february, "currency": "EUR"})) == ["B-300"]
    assert numbers(admin_client.get("/en/partner/invoices/", {"number": "b-"})) == ["B-400", "B-300"]


def test_sorting_and_pagination(admin_client, company):
    for index in range(30):
        InvoiceFactory(company=company, number=f"N-{index:03d}", total=D(index + 1), balance=D(index + 1))
    first = admin_client.get("/en/partner/invoices/", {"sort": "number"})
    assert numbers(first) == [f"N-{index:03d}" for index in range(25)]
    assert "Page 1 of 2" in text(first)
    second = admin_client.get("/en/partner/invoices/", {"sort": "number", "page": "2"})
    assert numbers(second) == [f"N-{index:03d}" for index in range(25, 30)]
    assert numbers(admin_client.get("/en/partner/invoices/", {"sort": "-total"}))[:2] == ["N-029", "N-028"]
    assert admin_client.get("/en/partner/invoices/", {"page": "999", "sort": "nonsense"}).status_code == 200


def test_summary_above_and_totals_below_are_per_currency(admin_client, company):
    overdue = timezone.localdate() - timedelta(days=1)
    InvoiceFactory(company=company, currency="EUR", total=D("1000"), balance=D("1000"), due_date=overdue)
    InvoiceFactory(company=company, currency="EUR", total=D("234.56"), balance=D("200"))
    InvoiceFactory(company=company, currency="USD", total=D("50"), balance=D("50"))
    page = text(admin_client.get("/lv/partner/invoices/"))
    assert "1\xa0200,00\xa0€" in page  # outstanding EUR
    assert "1\xa0000,00\xa0€" in page  # overdue EUR
    assert "1\xa0234,56\xa0€" in page  # filtered total EUR
    assert "50,00\xa0$" in page
    assert "1\xa0284,56" not in page and "1\xa0250,00" not in page  # never summed across currencies


def test_a_partner_never_sees_another_companys_invoices_not_even_its_sub_partners(client, company):
    sub_partner = CompanyFactory(parent=company)
    theirs = InvoiceFactory(company=sub_partner, number="SUB-1")
    InvoiceFactory(company=company, number="OWN-1")
    client.force_login(MembershipFactory(company=company, role=Role.ADMIN).user)
    assert numbers(client.get("/en/partner/invoices/")) == ["OWN-1"]
    assert client.get(f"/en/partner/invoices/{theirs.pk}/").status_code == 404
    assert client.get(f"/api/v1/invoices/{theirs.pk}").status_code == 404
    assert "SUB-1" not in client.get("/en/partner/invoices/export.csv").content.decode()
    assert [row["number"] for row in client.get("/api/v1/invoices").json()["results"]] == ["OWN-1"]


def test_member_without_the_invoices_grant_gets_403(client, company):
    invoice = InvoiceFactory(company=company)
    client.force_login(MembershipFactory(company=company, role=Role.USER, sections=["dashboard"]).user)
    for url in ("/en/partner/invoices/", f"/en/partner/invoices/{invoice.pk}/", "/en/partner/invoices/export.csv"):
        assert client.get(url).status_code == 403, url
    assert client.get("/api/v1/invoices").status_code == 403
    assert client.get(f"/api/v1/invoices/{invoice.pk}").status_code == 403


def test_detail_shows_header_lines_and_a_print_button(admin_client, company):
    invoice = InvoiceFactory(company=company, number="INV-77", total=D("150"), balance=D("50"))
    InvoiceLineFactory(invoice=invoice, description="Seats", quantity=D("2"), unit_price=D("50"), amount=D("100"))
    InvoiceLineFactory(invoice=invoice, description="Support", quantity=D("1"), unit_price=D("50"), amount=D("50"))
    response = admin_client.get(f"/en/partner/invoices/{invoice.pk}/")
    page = text(response)
    assert "Invoice INV-77" in page and "Seats" in page and "Support" in page
    assert "€100.00" in page and "€50.00" in page  # paid so far and balance
    html = response.content.decode()
    assert 'id="print-invoice"' in html and "nonce=" in html and "@media print" not in html


def test_english_pages_show_day_first_dates_and_latvian_pages_their_own(admin_client, company):
    invoice = InvoiceFactory(
        company=company, number="INV-79", invoice_date=date(2026, 11, 23), due_date=date(2026, 12, 7)
    )
    for url in ("/en/partner/invoices/", f"/en/partner/invoices/{invoice.pk}/"):
        page = text(admin_client.get(url))
        assert "23/11/2026" in page and "07/12/2026" in page, url
        assert "11/23/2026" not in page, url
    assert "23.11.2026" in text(admin_client.get(f"/lv/partner/invoices/{invoice.pk}/"))
    rows = list(
        csv.reader(io.StringIO(admin_client.get("/en/partner/invoices/export.csv").content.decode("utf-8-sig")))
    )
    assert rows[1][1:3] == ["23/11/2026", "07/12/2026"]


def test_the_english_date_filter_takes_iso_and_day_first_dates(admin_client, company):
    InvoiceFactory(company=company, number="JAN", invoice_date=date(2024, 1, 31))
    InvoiceFactory(company=company, number="FEB", invoice_date=date(2024, 2, 3))
    for date_from, date_to in (("2024-02-01", "2024-02-29"), ("01/02/2024", "29.02.2024")):
        response = admin_client.get("/en/partner/invoices/", {"date_from": date_from, "date_to": date_to})
        assert numbers(response) == ["FEB"], (date_from, date_to)


def test_invoice_lines_and_totals_are_labelled_cells_for_the_stacked_phone_layout(admin_client, company):
    invoice = InvoiceFactory(company=company, number="INV-80", total=D("100"), balance=D("100"))
    InvoiceLineFactory(invoice=invoice, description="Seats", quantity=D("2"), unit_price=D("50"), amount=D("100"))
    html = admin_client.get(f"/en/partner/invoices/{invoice.pk}/").content.decode()
    lines = re.search(r'<table class="[^"]*invoice-lines[^"]*">.*?</table>', html, re.S).group(0)
    assert "dashboard-table--stacked" in lines
    # The header row stays in the markup (screen readers), and every value carries its label for phones.
    assert re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', lines) == [
        "Description",
        "Quantity",
        "Unit price",
        "Tax",
        "Amount",
    ]
    assert re.findall(r'<td class="num" data-label="([^"]+)">', lines) == ["Quantity", "Unit price", "Amount"]
    listing = admin_client.get("/en/partner/invoices/").content.decode()
    totals = re.search(r'<div class="table-wrap invoice-totals">.*?</table>', listing, re.S).group(0)
    assert re.findall(r'<td class="num" data-label="([^"]+)">', totals) == ["Invoices", "Total", "Balance"]


def test_detail_without_lines_shows_the_header_only(admin_client, company):
    invoice = InvoiceFactory(company=company, number="INV-78")
    page = text(admin_client.get(f"/en/partner/invoices/{invoice.pk}/"))
    assert "Invoice INV-78" in page and "have not been received" in page


def test_csv_export_has_the_filtered_rows_the_page_shows(admin_client, company):
    for index in range(45):
        InvoiceFactory(company=company, number=f"C-{index:03d}", currency="EUR" if index % 3 else "USD")
    query = {"currency": "EUR", "sort": "number"}
    page_numbers = numbers(admin_client.get("/en/partner/invoices/", query)) + numbers(
        admin_client.get("/en/partner/invoices/", {**query, "page": "2"})
    )
    response = admin_client.get("/en/partner/invoices/export.csv", query)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Number", "Issued", "Due", "Status"]
    assert len(page_numbers) == 30  # two pages of the list
    assert [row[0] for row in rows[1:]] == page_numbers
    assert {row[4] for row in rows[1:]} == {"EUR"} and rows[1][5] == "100.00"


def test_latvian_csv_uses_semicolons_and_decimal_commas(client, company):
    InvoiceFactory(company=company, total=D("1234.56"), balance=D("1234.56"))
    client.force_login(MembershipFactory(company=company, role=Role.ADMIN, user__preferred_language="lv").user)
    body = client.get("/lv/partner/invoices/export.csv").content.decode("utf-8-sig")
    assert ";1234,56;" in body


def test_api_lists_with_the_same_filters_and_shows_one_invoice_with_lines(admin_client, company):
    overdue = InvoiceFactory(company=company, number="API-1", due_date=timezone.localdate() - timedelta(days=1))
    InvoiceFactory(company=company, number="API-2", currency="USD")
    InvoiceLineFactory(invoice=overdue, description="Seats")
    data = admin_client.get("/api/v1/invoices", {"status": "overdue"}).json()
    assert data["count"] == 1 and data["results"][0]["number"] == "API-1"
    assert data["results"][0]["status"] == "overdue" and data["totals"][0]["currency"] == "EUR"
    detail = admin_client.get(f"/api/v1/invoices/{overdue.pk}").json()
    assert detail["lines"][0]["description"] == "Seats" and detail["paid"] == "0.00"
    refused = admin_client.get("/api/v1/invoices", {"date_from": "not a date"})
    assert refused.status_code == 400 and refused.json()["errors"] == {"date_from": ["Enter a valid date."]}


def test_the_number_of_queries_does_not_grow_with_the_invoices(admin_client, company, django_assert_max_num_queries):
    admin_client.get("/en/partner/invoices/")  # the first request of a site creates its footer settings
    InvoiceFactory(company=company)
    # Session, user, 2FA device, membership, footer (2); balances, count, page, totals: 10.
    with django_assert_max_num_queries(10):
        assert admin_client.get("/en/partner/invoices/").status_code == 200
    for index in range(40):
        InvoiceFactory(company=company, currency="USD" if index % 2 else "EUR")
    with django_assert_max_num_queries(10):
        assert admin_client.get("/en/partner/invoices/", {"status": "unpaid", "page": "2"}).status_code == 200
    with django_assert_max_num_queries(10):
        assert admin_client.get("/api/v1/invoices").status_code == 200
    invoice = InvoiceFactory(company=company)
    InvoiceLineFactory.create_batch(20, invoice=invoice)
    with django_assert_max_num_queries(9):  # the invoice, its lines and its payment notices: one query each
        assert admin_client.get(f"/en/partner/invoices/{invoice.pk}/").status_code == 200


def test_a_reversed_date_range_says_so_on_the_filter_and_lists_without_the_dates(admin_client, company):
    InvoiceFactory(company=company, number="JAN", invoice_date=date(2024, 1, 31))
    InvoiceFactory(company=company, number="FEB", invoice_date=date(2024, 2, 3))
    reversed_range = {"date_from": "2024-02-29", "date_to": "2024-02-01"}
    response = admin_client.get("/en/partner/invoices/", reversed_range)
    html = response.content.decode()
    date_from = re.search(r'<input[^>]*name="date_from"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in date_from and "id_date_from_error" in date_from
    assert '<ul class="errorlist" id="id_date_from_error"><li>The start date is after the end date.</li>' in html
    assert sorted(numbers(response)) == ["FEB", "JAN"]  # not a silent empty list
    partial = admin_client.get("/en/partner/invoices/", reversed_range, headers={"HX-Request": "true"})
    assert "The start date is after the end date." in text(partial) and 'role="alert"' in partial.content.decode()
    export = admin_client.get("/en/partner/invoices/export.csv", reversed_range).content.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(export)))) == 3  # the CSV has the rows the page shows
    api = admin_client.get("/api/v1/invoices", reversed_range)
    assert (api.status_code, api.json()["count"]) == (200, 0)  # the API's answer to such a range is unchanged
    one_day = admin_client.get("/en/partner/invoices/", {"date_from": "2024-02-03", "date_to": "2024-02-03"})
    assert numbers(one_day) == ["FEB"] and "start date is after" not in text(one_day)
