"""The sub-partner table page by page: each partner sees its own subtree only, and the precomputed period totals
follow turnover changes made after they were first read."""

from datetime import date
from decimal import Decimal

import pytest

from partner_area.performance.network import SUB_PARTNERS_PER_PAGE, sub_partner_list, sub_partner_page
from partner_area.performance.periods import Period

from .helpers import client_with_turnover, partner

pytestmark = pytest.mark.django_db
FEB_2024 = Period("custom", date(2024, 2, 1), date(2024, 2, 1))


@pytest.fixture
def network():
    """A top partner with two mid-level partners: `east` with 30 partners below it, `west` with 3."""
    top = partner("Top SIA")
    east, west = partner("East SIA", parent=top), partner("West SIA", parent=top)
    east_below = [partner(f"East {index:02d} SIA", parent=east) for index in range(30)]
    west_below = [partner(f"West {index} SIA", parent=west) for index in range(3)]
    for index, company in enumerate(east_below + west_below):
        client_with_turnover(company, f"Client {index}", {("2024-02", "EUR"): f"{index + 1}.00"})
    return {"top": top, "east": east, "west": west, "east_below": east_below, "west_below": west_below}


def _names(rows) -> set[str]:
    return {row.name for row in rows}


def test_a_mid_level_partner_pages_through_its_own_subtree_only(network):
    first = sub_partner_page(company=network["east"], period=FEB_2024, sort="name", page=1)
    second = sub_partner_page(company=network["east"], period=FEB_2024, sort="name", page=2)

    assert first.count == 30 and first.page_count == 2 and first.has_next and not first.has_previous
    assert len(first.rows) == SUB_PARTNERS_PER_PAGE
    assert second.has_previous and not second.has_next
    assert [row.name for row in first.rows + second.rows] == [f"East {index:02d} SIA" for index in range(30)]


def test_a_mid_level_partner_never_sees_its_siblings_sub_partners(network):
    west_rows = sub_partner_list(company=network["west"], period=FEB_2024)

    assert _names(west_rows) == {"West 0 SIA", "West 1 SIA", "West 2 SIA"}
    assert not _names(west_rows) & ({"East SIA"} | {company.legal_name for company in network["east_below"]})
    assert sum(row.direct for row in west_rows) == Decimal("31.00") + Decimal("32.00") + Decimal("33.00")


def test_the_top_partner_sees_both_branches_over_two_pages(network):
    pages = [sub_partner_page(company=network["top"], period=FEB_2024, sort="-level", page=page) for page in (1, 2)]

    assert pages[0].count == 35
    assert len(pages[0].rows) == SUB_PARTNERS_PER_PAGE and len(pages[1].rows) == 35 - SUB_PARTNERS_PER_PAGE
    assert _names(pages[0].rows + pages[1].rows) == (
        {"East SIA", "West SIA"} | {company.legal_name for company in network["east_below"] + network["west_below"]}
    )


def test_totals_read_once_follow_a_later_turnover_change(network):
    def west_row():
        rows = sub_partner_list(company=network["top"], period=FEB_2024)
        (row,) = [row for row in rows if row.name == "West SIA" and row.currency == "EUR"]
        return row

    assert west_row().indirect == Decimal("96.00")  # read once: the period's totals are now precomputed
    client_with_turnover(network["west_below"][0], "Late client", {("2024-02", "EUR"): "4.50"})
    client_with_turnover(network["west"], "Own client", {("2024-02", "USD"): "2.00"})

    assert west_row().indirect == Decimal("100.50")
    usd = [row for row in sub_partner_list(company=network["top"], period=FEB_2024) if row.currency == "USD"]
    assert [(row.name, row.direct) for row in usd] == [("West SIA", Decimal("2.00"))]
