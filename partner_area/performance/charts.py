"""Geometry of the dashboard's server-side SVG charts. Templates only draw what is computed here.

The view boxes are phone-sized (360 wide), so text stays readable at 390 px and scales up on wider screens."""

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from partner_area.platform.formatting import compact, money

from .selectors import CurrencyFigures, TrendPoint

WIDTH = 360
TREND_HEIGHT = 210
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 46, 352, 12, 180
MAX_X_LABELS = 6


def nice_step(maximum: float, ticks: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 × 10ⁿ) so that `ticks` steps cover `maximum`."""
    if maximum <= 0:
        return 1.0
    raw = maximum / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def svg_number(value: float) -> str:
    """A coordinate for an SVG attribute: a dot as decimal separator whatever the language, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Bar:
    """A month's stacked bar; coordinates are strings ready for SVG attributes (never localised)."""

    x: str
    width: str
    direct_y: str
    direct_height: str
    indirect_y: str
    indirect_height: str
    in_period: bool
    label: str  # spoken and shown on hover: "Feb 2024: direct …, indirect …"


@dataclass(frozen=True)
class Tick:
    y: str
    label: str


@dataclass(frozen=True)
class MonthLabel:
    x: str
    label: str


@dataclass(frozen=True)
class TrendChart:
    currency: str
    bars: list[Bar]
    ticks: list[Tick]
    months: list[MonthLabel]
    points: list[TrendPoint]
    first_month: date
    last_month: date
    width: int = WIDTH
    height: int = TREND_HEIGHT
    plot_left: int = PLOT_LEFT
    plot_right: int = PLOT_RIGHT
    plot_bottom: int = PLOT_BOTTOM

    @property
    def has_outside_months(self) -> bool:
        return any(not bar.in_period for bar in self.bars)


# Django's Latvian "M" is English-looking (Jan, Mai): the charts use each language's own month abbreviations.
MONTH_ABBREVIATIONS = [
    pgettext_lazy("month abbreviation", "Jan"),
    pgettext_lazy("month abbreviation", "Feb"),
    pgettext_lazy("month abbreviation", "Mar"),
    pgettext_lazy("month abbreviation", "Apr"),
    pgettext_lazy("month abbreviation", "May"),
    pgettext_lazy("month abbreviation", "Jun"),
    pgettext_lazy("month abbreviation", "Jul"),
    pgettext_lazy("month abbreviation", "Aug"),
    pgettext_lazy("month abbreviation", "Sep"),
    pgettext_lazy("month abbreviation", "Oct"),
    pgettext_lazy("month abbreviation", "Nov"),
    pgettext_lazy("month abbreviation", "Dec"),
]


def month_label(month: date, with_year: bool = True) -> str:
    abbreviation = str(MONTH_ABBREVIATIONS[month.month - 1])
    return f"{abbreviation} {month.year}" if with_year else abbreviation


def trend_chart(*, currency: str, points: list[TrendPoint]) -> TrendChart:
    """Stacked monthly bars: direct at the bottom, indirect on top."""
    maximum = float(max((point.total for point in points), default=Decimal(0)))
    step = nice_step(maximum)
    top = step * max(1, math.ceil(maximum / step)) if maximum > 0 else step * 4
    scale = (PLOT_BOTTOM - PLOT_TOP) / top
    slot = (PLOT_RIGHT - PLOT_LEFT) / max(1, len(points))
    bar_width = max(2.0, slot * 0.68)
    bars = []
    for index, point in enumerate(points):
        direct_height = float(max(point.direct, 0)) * scale
        indirect_height = float(max(point.indirect, 0)) * scale
        bars.append(
            Bar(
                x=svg_number(PLOT_LEFT + index * slot + (slot - bar_width) / 2),
                width=svg_number(bar_width),
                direct_y=svg_number(PLOT_BOTTOM - direct_height),
                direct_height=svg_number(direct_height) if direct_height >= 0.005 else "",
                indirect_y=svg_number(PLOT_BOTTOM - direct_height - indirect_height),
                indirect_height=svg_number(indirect_height) if indirect_height >= 0.005 else "",
                in_period=point.in_period,
                label=_("%(month)s: direct %(direct)s, indirect %(indirect)s")
                % {
                    "month": month_label(point.month),
                    "direct": money(point.direct, currency, 0),
                    "indirect": money(point.indirect, currency, 0),
                },
            )
        )
    ticks = [
        Tick(y=svg_number(PLOT_BOTTOM - value * scale), label=compact(Decimal(str(value))))
        for value in (step * i for i in range(int(round(top / step)) + 1))
    ]
    every = max(1, math.ceil(len(points) / MAX_X_LABELS))
    months = [
        MonthLabel(x=svg_number(PLOT_LEFT + index * slot + slot / 2), label=month_label(point.month, with_year=False))
        for index, point in enumerate(points)
        if index % every == 0
    ]
    return TrendChart(
        currency=currency,
        bars=bars,
        ticks=ticks,
        months=months,
        points=points,
        first_month=points[0].month if points else date.today(),
        last_month=points[-1].month if points else date.today(),
    )


PART_LABELS = {
    "direct": _("Direct (own clients)"),
    "level_1": _("Level 1"),
    "level_2": _("Level 2"),
    "level_3_plus": _("Level 3+"),
}


@dataclass(frozen=True)
class ShareRow:
    part: str
    label: str
    amount: Decimal
    share: Decimal | None
    y: int
    width: str


@dataclass(frozen=True)
class ShareChart:
    currency: str
    rows: list[ShareRow]
    width: int = WIDTH
    row_height: int = 44
    bar_left: int = 0
    bar_max: int = 290

    @property
    def height(self) -> int:
        return self.row_height * len(self.rows)


def share_chart(*, figures: CurrencyFigures) -> ShareChart:
    """Horizontal bars: the share of direct, level 1, level 2 and level 3+ in the period's total turnover."""
    rows = []
    bar_max = ShareChart.bar_max
    for index, (part, amount, share) in enumerate(figures.level_shares):
        rows.append(
            ShareRow(
                part=part,
                label=str(PART_LABELS[part]),
                amount=amount,
                share=share,
                y=index * ShareChart.row_height,
                width=svg_number(max(0.0, float(share or 0)) / 100 * bar_max) if share else "",
            )
        )
    return ShareChart(currency=figures.currency, rows=rows)
