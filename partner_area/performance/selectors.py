"""Reads for the dashboard. A partner's own clients are named; its network below is only ever aggregated
(roll-ups per sub-partner), so an upline never sees a sub-partner's clients or invoices.

The number of queries does not depend on the size of the network: the partner's own figures come from its
roll-up rows, the sub-partner table (network.py) from one join over the closure table."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from django.db.models import Count, Exists, F, OuterRef, Q, Sum, Window
from django.db.models.functions import RowNumber

from partner_area.billing.selectors import CurrencyBalance, invoice_balances
from partner_area.companies.models import Company

from .models import Client, MonthlyTurnover, PartnerMonthlyRollup
from .network import (  # noqa: F401 - the sub-partner table is part of what the dashboard reads
    DEFAULT_SUB_PARTNER_SORT,
    SUB_PARTNER_SORTS,
    SubPartnerPage,
    SubPartnerRow,
    percent_change,
    sub_partner_list,
    sub_partner_page,
)
from .periods import Period, add_months

ZERO = Decimal("0")
TOP_CLIENTS = 10
MIN_TREND_MONTHS = 6  # a one-month period still shows where the month sits in a trend


@dataclass
class Turnover:
    """Turnover of one period in one currency, split the way the dashboard shows it."""

    direct: Decimal = ZERO
    level_1: Decimal = ZERO
    level_2: Decimal = ZERO
    level_3_plus: Decimal = ZERO

    @property
    def indirect(self) -> Decimal:
        return self.level_1 + self.level_2 + self.level_3_plus

    @property
    def total(self) -> Decimal:
        return self.direct + self.indirect

    def add(self, row: dict) -> None:
        self.direct += row["direct"]
        self.level_1 += row["level_1"]
        self.level_2 += row["level_2"]
        self.level_3_plus += row["level_3_plus"]


@dataclass
class CurrencyFigures:
    """The turnover tiles of one currency: this period, the one before and the same period a year earlier."""

    currency: str
    current: Turnover = field(default_factory=Turnover)
    previous: Turnover = field(default_factory=Turnover)
    year_earlier: Turnover = field(default_factory=Turnover)

    def change(self, part: str, against: str) -> Decimal | None:
        return percent_change(getattr(self.current, part), getattr(getattr(self, against), part))

    @property
    def changes(self) -> dict[str, dict[str, Decimal | None]]:
        return {
            part: {"previous": self.change(part, "previous"), "year_earlier": self.change(part, "year_earlier")}
            for part in ("direct", "indirect", "total")
        }

    @property
    def level_shares(self) -> list[tuple[str, Decimal, Decimal | None]]:
        """(part, amount, percent of the total) for direct, level 1, level 2 and level 3+."""
        total = self.current.total
        parts = [
            ("direct", self.current.direct),
            ("level_1", self.current.level_1),
            ("level_2", self.current.level_2),
            ("level_3_plus", self.current.level_3_plus),
        ]
        return [
            (part, amount, (amount / total * 100).quantize(Decimal("0.1")) if total else None) for part, amount in parts
        ]


@dataclass(frozen=True)
class TrendPoint:
    month: date
    direct: Decimal
    indirect: Decimal
    in_period: bool

    @property
    def total(self) -> Decimal:
        return self.direct + self.indirect


@dataclass(frozen=True)
class TopClient:
    name: str
    currency: str
    amount: Decimal


@dataclass
class DashboardFigures:
    """The partner's own figures are read on first use: a dashboard whose fragments come from the cache
    (fragments.py) never asks for them."""

    company: Company
    period: Period
    sub_partners: SubPartnerPage
    balances: list[CurrencyBalance]

    @cached_property
    def _turnover(self) -> tuple[list[CurrencyFigures], dict[str, list[TrendPoint]]]:
        return turnover_figures(company=self.company, period=self.period)

    @property
    def currencies(self) -> list[CurrencyFigures]:
        return self._turnover[0]

    @property
    def trend(self) -> dict[str, list[TrendPoint]]:
        return self._turnover[1]

    @cached_property
    def _client_counts(self) -> tuple[int, int]:
        return client_counts(company=self.company, period=self.period)

    @property
    def active_clients(self) -> int:
        return self._client_counts[0]

    @property
    def new_clients(self) -> int:
        return self._client_counts[1]

    @cached_property
    def top_clients(self) -> list[TopClient]:
        return top_clients(company=self.company, period=self.period)

    @property
    def trend_months(self) -> list[date]:
        first = next(iter(self.trend.values()), [])
        return [point.month for point in first]


def _trend_first_month(period: Period) -> date:
    return min(period.first_month, add_months(period.last_month, -(MIN_TREND_MONTHS - 1)))


def turnover_figures(*, company: Company, period: Period) -> tuple[list[CurrencyFigures], dict[str, list[TrendPoint]]]:
    """The partner's direct and indirect turnover per currency for the period, the period before and a year
    earlier, and the monthly trend: one query over its own roll-up rows."""
    trend_first = _trend_first_month(period)
    first = min(period.previous.first_month, period.year_earlier.first_month, trend_first)
    rows = (
        PartnerMonthlyRollup.objects.for_company(company)
        .filter(month__gte=first, month__lte=period.last_month)
        .values("month", "currency", "direct", "level_1", "level_2", "level_3_plus")
    )
    figures: dict[str, CurrencyFigures] = {}
    monthly: dict[str, dict[date, dict]] = defaultdict(dict)
    windows = (("current", period), ("previous", period.previous), ("year_earlier", period.year_earlier))
    for row in rows:
        currency_figures = figures.setdefault(row["currency"], CurrencyFigures(currency=row["currency"]))
        for name, window in windows:
            if window.first_month <= row["month"] <= window.last_month:
                getattr(currency_figures, name).add(row)
        monthly[row["currency"]][row["month"]] = row
    months, month = [], trend_first
    while month <= period.last_month:
        months.append(month)
        month = add_months(month, 1)
    ordered = sorted(figures.values(), key=lambda item: (-item.current.total, item.currency))
    trend = {}
    for item in ordered:
        by_month = monthly[item.currency]
        trend[item.currency] = [
            TrendPoint(
                month=month,
                direct=by_month.get(month, {}).get("direct", ZERO),
                indirect=sum(
                    (by_month.get(month, {}).get(key, ZERO) for key in ("level_1", "level_2", "level_3_plus")), ZERO
                ),
                in_period=month >= period.first_month,
            )
            for month in months
        ]
    return ordered, trend


def client_counts(*, company: Company, period: Period) -> tuple[int, int]:
    """(active, new) clients of the partner itself: with turnover in the period, and won in the period."""
    has_turnover = Exists(
        MonthlyTurnover.objects.for_company(company)
        .filter(client=OuterRef("pk"), month__gte=period.first_month, month__lte=period.last_month)
        .exclude(amount=0)
    )
    counts = Client.objects.for_company(company).aggregate(
        active=Count("pk", filter=has_turnover),
        new=Count("pk", filter=Q(created__gte=period.start, created__lte=period.end)),
    )
    return counts["active"], counts["new"]


def top_clients(*, company: Company, period: Period, limit: int = TOP_CLIENTS) -> list[TopClient]:
    """The partner's own best clients by turnover in the period: the first `limit` per currency."""
    ranked = (
        MonthlyTurnover.objects.for_company(company)
        .filter(month__gte=period.first_month, month__lte=period.last_month)
        .values("client_id", "client__name", "currency")
        .annotate(period_amount=Sum("amount"))
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("currency")], order_by=[F("period_amount").desc(), F("client__name")]
            )
        )
        .filter(rank__lte=limit, period_amount__gt=0)
        .order_by("currency", "rank")
    )
    return [
        TopClient(name=row["client__name"], currency=row["currency"], amount=row["period_amount"]) for row in ranked
    ]


def dashboard_figures(
    *,
    company: Company,
    period: Period,
    today: date,
    sort: str = DEFAULT_SUB_PARTNER_SORT,
    page: int = 1,
    with_balances: bool = True,
) -> DashboardFigures:
    """Everything the dashboard shows for a partner and a period, in a fixed number of queries.
    Invoice balances only for people who may also see the invoices (`with_balances`)."""
    return DashboardFigures(
        company=company,
        period=period,
        sub_partners=sub_partner_page(company=company, period=period, sort=sort, page=page),
        balances=invoice_balances(company=company, today=today) if with_balances else [],
    )
