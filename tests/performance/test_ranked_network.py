"""The stored sub-partner tables (network_tables.py) against an independent SQL over the raw turnover rows: every
sort key, both directions and every page, for a partner read from its ranked table and one read from its closure
rows, before and after turnover, a new sub-partner, a move, a rename and a deletion: while the writes' catch-ups
(ranked_catch_up.py, queued on commit) have not run, a stale ranked table is not read, and once they have, the
ranked table is read again."""

import sys
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from partner_area.performance import network, tasks
from partner_area.performance.models import PartnerRankedNetwork, PartnerRankedNetworkBuilt
from partner_area.performance.network import SUB_PARTNER_SORTS, sub_partner_list, sub_partner_page
from partner_area.performance.periods import Period

from .helpers import client_with_turnover, partner

pytestmark = pytest.mark.django_db
PERIOD = Period("custom", date(2024, 2, 1), date(2024, 3, 1))  # the period before: December and January
PER_PAGE = 4
SORTS = [sort for key in SUB_PARTNER_SORTS for sort in (key, f"-{key}")]
MONEY = {"direct", "indirect", "total"}


def expected_rows(ancestor_id: int, period: Period) -> list[dict]:
    """The sub-partner table from the raw turnover and the closure table, without any roll-up or stored figure."""
    previous = period.previous
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH sub AS (
                SELECT descendant_id AS company_id, depth FROM performance_partnertreepath
                WHERE ancestor_id = %(ancestor)s AND depth >= 1
            ),
            currencies AS (
                SELECT DISTINCT sub.company_id, turnover.currency
                FROM sub JOIN performance_partnertreepath below ON below.ancestor_id = sub.company_id
                JOIN performance_monthlyturnover turnover ON turnover.company_id = below.descendant_id
            ),
            figures (company_id, currency, direct, indirect, previous_total) AS (
                SELECT c.company_id, c.currency,
                       COALESCE(SUM(t.amount) FILTER (WHERE below.depth = 0 AND t.month BETWEEN %(first)s AND %(last)s), 0),
                       COALESCE(SUM(t.amount) FILTER (WHERE below.depth >= 1 AND t.month BETWEEN %(first)s AND %(last)s), 0),
                       COALESCE(SUM(t.amount) FILTER (WHERE t.month BETWEEN %(previous_first)s AND %(previous_last)s), 0)
                FROM currencies c
                JOIN performance_partnertreepath below ON below.ancestor_id = c.company_id
                JOIN performance_monthlyturnover t ON t.company_id = below.descendant_id AND t.currency = c.currency
                GROUP BY c.company_id, c.currency
            )
            SELECT sub.company_id, company.legal_name, sub.depth, figures.currency, figures.direct,
                   figures.indirect, figures.previous_total
            FROM sub JOIN organizations_company company ON company.id = sub.company_id
            LEFT JOIN figures USING (company_id)
            """,  # noqa: E501
            {
                "ancestor": ancestor_id,
                "first": period.first_month,
                "last": period.last_month,
                "previous_first": previous.first_month,
                "previous_last": previous.last_month,
            },  # fmt: skip
        )
        rows = []
        for company_id, name, depth, currency, direct, indirect, previous_total in cursor.fetchall():
            direct, indirect, previous_total = (Decimal(value or 0) for value in (direct, indirect, previous_total))
            total = direct + indirect
            change = (total - previous_total) * 100 / previous_total if previous_total else None
            rows.append({"company_id": company_id, "name": name, "level": depth, "currency": currency,
                         "direct": direct, "indirect": indirect, "previous_total": previous_total,
                         "total": total, "change": change})  # fmt: skip
    return rows


def expected_order(rows: list[dict], sort: str) -> list[dict]:
    """The table's order, as the dashboard documents it: ties by partner and then currency (no currency last),
    the descending order the exact reverse of the ascending one, except that amounts stay one currency after the
    other (no currency last) and a missing change stays last in either direction."""
    key, descending = sort.lstrip("-"), sort.startswith("-")

    def currency(row) -> tuple:
        return (row["currency"] is None, row["currency"] or "")

    if key in MONEY:
        groups = sorted({currency(row) for row in rows})
        return [
            row
            for group in groups
            for row in sorted(
                (row for row in rows if currency(row) == group),
                key=lambda row: (row[key], row["company_id"]),
                reverse=descending,
            )
        ]
    present = [row for row in rows if row[key] is not None]
    missing = [row for row in rows if row[key] is None]
    return [
        *sorted(present, key=lambda row: (row[key], row["company_id"], currency(row)), reverse=descending),
        *sorted(missing, key=lambda row: (row["company_id"], currency(row)), reverse=descending),
    ]


def shown(row) -> tuple:
    return (row.company_id, row.name, row.level, row.currency, row.direct, row.indirect, row.previous_total)


def wanted(row: dict) -> tuple:
    return tuple(
        row[key] for key in ("company_id", "name", "level", "currency", "direct", "indirect", "previous_total")
    )


def assert_every_page_matches(company) -> None:
    expected = expected_rows(company.pk, PERIOD)
    for sort in SORTS:
        ordered = [wanted(row) for row in expected_order(expected, sort)]
        pages, number = [], 1
        while True:
            page = sub_partner_page(company=company, period=PERIOD, sort=sort, page=number)
            assert page.count == len(expected), sort
            pages += [shown(row) for row in page.rows]
            if not page.has_next:
                break
            number += 1
        assert number == max(1, -(-len(expected) // PER_PAGE)), sort
        assert pages == ordered, sort
        assert [shown(row) for row in sub_partner_list(company=company, period=PERIOD, sort=sort)] == ordered, sort


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of four rows, and ranked tables from six rows on: a test-sized network takes both paths."""
    monkeypatch.setattr(network, "SUB_PARTNERS_PER_PAGE", PER_PAGE)
    monkeypatch.setattr(network, "RANKED_FROM", 6)


