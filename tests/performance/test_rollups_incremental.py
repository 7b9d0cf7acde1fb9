"""Incremental roll-ups equal a full rebuild (`performance_rebuild`), to the cent and in every column, on random
irregular partner trees after random sequences of what the ERP sync and staff do: pages of turnover (new months
and currencies, replacements, zeros, negatives), new clients, clients changing partner, sub-partners moving to
another upline or to the top, and partners deleted. The ranked tables are caught up by the tasks each step queues on
commit (ranked_catch_up.py); until then every stale table's partner reads exactly what the caught-up table shows."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partner_area.companies.models import Company
from partner_area.performance import network as network_module
from partner_area.performance.models import (
    Client,
    PartnerMonthlyRollup,
    PartnerPeriodTotals,
    PartnerRankedNetwork,
    PartnerRankedNetworkBuilt,
    PartnerRollupSpan,
    PartnerTreePath,
)
from partner_area.performance.network import sub_partner_list, sub_partner_page
from partner_area.performance.periods import Period, add_months
from partner_area.performance.rollups import rollup_rebuild
from partner_area.performance.services import ClientRow, TurnoverRow, client_upsert, clients_import, turnover_import
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db

START = date(2024, 1, 1)
CURRENCIES = ("EUR", "USD", "GBP")
ROLLUP_COLUMNS = ("company_id", "month", "currency", "direct", "level_1", "level_2", "level_3_plus",
                  "cumulative_direct", "cumulative_indirect", "turnover_rows")  # fmt: skip
SPAN_COLUMNS = ("company_id", "currency", "first_month", "last_month", "cumulative_direct", "cumulative_indirect")
FIGURES = ("direct", "indirect", "previous_total", "total", "change")
TOTALS_COLUMNS = ("company_id", "currency", "first_month", "last_month", *FIGURES)
RANKED_COLUMNS = ("ancestor_id", "descendant_id", "depth", "first_month", "last_month", "currency", "legal_name",
                  *FIGURES)  # fmt: skip
# Periods whose sub-partner tables are held while the changes run: one inside the months the scenarios touch,
# one reaching past them.
PERIODS = (
    Period("custom", add_months(START, 2), add_months(START, 4)),
    Period("custom", add_months(START, 9), add_months(START, 14)),
)

amounts = st.one_of(st.just(0), st.integers(-20_000, 500_000)).map(lambda cents: Decimal(cents) / 100)
turnover_rows = st.tuples(st.integers(0, 99), st.integers(0, 11), st.sampled_from(CURRENCIES), amounts)
operations = st.one_of(
    st.tuples(st.just("turnover"), st.lists(turnover_rows, min_size=1, max_size=12)),
    st.tuples(st.just("new client"), st.integers(0, 99)),
    st.tuples(st.just("client moves"), st.integers(0, 99), st.integers(0, 99), st.booleans()),
    st.tuples(st.just("partner moves"), st.integers(0, 99), st.integers(-1, 99)),
    st.tuples(st.just("partner deleted"), st.integers(0, 99)),
)


@st.composite
def scenarios(draw):
    size = draw(st.integers(2, 15))
    parents = [None] + [draw(st.integers(-1, index - 1)) for index in range(1, size)]  # -1: another top partner
    clients = draw(st.lists(st.integers(0, size - 1), min_size=1, max_size=2 * size))
    first_page = draw(st.lists(turnover_rows, min_size=1, max_size=20))
    return parents, clients, first_page, draw(st.lists(operations, min_size=1, max_size=8))


def _sorted(rows) -> list:
    return sorted(rows, key=lambda row: tuple((value is None, value if value is not None else 0) for value in row))


def tables() -> tuple[list, ...]:
    return (
        sorted(PartnerMonthlyRollup.unscoped.values_list(*ROLLUP_COLUMNS)),
        sorted(PartnerRollupSpan.unscoped.values_list(*SPAN_COLUMNS)),
        _sorted(PartnerPeriodTotals.objects.values_list(*TOTALS_COLUMNS)),
        _sorted(PartnerRankedNetwork.objects.values_list(*RANKED_COLUMNS)),
        sorted(PartnerRankedNetworkBuilt.objects.values_list("ancestor_id", "first_month", "last_month", "row_count")),
    )


class _Discard(Exception):
    pass


def rebuilt_tables() -> tuple[list, list]:
    """The tables as a full rebuild from stored turnover leaves them, without touching the incremental ones."""
    try:
        with transaction.atomic():
            rollup_rebuild()
            expected = tables()
            raise _Discard
    except _Discard:
        return expected


class Network:
    """The partners and clients of one scenario, applied through the services the ERP sync and staff use."""

    def hold_tables(self) -> None:
        """Read every partner's sub-partner table in both periods: the periods are held from now on, and every
        partner with a sub-partner has its ranked table stored (RANKED_FROM is 1 here)."""
        for period in PERIODS:
            for company in self.partners:
                sub_partner_page(company=company, period=period)

    def __init__(self, parents: list[int | None]):
        self.partners: list[Company] = []
        for parent in parents:
            self.partners.append(CompanyFactory(parent=self.partners[parent] if parent not in (None, -1) else None))
        self.clients: list[Client] = []
        self.serial = 0

    def add_clients(self, owners: list[int]) -> None:
        rows = []
        for owner in owners:
            self.serial += 1
            rows.append(ClientRow(self.partners[owner % len(self.partners)].pk, f"c-{self.serial}", "Client", START))
        self.clients += clients_import(rows=rows).values()

    def turnover(self, page: list[tuple]) -> None:
        if self.clients:
            turnover_import(
                rows=[
                    TurnoverRow(self.clients[index % len(self.clients)], add_months(START, offset), currency, amount)
                    for index, offset, currency, amount in page
                ]
            )

    def apply(self, operation: tuple) -> None:
        kind, *args = operation
        if kind == "turnover":
            self.turnover(args[0])
        elif kind == "new client":
            self.add_clients([args[0]])
        elif kind == "client moves" and self.clients:
            client, partner = self.clients[args[0] % len(self.clients)], self.partners[args[1] % len(self.partners)]
            if args[2]:  # a page of the ERP sync
                clients_import(rows=[ClientRow(partner.pk, client.erp_id, client.name, client.created)])
            else:
                client_upsert(company=partner, erp_id=client.erp_id, name=client.name, created=client.created)
            client.company_id = partner.pk  # the page's later turnover rows carry the client's new partner
        elif kind == "partner moves":
            self.move(self.partners[args[0] % len(self.partners)], args[1])
        elif kind == "partner deleted":
            self.delete(self.partners[args[0] % len(self.partners)])

    def move(self, partner: Company, parent_index: int) -> None:
        below = set(PartnerTreePath.objects.filter(ancestor=partner).values_list("descendant_id", flat=True))
        candidates = [company for company in self.partners if company.pk not in below]
        partner.parent = candidates[parent_index % len(candidates)] if parent_index >= 0 and candidates else None
        partner.save()

    def delete(self, partner: Company) -> None:
        if len(self.partners) > 1 and not Company.objects.filter(parent=partner).exists():
            partner.delete()
            self.partners.remove(partner)
            self.clients = [client for client in self.clients if client.company_id != partner.pk]


@pytest.fixture
def every_table_ranked(monkeypatch):
    monkeypatch.setattr(network_module, "RANKED_FROM", 1)


def stale_partners() -> list[Company]:
    ancestor_ids = PartnerRankedNetworkBuilt.objects.exclude(version=F("caught_up_version")).values("ancestor_id")
    return list(Company.objects.filter(pk__in=ancestor_ids).order_by("pk"))


def sub_partner_tables(partners: list[Company]) -> dict:
    return {(company.pk, period): sub_partner_list(company=company, period=period) for company in partners
            for period in PERIODS}  # fmt: skip


def apply_and_catch_up(network: Network, operation: tuple, capture) -> None:
    """Apply a step; the partners whose ranked tables it left stale read, before the catch-up its commit queues,
    what the caught-up tables show (which equal a full rebuild): a stale table is never read."""
    with capture() as callbacks:
        network.apply(operation)
    stale = stale_partners()
    before = sub_partner_tables(stale)
    for callback in callbacks:
        callback()
    assert not stale_partners(), "every stale table caught up by the tasks queued on commit"
    assert sub_partner_tables(stale) == before


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios())
def test_incremental_rollups_equal_a_full_rebuild(scenario, every_table_ranked, django_capture_on_commit_callbacks):
    parents, owners, first_page, steps = scenario
    try:
        with transaction.atomic():  # each example starts from an empty database
            network = Network(parents)
            network.add_clients(owners)
            network.turnover(first_page)
            network.hold_tables()
            assert PartnerRankedNetwork.objects.exists() == PartnerTreePath.objects.filter(depth=1).exists()
            assert tables() == rebuilt_tables(), "after the first import"
            for number, operation in enumerate(steps, start=1):
                apply_and_catch_up(network, operation, django_capture_on_commit_callbacks)
                assert tables() == rebuilt_tables(), f"after step {number}: {operation[0]}"
            raise _Discard
    except _Discard:
        pass


def test_a_month_left_without_turnover_at_either_end_leaves_the_span():
    top = CompanyFactory()
    seller = CompanyFactory(parent=top)
    (client,) = clients_import(rows=[ClientRow(seller.pk, "c-ends", "Client", START)]).values()
    turnover_import(
        rows=[TurnoverRow(client, add_months(START, offset), "EUR", Decimal("10.00")) for offset in (0, 3, 6)]
    )
    other = CompanyFactory()
    clients_import(rows=[ClientRow(other.pk, "c-ends", "Client", START)])  # the client changes partner
    assert not PartnerMonthlyRollup.unscoped.filter(company__in=[top, seller]).exists()
    assert not PartnerRollupSpan.unscoped.filter(company__in=[top, seller]).exists()
    span = PartnerRollupSpan.unscoped.get(company=other)
    assert (span.first_month, span.last_month, span.cumulative_direct) == (START, date(2024, 7, 1), Decimal(30))
    assert PartnerMonthlyRollup.unscoped.filter(company=other).count() == 7  # gap months included
