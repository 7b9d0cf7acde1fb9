"""The dashboard as a CSV download (the CSV rules: partner_area/platform/csvfiles.py)."""

from collections.abc import Iterable

from django.http import HttpResponse
from django.utils.translation import gettext as _

from partner_area.platform.csvfiles import csv_date, csv_response
from partner_area.platform.formatting import csv_number

from .selectors import DashboardFigures, sub_partner_list

PART_LABELS = {
    "direct": lambda: _("Direct"),
    "indirect": lambda: _("Indirect"),
    "level_1": lambda: _("Level 1"),
    "level_2": lambda: _("Level 2"),
    "level_3_plus": lambda: _("Level 3+"),
    "total": lambda: _("Total"),
}


def dashboard_rows(figures: DashboardFigures, *, sort: str) -> Iterable[list]:
    """The dashboard's figures as CSV blocks: turnover, clients, top clients, sub-partners, invoices."""
    period = figures.period
    yield [_("Dashboard"), figures.company.legal_name]
    yield [_("Period"), csv_date(period.start), csv_date(period.end)]
    yield [_("Previous period"), csv_date(period.previous.start), csv_date(period.previous.end)]
    yield [_("Same period a year earlier"), csv_date(period.year_earlier.start), csv_date(period.year_earlier.end)]
    yield []
    yield [
        _("Turnover"), _("Currency"), _("This period"), _("Previous period"), _("Change, %"),
        _("Same period a year earlier"), _("Change, %"),
    ]  # fmt: skip
    for item in figures.currencies:
        for part in ("direct", "level_1", "level_2", "level_3_plus", "indirect", "total"):
            current = getattr(item.current, part)
            previous, year_earlier = getattr(item.previous, part), getattr(item.year_earlier, part)
            yield [
                PART_LABELS[part](), item.currency, csv_number(current), csv_number(previous),
                csv_number(item.change(part, "previous"), 1), csv_number(year_earlier),
                csv_number(item.change(part, "year_earlier"), 1),
            ]  # fmt: skip
    yield []
    yield [_("Active clients"), figures.active_clients]
    yield [_("New clients"), figures.new_clients]
    yield []
    yield [_("Top clients"), _("Currency"), _("Turnover")]
    for client in figures.top_clients:
        yield [client.name, client.currency, csv_number(client.amount)]
    yield []
    yield [_("Sub-partner"), _("Level"), _("Currency"), _("Direct"), _("Indirect"), _("Total"), _("Change, %")]
    for row in sub_partner_list(company=figures.company, period=period, sort=sort):
        yield [
            row.name, row.level, row.currency or "", csv_number(row.direct), csv_number(row.indirect),
            csv_number(row.total), csv_number(row.change, 1),
        ]  # fmt: skip
    yield []
    yield [_("Invoices"), _("Currency"), _("Outstanding"), _("Overdue"), _("Overdue invoices")]
    for balance in figures.balances:
        yield [
            _("Invoices"), balance.currency, csv_number(balance.outstanding), csv_number(balance.overdue),
            balance.overdue_count,
        ]  # fmt: skip


def dashboard_csv_response(*, figures: DashboardFigures, sort: str) -> HttpResponse:
    period = figures.period
    filename = f"dashboard-{period.start:%Y-%m}-{period.end:%Y-%m}.csv"
    return csv_response(filename=filename, rows=dashboard_rows(figures, sort=sort))
