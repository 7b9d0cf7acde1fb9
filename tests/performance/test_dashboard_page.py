"""The dashboard page, its htmx partial, its CSV export and its API twin, on the hand-checked tree
(tests/performance/test_tree_arithmetic.py): Top sees its own clients by name and its network only in totals."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext

from partner_area.companies.models import Role
from tests.factories import InvoiceFactory, MembershipFactory

from .helpers import client_with_turnover, partner

pytestmark = pytest.mark.django_db

FEB_2024 = {"period": "custom", "start": "2024-02-01", "end": "2024-02-29"}
SUB_PARTNER_CLIENTS = ("Gamma", "Delta", "Epsilon")


def text(response) -> str:
    """The page's visible text, with tags dropped and whitespace collapsed."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))  # keeps the non-breaking spaces


def test_org_admin_sees_direct_indirect_and_total_in_latvian_format(top_client):
    response = top_client.get("/lv/partner/dashboard/", FEB_2024)
    assert response.status_code == 200
    page = text(response)
    for figure in ("200,00\xa0€", "1\xa0011,00\xa0€", "1\xa0211,00\xa0€", "50,00\xa0$", "55,00\xa0$"):
        assert figure in page, figure
    assert "+1\xa0111,0\xa0%" in page  # 1 211 € against January's 100 €


def test_english_amounts_put_the_symbol_first(top_client):
    page = text(top_client.get("/en/partner/dashboard/", FEB_2024))
    assert "€1,211.00" in page and "$55.00" in page


def test_upline_sees_its_own_clients_but_never_a_sub_partners_clients(top_client, tree):
    InvoiceFactory(company=tree["branch"], number="BRANCH-SECRET-1")
    for response in (
        top_client.get("/en/partner/dashboard/", FEB_2024),
        top_client.get("/en/partner/dashboard/export.csv", FEB_2024),
        top_client.get("/api/v1/dashboard", FEB_2024),
    ):
        body = response.content.decode()
        assert "Alpha" in body and "Beta" in body
        assert "Branch SIA" in body  # the sub-partner's name and totals are shown...
        for secret in (*SUB_PARTNER_CLIENTS, "BRANCH-SECRET-1"):
            assert secret not in body  # ...its clients and invoices never


def test_the_sub_partner_sees_its_own_figures_not_its_uplines(client, tree):
    client.force_login(MembershipFactory(company=tree["branch"], role=Role.ADMIN).user)
    body = client.get("/en/partner/dashboard/", FEB_2024).content.decode()
    assert "Gamma" in body
    assert "Alpha" not in body and "Top SIA" not in body


def test_member_without_the_dashboard_grant_gets_403(client, tree):
    client.force_login(MembershipFactory(company=tree["top"], role=Role.USER, sections=["invoices"]).user)
    assert client.get("/en/partner/dashboard/").status_code == 403
    assert client.get("/en/partner/dashboard/export.csv").status_code == 403
    assert client.get("/api/v1/dashboard").status_code == 403


def test_balances_need_the_invoices_grant_too(client, tree):
    InvoiceFactory(company=tree["top"], total=Decimal("70"), due_date=date(2020, 1, 1))
    client.force_login(MembershipFactory(company=tree["top"], role=Role.USER, sections=["dashboard"]).user)
    assert "Invoices to pay" not in text(client.get("/en/partner/dashboard/"))
    assert client.get("/api/v1/dashboard").json()["balances"] is None


def test_overdue_figure_links_to_the_filtered_invoice_list(top_client, tree):
    InvoiceFactory(company=tree["top"], total=Decimal("70"), due_date=date(2020, 1, 1))
    InvoiceFactory(company=tree["top"], total=Decimal("30"))
    response = top_client.get("/en/partner/dashboard/")
    html = response.content.decode()
    assert 'href="/en/partner/invoices/?status=overdue&amp;currency=EUR">€70.00</a>' in html
    assert "1 overdue invoice" in text(response)


