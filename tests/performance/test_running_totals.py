"""The sub-partner table subtracts running totals instead of summing months; it must agree with a plain sum of
the stored turnover for any period, also across gaps, before the first month and after the last."""

import random
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest

from partner_area.performance.models import MonthlyTurnover, PartnerTreePath
from partner_area.performance.network import sub_partner_list
from partner_area.performance.periods import Period, add_months

from .helpers import client_with_turnover, partner

pytestmark = pytest.mark.django_db

START = date(2023, 1, 1)


def brute_force(top, period: Period) -> dict[tuple[int, str], tuple[Decimal, Decimal, Decimal]]:
    """(direct, indirect, previous total) per sub-partner and currency, summed straight from turnover rows."""
    depth = dict(PartnerTreePath.objects.filter(ancestor=top).values_list("descendant_id", "depth"))
    below = {}
    for path in PartnerTreePath.objects.filter(descendant_id__in=depth):
        below.setdefault(path.ancestor_id, set()).add(path.descendant_id)
    figures = defaultdict(lambda: [Decimal(0), Decimal(0), Decimal(0)])
    for row in MonthlyTurnover.unscoped.filter(company_id__in=depth):
        for sub_partner, network in below.items():
            if sub_partner == top.pk or sub_partner not in depth or row.company_id not in network:
                continue
            key = (sub_partner, row.currency)
            if period.first_month <= row.month <= period.last_month:
                figures[key][0 if row.company_id == sub_partner else 1] += row.amount
            elif period.previous.first_month <= row.month <= period.previous.last_month:
                figures[key][2] += row.amount
    return {key: tuple(values) for key, values in figures.items() if any(values)}


def from_table(top, period: Period):
    rows = sub_partner_list(company=top, period=period)
    return {
        (row.company_id, row.currency): (row.direct, row.indirect, row.previous_total)
        for row in rows
        if row.currency and (row.direct or row.indirect or row.previous_total)
    }


def test_gaps_first_and_last_months():
    top = partner("Top SIA")
    gappy = partner("Gappy SIA", parent=top)
    client_with_turnover(gappy, "Only Jan and Apr", {("2024-01", "EUR"): "10", ("2024-04", "EUR"): "7"})
    cases = {
        (date(2024, 2, 1), date(2024, 3, 1)): (Decimal(0), Decimal(10)),  # the gap; January is the period before
        (date(2024, 3, 1), date(2024, 5, 1)): (Decimal(7), Decimal(10)),
        (date(2024, 6, 1), date(2024, 12, 1)): (Decimal(0), Decimal(17)),  # after the last month
        (date(2023, 6, 1), date(2023, 12, 1)): (Decimal(0), Decimal(0)),  # before the first month
        (date(2023, 1, 1), date(2025, 1, 1)): (Decimal(17), Decimal(0)),
    }
    for (first, last), (direct, previous) in cases.items():
        (row,) = sub_partner_list(company=top, period=Period("custom", first, last))
        assert (row.direct, row.previous_total) == (direct, previous), (first, last)


def test_agrees_with_a_plain_sum_on_a_random_network():
    rng = random.Random(7)
    top = partner("Random Top SIA")
    companies = [top]
    for index in range(14):
        companies.append(partner(f"Random {index} SIA", parent=rng.choice(companies)))
    for company in companies:
        for number in range(rng.randint(0, 3)):
            turnover = {}
            for offset in rng.sample(range(30), rng.randint(1, 12)):
                month = add_months(START, offset)
                turnover[(f"{month:%Y-%m}", rng.choice(["EUR", "EUR", "USD"]))] = str(rng.randint(1, 999))
            client_with_turnover(company, f"{company.legal_name} client {number}", turnover)
    for _ in range(25):
        first = add_months(START, rng.randint(-3, 30))
        period = Period("custom", first, add_months(first, rng.randint(0, 14)))
        assert from_table(top, period) == brute_force(top, period), period