@pytest.fixture
def distributor(small_pages):
    top = partner("Top SIA")
    east, west = partner("East SIA", parent=top), partner("West SIA", parent=top)
    east_below = [partner(name, parent=east) for name in ("Twin SIA", "Twin SIA", "Alpha SIA", "Omega SIA", "Beta")]
    deep = partner("Deep SIA", parent=east_below[2])
    west_below = [partner("Gamma SIA", parent=west), partner("Quiet SIA", parent=west)]  # Quiet: no turnover
    amounts = iter(range(7, 10_000, 37))
    for index, company in enumerate([east, *east_below, deep, west_below[0]]):
        turnover = {(month, "EUR"): f"{next(amounts)}.{index:02d}" for month in ("2023-12", "2024-01", "2024-02")}
        if index % 2:
            turnover[("2024-03", "USD")] = f"{next(amounts)}.50"
        client_with_turnover(company, f"Client {index}", turnover)
    client_with_turnover(east_below[1], "Old client", {("2023-12", "GBP"): "12.00"})  # nothing in the period
    return {"top": top, "east": east, "west": west, "east_below": east_below, "deep": deep, "west_below": west_below}


def test_every_sort_and_page_matches_the_raw_turnover_from_both_paths(distributor):
    assert_every_page_matches(distributor["top"])  # 12 rows and more: stored ranked from its first read
    assert PartnerRankedNetworkBuilt.objects.filter(ancestor=distributor["top"]).exists()
    assert_every_page_matches(distributor["west"])  # 2 rows: read from its closure rows
    assert not PartnerRankedNetworkBuilt.objects.filter(ancestor=distributor["west"]).exists()
    assert_every_page_matches(distributor["east"])


def stored_rows(company) -> list[tuple]:
    """The partner's ranked table as stored, in the shape of `wanted`."""
    return sorted(
        PartnerRankedNetwork.objects.filter(
            ancestor=company, first_month=PERIOD.first_month, last_month=PERIOD.last_month
        ).values_list("descendant_id", "legal_name", "depth", "currency", "direct", "indirect", "previous_total"),
        key=str,
    )


