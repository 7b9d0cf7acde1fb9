"""Direct and indirect turnover on a small tree checked by hand:

Top ── Branch ── Twig ── Leaf        (a 4-level chain)
 └──── Empty                          (a partner with no clients)

Top:    own client Alpha EUR Jan 100, Feb 200; own client Beta USD Feb 50
Branch: own client Gamma EUR Feb 1000
Twig:   own client Delta EUR Feb 10
Leaf:   own client Epsilon EUR Feb 1 and USD Feb 5
"""

from datetime import date
from decimal import Decimal

import pytest

from partner_area.performance.models import PartnerTreePath
from partner_area.performance.periods import Period
from partner_area.performance.rollups import rollup_rebuild
from partner_area.performance.selectors import dashboard_figures, sub_partner_page, turnover_figures
from partner_area.performance.tree import partner_tree_rebuild

from .helpers import client_with_turnover, partner

pytestmark = pytest.mark.django_db

FEB_2024 = Period("custom", date(2024, 2, 1), date(2024, 2, 1))
D = Decimal


@pytest.fixture
def tree():
    top = partner("Top SIA")
    branch = partner("Branch SIA", parent=top)
    twig = partner("Twig SIA", parent=branch)
    leaf = partner("Leaf SIA", parent=twig)
    empty = partner("Empty SIA", parent=top)
    client_with_turnover(top, "Alpha", {("2024-01", "EUR"): "100", ("2024-02", "EUR"): "200"})
    client_with_turnover(top, "Beta", {("2024-02", "USD"): "50"})
    client_with_turnover(branch, "Gamma", {("2024-02", "EUR"): "1000"})
    client_with_turnover(twig, "Delta", {("2024-02", "EUR"): "10"})
    client_with_turnover(leaf, "Epsilon", {("2024-02", "EUR"): "1", ("2024-02", "USD"): "5"})
    return {"top": top, "branch": branch, "twig": twig, "leaf": leaf, "empty": empty}


def by_currency(company):
    figures, _trend = turnover_figures(company=company, period=FEB_2024)
    return {item.currency: item for item in figures}


def test_closure_table_holds_every_ancestor_with_its_depth(tree):
    depths = dict(PartnerTreePath.objects.filter(descendant=tree["leaf"]).values_list("ancestor__legal_name", "depth"))
    assert depths == {"Leaf SIA": 0, "Twig SIA": 1, "Branch SIA": 2, "Top SIA": 3}


def test_top_sees_direct_and_indirect_per_level_without_mixing_currencies(tree):
    figures = by_currency(tree["top"])
    eur, usd = figures["EUR"].current, figures["USD"].current
    assert (eur.direct, eur.level_1, eur.level_2, eur.level_3_plus) == (D(200), D(1000), D(10), D(1))
    assert (eur.indirect, eur.total) == (D(1011), D(1211))
    assert (usd.direct, usd.level_1, usd.level_2, usd.level_3_plus) == (D(50), D(0), D(0), D(5))
    assert (usd.indirect, usd.total) == (D(5), D(55))
    assert figures["EUR"].previous.total == D(100)  # January: only Alpha
    assert figures["EUR"].change("total", "previous") == D("1111.0")
    assert figures["EUR"].change("total", "year_earlier") is None  # nothing a year before


def test_levels_are_relative_to_the_partner_looking(tree):
    branch = by_currency(tree["branch"])
    assert (branch["EUR"].current.direct, branch["EUR"].current.level_1, branch["EUR"].current.level_2) == (
        D(1000),
        D(10),
        D(1),
    )
    assert branch["USD"].current.direct == 0 and branch["USD"].current.level_2 == D(5)
    leaf = by_currency(tree["leaf"])
    assert leaf["EUR"].current.total == D(1) and leaf["EUR"].current.indirect == 0


