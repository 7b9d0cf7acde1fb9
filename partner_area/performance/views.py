"""The partner dashboard: the page, its htmx partial and its CSV twin."""

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from partner_area.companies.access import partner_required
from partner_area.platform import formatting
from partner_area.platform.sections import Section

from .charts import share_chart, trend_chart
from .exports import dashboard_csv_response
from .forms import PeriodForm
from .network import SubPartnerPage
from .selectors import DashboardFigures, dashboard_figures


def _figures(request) -> tuple[PeriodForm, DashboardFigures]:
    form = PeriodForm(request.GET)
    today = timezone.localdate()
    figures = dashboard_figures(
        company=request.membership.company,
        period=form.resolve_period(today=today),
        today=today,
        sort=form.sub_partner_sort,
        page=form.sub_partner_page,
        with_balances=request.membership.has_section(Section.INVOICES),
    )
    return form, figures


def _charts(figures: DashboardFigures) -> list[dict]:
    return [
        {
            "trend": trend_chart(currency=item.currency, points=figures.trend[item.currency]),
            "share": share_chart(figures=item) if item.current.total else None,
        }
        for item in figures.currencies
    ]


def _query(form: PeriodForm, **changes) -> str:
    """The current query string with some parameters changed (None drops one)."""
    params = {key: value for key, value in form.data.items() if key in form.fields and value}
    params.update(changes)
    return urlencode({key: value for key, value in params.items() if value not in (None, "")})


SUB_PARTNER_COLUMNS = [
    ("name", _("Partner")),
    ("level", _("Level")),
    ("direct", _("Direct")),
    ("indirect", _("Indirect")),
    ("total", _("Total")),
    ("change", pgettext_lazy("turnover against the period before", "Change")),
]


def _sort_columns(form: PeriodForm, current: str) -> list[dict]:
    """The sub-partner table's headers: each links to sorting by it (toggling the direction when it is the
    current sort; names and levels start ascending, amounts descending) and says how it is sorted now."""
    columns = []
    for key, label in SUB_PARTNER_COLUMNS:
        if current.lstrip("-") == key:
            next_sort = key if current.startswith("-") else f"-{key}"
            state = "descending" if current.startswith("-") else "ascending"
        else:
            next_sort, state = (key if key in ("name", "level") else f"-{key}"), "none"
        columns.append(
            {
                "label": label,
                "numeric": key != "name",
                "query": _query(form, sort=next_sort, page=None),
                "aria_sort": state,
            }
        )
    return columns


def _trend(change) -> str:
    if not change:
        return "flat"
    return "up" if change > 0 else "down"


def _sub_partner_rows(pages: SubPartnerPage) -> list[dict]:
    """The page's rows formatted once, here: the template only places strings (a filter per cell in a loop of
    25 rows cost more than the query behind them)."""
    rows, heading = [], object()
    no_turnover = str(_("No turnover"))
    for row in pages.rows:
        group = None
        if pages.grouped_by_currency and row.currency != heading:
            heading = row.currency
            group = row.currency or no_turnover
        change = row.change if row.currency else None
        rows.append(
            {
                "group": group,
                "name": row.name,
                "level": row.level,
                "currency": row.currency,
                "direct": formatting.money(row.direct, row.currency),
                "indirect": formatting.money(row.indirect, row.currency),
                "total": formatting.money(row.total, row.currency),
                "change": formatting.percent(change) or "—",
                "trend": _trend(change),
            }
        )
    return rows


def _sub_partner_labels() -> dict:
    """The cells' data-labels (the table's stacked layout on small screens), translated once per page."""
    labels = {key: str(label) for key, label in SUB_PARTNER_COLUMNS}
    return {**labels, "turnover": str(_("Turnover")), "no_turnover": str(_("No turnover"))}


@require_GET
@partner_required(section=Section.DASHBOARD)
@vary_on_headers("HX-Request")
def dashboard(request):
    """Direct and indirect turnover for a period, the network below, clients and what is still to pay."""
    form, figures = _figures(request)
    if request.htmx and form.waiting_for_dates and not request.htmx.history_restore_request:
        return HttpResponse(status=204)  # htmx leaves the figures alone until both dates are there
    pages = figures.sub_partners
    context = {
        "form": form,
        "figures": figures,
        "membership": request.membership,
        "charts": lambda: _charts(figures),  # called by the template only when the fragment is not cached
        "sort_columns": _sort_columns(form, pages.sort),
        "sub_partner_rows": _sub_partner_rows(pages),
        "sub_partner_labels": _sub_partner_labels(),
        "balances_visible": request.membership.has_section(Section.INVOICES),
        "csv_query": _query(form, page=None),
        "previous_page_query": _query(form, page=pages.page - 1) if pages.has_previous else "",
        "next_page_query": _query(form, page=pages.page + 1) if pages.has_next else "",
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "performance/_dashboard.html" if partial else "performance/dashboard.html"
    return render(request, template, context)


@require_GET
@partner_required(section=Section.DASHBOARD)
def dashboard_csv(request):
    """The figures the dashboard shows for the same query, as a spreadsheet-friendly CSV."""
    form, figures = _figures(request)
    return dashboard_csv_response(figures=figures, sort=form.sub_partner_sort)
