"""Reporting periods. Turnover is monthly, so every period is a run of whole calendar months."""

import calendar
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodChoice(models.TextChoices):
    THIS_MONTH = "this_month", _("This month")
    LAST_MONTH = "last_month", _("Last month")
    QUARTER = "quarter", _("This quarter")
    YEAR_TO_DATE = "year_to_date", _("Year to date")
    LAST_12_MONTHS = "last_12_months", _("Last 12 months")
    CUSTOM = "custom", _("Custom range")


DEFAULT_PERIOD = PeriodChoice.LAST_12_MONTHS
MAX_MONTHS = 60  # a custom range longer than five years is cut to its last five years


def add_months(month: date, count: int) -> date:
    """The first day of the month `count` months after (or before) the month of `month`."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def months_between(first: date, last: date) -> int:
    """How many months from the month of `first` to the month of `last`, both included."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


@dataclass(frozen=True)
class Period:
    """A run of months from `first_month` to `last_month` (first days), both included; `until` is today when the
    period runs into the current month, so it never ends in the future."""

    key: str
    first_month: date
    last_month: date
    until: date | None = None

    @property
    def start(self) -> date:
        return self.first_month

    @property
    def end(self) -> date:
        """The last day of the period (29 February in a leap year's February), or today in the current month."""
        last_day = month_end(self.last_month)
        return min(last_day, self.until) if self.until else last_day

    @property
    def is_partial(self) -> bool:
        """The last month is the current one, counted so far."""
        return self.end != month_end(self.last_month)

    @property
    def month_count(self) -> int:
        return months_between(self.first_month, self.last_month)

    @property
    def months(self) -> list[date]:
        return [add_months(self.first_month, offset) for offset in range(self.month_count)]

    @property
    def label(self) -> str:
        return PeriodChoice(self.key).label

    def shifted(self, months: int) -> "Period":
        """The same months earlier or later; turnover is monthly, so a shifted period has whole months."""
        return Period(self.key, add_months(self.first_month, months), add_months(self.last_month, months))

    @property
    def previous(self) -> "Period":
        """The same number of months straight before."""
        return self.shifted(-self.month_count)

    @property
    def year_earlier(self) -> "Period":
        return self.shifted(-12)

    @property
    def previous_is_year_earlier(self) -> bool:
        """A twelve-month period's previous period is the same period a year earlier: one comparison, not two."""
        return self.month_count == 12


def period_resolve(*, key: str | None, today: date, start: date | None = None, end: date | None = None) -> Period:
    """The period a partner chose; an unknown choice or an incomplete custom range falls back to the default."""
    this_month = today.replace(day=1)
    if key == PeriodChoice.CUSTOM and start and end:
        first, last = sorted((start.replace(day=1), end.replace(day=1)))
        last = min(last, this_month)  # the future has no figures yet
        first = min(first, last)
        if months_between(first, last) > MAX_MONTHS:
            first = add_months(last, -(MAX_MONTHS - 1))
        return Period(PeriodChoice.CUSTOM, first, last, until=today)
    if key == PeriodChoice.THIS_MONTH:
        return Period(key, this_month, this_month, until=today)
    if key == PeriodChoice.LAST_MONTH:
        last_month = add_months(this_month, -1)
        return Period(key, last_month, last_month)
    if key == PeriodChoice.QUARTER:
        return Period(key, this_month.replace(month=(today.month - 1) // 3 * 3 + 1), this_month, until=today)
    if key == PeriodChoice.YEAR_TO_DATE:
        return Period(key, this_month.replace(month=1), this_month, until=today)
    return Period(PeriodChoice.LAST_12_MONTHS, add_months(this_month, -11), this_month, until=today)