def test_a_partner_without_clients_or_network_has_no_turnover(tree):
    assert by_currency(tree["empty"]) == {}
    figures = dashboard_figures(company=tree["empty"], period=FEB_2024, today=date(2024, 3, 1))
    assert figures.currencies == [] and figures.top_clients == [] and figures.sub_partners.rows == []
    assert (figures.active_clients, figures.new_clients) == (0, 0)


def test_sub_partner_table_lists_every_level_with_one_row_per_currency(tree):
    page = sub_partner_page(company=tree["top"], period=FEB_2024, sort="name")
    rows = [(row.name, row.level, row.currency, row.direct, row.indirect) for row in page.rows]
    assert rows == [
        ("Branch SIA", 1, "EUR", D(1000), D(11)),
        ("Branch SIA", 1, "USD", D(0), D(5)),
        ("Empty SIA", 1, None, D(0), D(0)),
        ("Leaf SIA", 3, "EUR", D(1), D(0)),
        ("Leaf SIA", 3, "USD", D(5), D(0)),
        ("Twig SIA", 2, "EUR", D(10), D(1)),
        ("Twig SIA", 2, "USD", D(0), D(5)),
    ]
    assert page.count == 7


def test_sub_partner_table_sorts_by_total_and_paginates_in_the_database(tree, settings):
    page = sub_partner_page(company=tree["top"], period=FEB_2024, sort="-total")
    assert [(row.name, row.currency, row.total) for row in page.rows[:3]] == [
        ("Branch SIA", "EUR", D(1011)),
        ("Twig SIA", "EUR", D(11)),
        ("Leaf SIA", "EUR", D(1)),
    ]
    # Amounts in different currencies do not compare: each currency is sorted apart, one after the other.
    currencies = [row.currency for row in page.rows]
    assert currencies == sorted(currencies, key=lambda c: (c is None, c or ""))
    usd = [row.total for row in page.rows if row.currency == "USD"]
    assert usd == sorted(usd, reverse=True) and len(usd) == 3
    ascending = sub_partner_page(company=tree["top"], period=FEB_2024, sort="total").rows
    assert [row.currency for row in ascending][:3] == ["EUR"] * 3
    levels = [row.level for row in sub_partner_page(company=tree["top"], period=FEB_2024, sort="-level").rows]
    assert levels == sorted(levels, reverse=True)


def test_moving_a_sub_partner_moves_its_network_figures(tree):
    tree["twig"].parent = tree["empty"]
    tree["twig"].save()
    assert by_currency(tree["branch"])["EUR"].current.indirect == 0
    empty = by_currency(tree["empty"])["EUR"].current
    assert (empty.level_1, empty.level_2) == (D(10), D(1))
    top = by_currency(tree["top"])["EUR"].current
    assert (top.level_1, top.level_2, top.level_3_plus) == (D(1000), D(10), D(1))  # Empty is level 1 too


def test_a_partner_cannot_be_placed_below_its_own_network(tree):
    from django.core.exceptions import ValidationError

    tree["top"].parent = tree["leaf"]
    with pytest.raises(ValidationError):
        tree["top"].save()


def test_rebuilding_tree_and_rollups_from_scratch_gives_the_same_figures(tree):
    before = by_currency(tree["top"])["EUR"].current
    partner_tree_rebuild()
    rollup_rebuild()
    assert by_currency(tree["top"])["EUR"].current == before


def test_reimporting_a_month_replaces_it_instead_of_adding(tree):
    from partner_area.performance.models import Client
    from partner_area.performance.services import TurnoverRow, turnover_import

    gamma = Client.objects.for_company(tree["branch"]).get(name="Gamma")
    turnover_import(rows=[TurnoverRow(client=gamma, month=date(2024, 2, 17), currency="eur", amount=D("400"))])
    assert by_currency(tree["top"])["EUR"].current.level_1 == D(400)


def test_a_deleted_partner_no_longer_counts_for_its_uplines(tree):
    from partner_area.companies.models import Company

    Company.objects.filter(pk=tree["leaf"].pk).delete()
    top = by_currency(tree["top"])
    assert top["EUR"].current.level_3_plus == 0 and top["USD"].current.indirect == 0