def is_fresh(company) -> bool:
    held = PartnerRankedNetworkBuilt.objects.get(
        ancestor=company, first_month=PERIOD.first_month, last_month=PERIOD.last_month
    )
    return held.version == held.caught_up_version


def assert_stale_tables_are_not_read_until_caught_up(capture, write, ranked=("top", "east")) -> None:
    """Run `write`; before the catch-ups its commit queues, each of the `ranked` partners' tables is stale and
    wrong, and every page is right all the same; after them, the table is fresh and equals the raw turnover."""
    companies = [DISTRIBUTOR[name] for name in ranked]
    with capture() as callbacks:
        write()
    for company in companies:
        assert not is_fresh(company), company
        assert stored_rows(company) != sorted(map(wanted, expected_rows(company.pk, PERIOD)), key=str), company
    for company in (DISTRIBUTOR["top"], DISTRIBUTOR["east"], DISTRIBUTOR["west"]):
        assert_every_page_matches(company)
    for callback in callbacks:
        callback()
    for company in companies:
        assert is_fresh(company), company
        assert stored_rows(company) == sorted(map(wanted, expected_rows(company.pk, PERIOD)), key=str), company
    for company in (DISTRIBUTOR["top"], DISTRIBUTOR["east"], DISTRIBUTOR["west"]):
        assert_every_page_matches(company)


DISTRIBUTOR: dict = {}


