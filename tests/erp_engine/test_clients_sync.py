"""The ERP feed of partners' clients and monthly turnover, against an in-memory ERP: what reaches the portal's
clients, turnover and the dashboard's figures. The same scenarios run against a real Tryton in tests/erp/."""

from datetime import date
from decimal import Decimal

import pytest

from integrations.erp.models import RejectedRecord, SyncCursor
from integrations.erp.pull import pull_all, pull_entity
from partner_area.performance.models import Client, MonthlyTurnover
from partner_area.performance.periods import Period
from partner_area.performance.selectors import turnover_figures
from partner_area.platform.ports.erp import Cursor, NoErpGateway
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db

OCT, NOV = date(2026, 10, 1), date(2026, 11, 1)


@pytest.fixture(autouse=True)
def erp(erp, settings):
    """The shared in-memory ERP, pulled without overlap: a test pulls as often as it likes."""
    settings.ERP_PULL_OVERLAP_SECONDS = 0
    return erp


@pytest.fixture
def network():
    """A distributor with one reseller below it, both known to the ERP."""
    distributor = CompanyFactory(legal_name="Distributor SIA", erp_id="P-DIST")
    reseller = CompanyFactory(legal_name="Reseller SIA", erp_id="P-RES", parent=distributor)
    return distributor, reseller


def figures(company, first=OCT, last=NOV) -> dict[str, tuple[Decimal, Decimal]]:
    """(direct, indirect) turnover per currency, as the partner's dashboard shows it for these months."""
    currencies, _ = turnover_figures(company=company, period=Period("custom", first, last))
    return {item.currency: (item.current.direct, item.current.indirect) for item in currencies}


def stored(client_erp_id: str) -> dict[tuple[date, str], Decimal]:
    rows = MonthlyTurnover.unscoped.filter(client__erp_id=client_erp_id)
    return {(row.month, row.currency): row.amount for row in rows}


def test_a_client_and_its_monthly_turnover_reach_the_partner_and_its_upline(erp, network):
    distributor, reseller = network
    client = erp.put_client(partner_erp_id="P-RES", name="Ezers SIA", created=date(2026, 9, 15))
    erp.put_turnover(client.erp_id, OCT, "EUR", Decimal("100.00"))
    erp.put_turnover(client.erp_id, NOV, "EUR", Decimal("50.00"))
    erp.put_turnover(client.erp_id, NOV, "USD", Decimal("30.00"))

    pull_all()

    portal_client = Client.objects.for_company(reseller).get()
    assert (portal_client.name, portal_client.created, portal_client.erp_id) == (
        "Ezers SIA", date(2026, 9, 15), client.erp_id
    )  # fmt: skip
    assert stored(client.erp_id) == {
        (OCT, "EUR"): Decimal("100.00"), (NOV, "EUR"): Decimal("50.00"), (NOV, "USD"): Decimal("30.00")
    }  # fmt: skip
    # Currencies are never added together; the reseller's clients are the distributor's level-1 network.
    assert figures(reseller) == {"EUR": (Decimal("150.00"), 0), "USD": (Decimal("30.00"), 0)}
    assert figures(distributor) == {"EUR": (0, Decimal("150.00")), "USD": (0, Decimal("30.00"))}
    assert not RejectedRecord.objects.exists()


def test_a_recomputed_month_replaces_the_stored_total_and_an_emptied_month_drops_to_zero(erp, network):
    distributor, reseller = network
    client = erp.put_client(partner_erp_id="P-RES", name="Ezers SIA", created=OCT)
    erp.put_turnover(client.erp_id, OCT, "EUR", Decimal("100.00"))
    erp.put_turnover(client.erp_id, NOV, "EUR", Decimal("50.00"))
    pull_all()

    erp.put_turnover(client.erp_id, NOV, "EUR", Decimal("80.00"))  # another invoice in November
    erp.put_turnover(client.erp_id, OCT, "EUR", Decimal("0"))  # October's only invoice was cancelled
    erp.put_turnover(client.erp_id, date(2026, 9, 1), "EUR", Decimal("0"))  # a draft alone: no figure at all
    assert pull_entity("turnover") == 2

    assert stored(client.erp_id) == {(OCT, "EUR"): Decimal("0.00"), (NOV, "EUR"): Decimal("80.00")}
    assert figures(reseller) == {"EUR": (Decimal("80.00"), 0)}
    assert figures(distributor) == {"EUR": (0, Decimal("80.00"))}