def test_htmx_request_gets_only_the_figures_and_the_response_varies_on_it(top_client):
    response = top_client.get("/en/partner/dashboard/", {"period": "last_month"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="dashboard"') and "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_htmx_waits_for_both_dates_of_a_custom_range(top_client):
    response = top_client.get(
        "/en/partner/dashboard/", {"period": "custom", "start": "2024-02-01"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204


def test_without_javascript_an_incomplete_custom_range_explains_itself(top_client):
    page = text(top_client.get("/en/partner/dashboard/", {"period": "custom", "start": "2024-02-01"}))
    assert "Choose both dates of the custom range." in page


def test_nonsense_in_the_query_string_falls_back_to_defaults(top_client):
    response = top_client.get("/en/partner/dashboard/", {"period": "ever", "sort": "drop table", "page": "x"})
    assert response.status_code == 200


def test_sub_partner_table_sorts_by_name_with_a_link_that_flips_the_direction(top_client):
    html = top_client.get("/en/partner/dashboard/", {**FEB_2024, "sort": "name"}).content.decode()
    names = re.findall(r'<th scope="row" data-label="[^"]+">([^<]+)</th>', html)
    assert names == sorted(names)
    assert 'aria-sort="ascending"' in html and "sort=-name" in html


def test_sorted_by_an_amount_the_network_comes_one_currency_at_a_time_under_a_heading(top_client):
    html = top_client.get("/en/partner/dashboard/", {**FEB_2024, "sort": "-total"}).content.decode()
    groups = re.findall(r'<tr class="sub-partner-table__group"><th scope="rowgroup" colspan="6">([^<]+)</th>', html)
    assert groups == ["EUR", "USD", "No turnover"]
    by_name = top_client.get("/en/partner/dashboard/", {**FEB_2024, "sort": "name"}).content.decode()
    assert "sub-partner-table__group" not in by_name  # names compare across currencies: no headings


def test_a_reversed_or_too_long_custom_range_is_read_sensibly_and_the_page_says_so(top_client):
    reversed_range = {"period": "custom", "start": "2024-02-29", "end": "2024-02-01"}
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):  # the full page and the htmx update
        page = text(top_client.get("/en/partner/dashboard/", reversed_range, **headers))
        assert "The start date is after the end date" in page and "1,211.00" in page.replace("\xa0", "")
    long_range = {"period": "custom", "start": "1900-01-01", "end": "2024-02-29"}
    page = text(top_client.get("/en/partner/dashboard/", long_range))
    assert "At most 60 months at a time" in page
    assert "The start date" not in text(top_client.get("/en/partner/dashboard/", FEB_2024))


def test_charts_are_accessible_svg_with_their_figures_in_a_table(top_client):
    html = top_client.get("/en/partner/dashboard/", FEB_2024).content.decode()
    assert html.count('role="img"') == 4  # trend and share, for EUR and for USD
    assert '<title id="trend-EUR-title">' in html and '<desc id="trend-EUR-desc">' in html
    assert "Show the figures as a table" in html
    assert 'style="' not in html  # the content security policy allows no inline styles


def _csv(response) -> list[list[str]]:
    body = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body), delimiter=";" if "lv" in response.request["PATH_INFO"] else ","))


def test_csv_has_the_figures_the_page_shows(top_client):
    with translation.override("lv"):
        page = text(top_client.get("/lv/partner/dashboard/", FEB_2024))
        rows = _csv(top_client.get("/lv/partner/dashboard/export.csv", FEB_2024))
        direct, total = gettext("Direct"), gettext("Total")  # the labels as the Latvian CSV has them
    by_label = {(row[0], row[1]): row for row in rows if len(row) > 2}
    # The CSV has plain numbers with the Latvian decimal comma; the page shows the same amounts formatted.
    assert by_label[(direct, "EUR")][2] == "200,00" and "200,00\xa0€" in page
    assert by_label[(total, "EUR")][2] == "1211,00" and "1\xa0211,00\xa0€" in page
    assert by_label[(total, "EUR")][4] == "1111,0" and "+1\xa0111,0\xa0%" in page
    assert by_label[(total, "USD")][2] == "55,00" and "55,00\xa0$" in page
    assert by_label[("Alpha", "EUR")][2] == "200,00"
    sub_partners = [row for row in rows if len(row) == 7 and row[1].isdigit()]
    assert [row[0] for row in sub_partners] == re.findall(
        r'<th scope="row" data-label="[^"]+">([^<]+)</th>',
        top_client.get("/lv/partner/dashboard/", FEB_2024).content.decode(),
    )
    assert ["Branch SIA", "1", "EUR", "1000,00", "11,00", "1011,00", ""] in sub_partners