def test_the_stored_tables_follow_turnover_new_partners_moves_renames_and_deletions(
    distributor, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(sys.modules[__name__], "DISTRIBUTOR", distributor)
    top, east, west = distributor["top"], distributor["east"], distributor["west"]
    for company in (top, east, west):
        assert_every_page_matches(company)  # held from here on
    capture = django_capture_on_commit_callbacks

    def turnover():
        client_with_turnover(distributor["deep"], "Late client", {("2024-02", "EUR"): "4.50", ("2024-03", "GBP"): "1"})

    assert_stale_tables_are_not_read_until_caught_up(capture, turnover)
    assert_stale_tables_are_not_read_until_caught_up(
        capture,
        lambda: client_with_turnover(distributor["west_below"][1], "First client", {("2024-01", "USD"): "9.99"}),
        ranked=("top",),
    )

    def newcomers():
        newcomer = partner("Newcomer SIA", parent=distributor["west_below"][0])
        client_with_turnover(newcomer, "New client", {("2024-03", "EUR"): "300.00"})
        partner("Empty SIA", parent=west)

    assert_stale_tables_are_not_read_until_caught_up(capture, newcomers, ranked=("top",))

    def move():
        moved = distributor["east_below"][2]  # with Deep SIA below it
        moved.parent = west
        moved.save()

    assert_stale_tables_are_not_read_until_caught_up(capture, move)

    distributor["east_below"][0].legal_name = "Zulu SIA"  # a rename is written to the ranked rows at once
    distributor["east_below"][0].save()
    for company in (top, east, west):
        assert_every_page_matches(company)

    # East's own table loses the deleted partner's row at once (network_tables_forget); its uplines' figures change.
    assert_stale_tables_are_not_read_until_caught_up(capture, distributor["east_below"][1].delete, ranked=("top",))


def test_a_fresh_ranked_table_is_read(distributor):
    top = distributor["top"]
    assert_every_page_matches(top)
    PartnerRankedNetwork.objects.filter(ancestor=top).update(legal_name="Read from the ranked table")
    assert {row.name for row in sub_partner_page(company=top, period=PERIOD, sort="name").rows} == {
        "Read from the ranked table"
    }


def test_a_burst_of_writes_queues_one_catch_up_per_partner_on_commit(
    distributor, django_capture_on_commit_callbacks, monkeypatch
):
    top, east = distributor["top"], distributor["east"]
    for company in (top, east):
        assert_every_page_matches(company)
    queued, delay = [], tasks.ranked_table_catch_up.delay
    monkeypatch.setattr(tasks.ranked_table_catch_up, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        for index in range(3):
            client_with_turnover(distributor["deep"], f"Burst {index}", {("2024-02", "EUR"): f"{index}.25"})
        assert queued == []  # nothing before the commit
    assert sorted(queued) == sorted([top.pk, east.pk])
    monkeypatch.setattr(tasks.ranked_table_catch_up, "delay", delay)
    for ancestor_id in queued:
        tasks.ranked_table_catch_up.delay(ancestor_id)  # eager in the tests, as a worker would run it
    assert is_fresh(top) and is_fresh(east)
    with django_capture_on_commit_callbacks() as callbacks:
        client_with_turnover(distributor["deep"], "After the catch-up", {("2024-02", "EUR"): "1.00"})
    assert len(callbacks) >= 1  # the flag was cleared by the catch-up: the next write queues again
    assert not is_fresh(top)


def test_a_catch_up_that_read_before_a_newer_write_leaves_the_table_stale(
    distributor, django_capture_on_commit_callbacks, monkeypatch
):
    from partner_area.performance import ranked_catch_up

    top = distributor["top"]
    assert_every_page_matches(top)
    with django_capture_on_commit_callbacks():
        client_with_turnover(distributor["deep"], "First", {("2024-02", "EUR"): "10.00"})
    statement = ranked_catch_up.ranked_catch_up_sql
    newer = []

    def write_after_the_versions_were_read() -> str:
        with django_capture_on_commit_callbacks() as callbacks:
            client_with_turnover(distributor["deep"], "Newer", {("2024-03", "EUR"): "20.00"})
        newer.extend(callbacks)
        return statement()

    monkeypatch.setattr(ranked_catch_up, "ranked_catch_up_sql", write_after_the_versions_were_read)
    assert ranked_catch_up.ranked_table_catch_up(ancestor_id=top.pk) is False
    assert not is_fresh(top)
    assert_every_page_matches(top)
    monkeypatch.setattr(ranked_catch_up, "ranked_catch_up_sql", statement)
    for callback in newer:  # the newer write's own catch-up
        callback()
    assert is_fresh(top)
    assert_every_page_matches(top)


def test_a_page_of_a_ranked_table_is_one_query(distributor, django_assert_num_queries):
    sub_partner_page(company=distributor["top"], period=PERIOD)  # builds the period and the ranked table
    for sort in SORTS:
        with django_assert_num_queries(1):
            sub_partner_page(company=distributor["top"], period=PERIOD, sort=sort, page=2)
    with django_assert_num_queries(1):
        sub_partner_page(company=distributor["west"], period=PERIOD, sort="-total")


def test_the_erp_pulls_bulk_rename_reaches_the_ranked_tables(distributor, settings):
    """The ERP pull writes a page's companies in one UPDATE (integrations/erp/bulk.py), without Company.save():
    the renamed partners' rows in their uplines' ranked tables follow all the same."""
    from integrations.erp.companies import companies_apply_page
    from partner_area.companies.models import Company
    from partner_area.platform.ports.erp import ErpCompany

    settings.ERP_PULL_OVERLAP_SECONDS = 0
    top, east = distributor["top"], distributor["east"]
    for company in (top, east):
        assert_every_page_matches(company)  # held from here on
    renamed = [distributor["east_below"][0], distributor["deep"]]
    records = []
    for index, company in enumerate(renamed):
        Company.objects.filter(pk=company.pk).update(erp_id=f"P{company.pk}")
        company.refresh_from_db()
        fields = {name: getattr(company, name) for name in ("registration_number", "vat_number", "country",
                                                             "address", "city", "postal_code", "phone", "email",
                                                             "website")}  # fmt: skip
        records.append(ErpCompany(erp_id=company.erp_id, legal_name=f"Aaa Renamed {index} SIA", **fields))
    applied, rejected = companies_apply_page(records)
    assert (applied, rejected) == (2, [])
    assert sorted(Company.objects.filter(pk__in=[c.pk for c in renamed]).values_list("legal_name", flat=True)) == [
        "Aaa Renamed 0 SIA",
        "Aaa Renamed 1 SIA",
    ]
    for company in (top, east):
        assert_every_page_matches(company)
