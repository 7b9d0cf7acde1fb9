"""The partner's invoices: the filtered list (with its htmx partial and CSV twin) and one invoice."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from partner_area.organizations.access import partner_required
from partner_area.organizations.models import Section

from .exports import invoices_csv_response
from .forms import InvoiceFilterForm
from .selectors import invoice_balances, invoice_get, invoice_list, invoice_totals

PER_PAGE = 25
COLUMNS = [
    ("number", _("Number"), False),
    ("invoice_date", _("Issued"), False),
    ("due_date", _("Due"), False),
    (None, _("Status"), False),
    ("total", _("Total"), True),
    ("balance", _("Balance"), True),
]


def _query(form: InvoiceFilterForm, **changes) -> str:
    params = {key: value for key, value in form.data.items() if key in form.fields and value}
    params.update(changes)
    return urlencode({key: value for key, value in params.items() if value not in (None, "")})


def _columns(form: InvoiceFilterForm, current: str) -> list[dict]:
    columns = []
    for key, label, numeric in COLUMNS:
        column = {"label": label, "numeric": numeric, "query": None, "aria_sort": None}
        if key:
            if current.lstrip("-") == key:
                next_sort = key if current.startswith("-") else f"-{key}"
                column["aria_sort"] = "descending" if current.startswith("-") else "ascending"
            else:
                next_sort, column["aria_sort"] = (key if key == "number" else f"-{key}"), "none"
            column["query"] = _query(form, sort=next_sort, page=None)
        columns.append(column)
    return columns


@require_GET
@partner_required(section=Section.INVOICES)
@vary_on_headers("HX-Request")
def invoice_index(request):
    """The list with a summary per currency above it and the totals of the filtered rows below it."""
    company, today = request.membership.company, timezone.localdate()
    balances = invoice_balances(company=company, today=today)
    form = InvoiceFilterForm(request.GET, currencies=[balance.currency for balance in balances])
    filters = form.filters()
    invoices = invoice_list(company=company, filters=filters, today=today)
    page = Paginator(invoices, PER_PAGE).get_page(form.page_number)
    rows = [
        {"invoice": invoice, "status": invoice.status_on(today), "partly_paid": 0 < invoice.balance < invoice.total}
        for invoice in page.object_list
    ]
    context = {
        "form": form,
        "filters": filters,
        "balances": balances,
        "page": page,
        "rows": rows,
        "today": today,
        "totals": invoice_totals(invoices=invoices) if page.paginator.count else [],
        "columns": _columns(form, filters.sort),
        "csv_query": _query(form, page=None),
        "previous_page_query": _query(form, page=page.previous_page_number()) if page.has_previous() else "",
        "next_page_query": _query(form, page=page.next_page_number()) if page.has_next() else "",
    }
    partial = request.htmx and not request.htmx.history_restore_request
    return render(request, "billing/_invoice_results.html" if partial else "billing/invoice_list.html", context)


@require_GET
@partner_required(section=Section.INVOICES)
def invoice_detail(request, invoice_id: int):
    """One invoice: header, lines as far as the ERP sent them, and a print view."""
    invoice = invoice_get(company=request.membership.company, invoice_id=invoice_id)
    lines = list(invoice.lines.all())
    today = timezone.localdate()
    return render(
        request,
        "billing/invoice_detail.html",
        {
            "invoice": invoice,
            "lines": lines,
            "status": invoice.status_on(today),
            "paid": invoice.total - invoice.balance,
        },
    )


@require_GET
@partner_required(section=Section.INVOICES)
def invoices_csv(request):
    """The filtered list as CSV (every page)."""
    company, today = request.membership.company, timezone.localdate()
    balances = invoice_balances(company=company, today=today)
    form = InvoiceFilterForm(request.GET, currencies=[balance.currency for balance in balances])
    invoices = invoice_list(company=company, filters=form.filters(), today=today)
    return invoices_csv_response(invoices=invoices, today=today)