def test_a_client_of_a_partner_the_portal_does_not_know_is_rejected_and_the_rest_of_the_page_applies(erp, network):
    _, reseller = network
    stranger = erp.put_client(partner_erp_id="P-NOBODY", name="Stranger SIA", created=OCT)
    erp.put_turnover(stranger.erp_id, OCT, "EUR", Decimal("999.00"))
    known = erp.put_client(partner_erp_id="P-RES", name="Known SIA", created=OCT)

    pull_all()

    assert list(Client.unscoped.values_list("erp_id", flat=True)) == [known.erp_id]
    rejected = RejectedRecord.objects.get()
    assert (rejected.entity, rejected.erp_id, rejected.errors) == (
        "clients", stranger.erp_id, {"partner_erp_id": "no portal company has this ERP id"}
    )  # fmt: skip
    assert rejected.data["name"] == "Stranger SIA"
    assert not MonthlyTurnover.unscoped.exists()  # the stranger's turnover is skipped, not stored anywhere


def test_bad_turnover_values_are_rejected_before_anything_is_stored(erp, network):
    client = erp.put_client(partner_erp_id="P-RES", name="Ezers SIA", created=OCT)
    pull_entity("clients")
    erp.put_turnover(client.erp_id, OCT, "EURO", Decimal("10"))
    erp.put_turnover(client.erp_id, "2026-13", "EUR", Decimal("10"))
    erp.put_turnover(client.erp_id, date(2026, 8, 1), "EUR", "lots")
    erp.put_turnover(client.erp_id, NOV, "USD", Decimal("1e15"))
    erp.put_turnover(client.erp_id, NOV, "EUR", Decimal("12.346"))  # the valid one, rounded to cents

    pull_entity("turnover")

    assert stored(client.erp_id) == {(NOV, "EUR"): Decimal("12.35")}
    problems = sorted(next(iter(r.errors)) + ":" + next(iter(r.errors.values())) for r in RejectedRecord.objects.all())
    assert problems == [
        "amount:not a number", "amount:out of range", "currency:not a three-letter currency code", "month:not a date"
    ]  # fmt: skip


def test_a_client_linked_after_its_invoices_brings_its_whole_history_along(erp, network):
    _, reseller = network
    # The turnover is seen before the client is (linked to its partner later, or pulled out of order):
    erp.put_turnover("K-LATE", OCT, "EUR", Decimal("70.00"))
    pull_entity("turnover")
    assert not MonthlyTurnover.unscoped.exists()
    assert SyncCursor.objects.get(entity="turnover").changed_at is not None

    erp.put_client(erp_id="K-LATE", partner_erp_id="P-RES", name="Late SIA", created=OCT)
    pull_all()

    assert stored("K-LATE") == {(OCT, "EUR"): Decimal("70.00")}
    assert figures(reseller) == {"EUR": (Decimal("70.00"), 0)}


def test_a_client_moving_to_another_partner_takes_its_figures_along(erp, network):
    distributor, reseller = network
    other = CompanyFactory(legal_name="Other Reseller SIA", erp_id="P-OTHER", parent=distributor)
    client = erp.put_client(partner_erp_id="P-RES", name="Ezers SIA", created=OCT)
    erp.put_turnover(client.erp_id, NOV, "EUR", Decimal("40.00"))
    pull_all()

    erp.put_client(erp_id=client.erp_id, partner_erp_id="P-OTHER", name="Ezers SIA", created=OCT)
    pull_entity("clients")

    assert Client.objects.for_company(other).get().erp_id == client.erp_id
    assert figures(reseller) == {}
    assert figures(other) == {"EUR": (Decimal("40.00"), 0)}
    assert figures(distributor) == {"EUR": (0, Decimal("40.00"))}


def test_a_page_of_clients_and_turnover_is_applied_in_a_bounded_number_of_queries(
    erp, network, django_assert_max_num_queries
):
    for n in range(60):
        client = erp.put_client(partner_erp_id="P-RES", name=f"Client {n} SIA", created=OCT)
        erp.put_turnover(client.erp_id, OCT, "EUR", Decimal(n + 1))
        erp.put_turnover(client.erp_id, NOV, "USD", Decimal(n + 1))
    # 42: each of the page's two roll-up writes (clients, turnover) asks once whether any period of the sub-partner
    # table is held (partner_area/performance/network_tables.py); none is here.
    with django_assert_max_num_queries(42):
        pull_entity("clients", page_size=100)
    erp.turnover.update(
        {key: erp.put_turnover(*key, row.amount * 2) for key, row in list(erp.turnover.items())}
    )  # every month changes again
    with django_assert_max_num_queries(42):
        assert pull_entity("turnover", page_size=200) == 120
    assert Client.unscoped.count() == 60
    assert figures(network[0])["EUR"] == (0, Decimal(sum(range(1, 61)) * 2))


def test_without_an_erp_there_are_no_clients_or_turnover_to_pull():
    gateway = NoErpGateway()
    assert gateway.clients_changed(Cursor(), 100).items == []
    assert gateway.turnover_changed(Cursor(), 100).items == []
    assert gateway.client_turnover(["1"]) == []