def test_api_returns_the_same_figures(top_client):
    data = top_client.get("/api/v1/dashboard", FEB_2024).json()
    eur = next(item for item in data["turnover"] if item["currency"] == "EUR")
    assert eur["current"]["direct"] == "200.00" and eur["current"]["indirect"] == "1011.00"
    assert eur["change"]["total"]["previous"] == "1111.0"
    assert data["period"] == {
        "key": "custom", "start": "2024-02-01", "end": "2024-02-29",
        "previous": {"start": "2024-01-01", "end": "2024-01-31"},
        "year_earlier": {"start": "2023-02-01", "end": "2023-02-28"},
    }  # fmt: skip
    assert data["sub_partners"]["count"] == 7
    assert {row["name"] for row in data["top_clients"]} == {"Alpha", "Beta"}


def test_api_rejects_an_incomplete_custom_range(top_client):
    response = top_client.get("/api/v1/dashboard", {"period": "custom", "start": "2024-02-01", "page": "0"})
    assert response.status_code == 400
    # The documented error shape (found by schemathesis): field or non_field_errors → messages as strings.
    assert response.json()["errors"] == {
        "page": ["Ensure this value is greater than or equal to 1."],
        "non_field_errors": ["Choose both dates of the custom range."],
    }


def _grow(top, size: int) -> None:
    """Add `size` sub-partners two levels deep, each with a client and two months of turnover."""
    for index in range(size):
        middle = partner(f"Grown {index} SIA", parent=top)
        leaf = partner(f"Grown leaf {index} SIA", parent=middle)
        client_with_turnover(leaf, f"Far client {index}", {("2024-01", "EUR"): "5", ("2024-02", "EUR"): "7"})
        client_with_turnover(top, f"Own client {index}", {("2024-02", "USD"): "3"})
        InvoiceFactory(company=top)


# Session, user, 2FA device, membership, footer settings (site and settings): 6; the dashboard's own: 5.
DASHBOARD_QUERIES = 11


def test_the_number_of_queries_does_not_grow_with_the_network(top_client, tree, django_assert_max_num_queries):
    top_client.get("/en/partner/dashboard/", FEB_2024)  # the first request of a site creates its footer settings
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        assert top_client.get("/en/partner/dashboard/", FEB_2024).status_code == 200
    _grow(tree["top"], 15)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        assert top_client.get("/en/partner/dashboard/", FEB_2024).status_code == 200
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        assert top_client.get("/en/partner/dashboard/", FEB_2024, HTTP_HX_REQUEST="true").status_code == 200
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        assert top_client.get("/api/v1/dashboard", FEB_2024).status_code == 200


def test_a_leaf_needs_no_more_queries_than_the_root(client, tree, django_assert_max_num_queries):
    client.force_login(MembershipFactory(company=tree["leaf"], role=Role.ADMIN).user)
    client.get("/en/partner/dashboard/", FEB_2024)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        assert client.get("/en/partner/dashboard/", FEB_2024).status_code == 200


def test_svg_coordinates_ignore_the_decimal_comma_of_latvian(top_client):
    html = top_client.get("/lv/partner/dashboard/", FEB_2024).content.decode()
    coordinates = re.findall(r'<(?:rect|line|text)[^>]*?\s(?:x|y|x1|x2|y1|y2|width|height)="([^"]*)"', html)
    assert coordinates and all(re.fullmatch(r"-?\d+(\.\d+)?", value) for value in coordinates), coordinates
