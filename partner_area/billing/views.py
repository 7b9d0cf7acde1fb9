"""The partner's invoices: the filtered list (with its htmx partial and CSV twin), one invoice, and the form
that reports a payment of it."""

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from partner_area.companies.access import partner_required
from partner_area.platform import formatting
from partner_area.platform.ports.erp import erp_is_configured
from partner_area.platform.ratelimits import limit_posts
from partner_area.platform.sections import Section

from .exports import invoices_csv_response
from .forms import InvoiceFilterForm, PaymentNoticeForm
from .models import PaymentNoticeStatus
from .paging import CountedPaginator
from .selectors import (
    invoice_balances,
    invoice_figures,
    invoice_get,
    invoice_list,
    invoice_list_totals,
    payment_notices_for,
    with_payment_reported,
)
from .services import invoice_accepts_payment_notice, payment_notice_report, pending_notices_total

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


STATUS_BADGES = {
    "paid": ("badge badge--success", _("Paid")),
    "overdue": ("badge badge--danger", _("Overdue")),
    "cancelled": ("badge", _("Cancelled")),
}
UNPAID_BADGE = ("badge badge--warning", _("Unpaid"))


def _short_date(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else "—"


def _invoice_rows(invoices, *, today) -> list[dict]:
    """The page's rows formatted once, here: the template only places strings (a filter, a translation and an
    include per cell cost more than the query behind the page)."""
    badges = {status: (css, str(label)) for status, (css, label) in STATUS_BADGES.items()}
    unpaid = (UNPAID_BADGE[0], str(UNPAID_BADGE[1]))
    rows = []
    for invoice in invoices:
        status = invoice.status_on(today)
        badge_class, badge_label = badges.get(status, unpaid)
        rows.append(
            {
                "url": reverse("partner:invoice_detail", args=[invoice.pk]),
                "number": invoice.number,
                "issued": _short_date(invoice.invoice_date),
                "due": _short_date(invoice.due_date),
                "badge_class": badge_class,
                "badge_label": badge_label,
                "partly_paid": 0 < invoice.balance < invoice.total,
                "payment_reported": invoice.payment_reported,
                "total": formatting.money(invoice.total, invoice.currency),
                "balance": formatting.money(invoice.balance, invoice.currency),
            }
        )
    return rows


def _cell_labels() -> dict[str, str]:
    """The cells' data-labels (the table's stacked layout on small screens), translated once per page."""
    labels = {"status": str(_("Status"))} | {key: str(label) for key, label, _numeric in COLUMNS if key}
    return labels | {"partly_paid": str(_("partly paid")), "payment_reported": str(_("payment reported"))}


@require_GET
@partner_required(section=Section.INVOICES)
@vary_on_headers("HX-Request")
def invoice_index(request):
    """The list with a summary per currency above it and the totals of the filtered rows below it."""
    company, today = request.membership.company, timezone.localdate()
    balances = invoice_figures(company=company, today=today).balances
    form = InvoiceFilterForm(
        request.GET, currencies=[balance.currency for balance in balances], refuse_reversed_dates=True
    )
    filters = form.filters()
    invoices = invoice_list(company=company, filters=filters, today=today)
    totals = invoice_list_totals(company=company, filters=filters, invoices=invoices, today=today)
    count = sum(item.count for item in totals)
    page = CountedPaginator(with_payment_reported(invoices), PER_PAGE, count=count).get_page(form.page_number)
    rows = _invoice_rows(page.object_list, today=today)
    context = {
        "form": form,
        "filters": filters,
        "balances": balances,
        "page": page,
        "rows": rows,
        "cell_labels": _cell_labels(),
        "today": today,
        "totals": totals,
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
    company = request.membership.company
    invoice = invoice_get(company=company, invoice_id=invoice_id)
    lines = list(invoice.lines.all())
    # Line amounts are before tax; the invoice's total includes it, so the difference is the tax of the lines.
    subtotal = sum((line.amount for line in lines), Decimal(0))
    notices = list(payment_notices_for(company=company, invoice=invoice))
    today = timezone.localdate()
    return render(
        request,
        "billing/invoice_detail.html",
        {
            "invoice": invoice,
            "lines": lines,
            "subtotal": subtotal,
            "tax": invoice.total - subtotal if lines else 0,
            "status": invoice.status_on(today),
            "paid": invoice.total - invoice.balance,
            "notices": notices,
            "payment_reported": any(notice.is_pending for notice in notices),
            # The payment summary follows the notices' states: waiting for staff, confirmed, or being checked.
            "payment_waiting": any(notice.status == PaymentNoticeStatus.REPORTED for notice in notices),
            "payment_confirmed": any(notice.status == PaymentNoticeStatus.CONFIRMED for notice in notices),
            "payment_checked": any(notice.status == PaymentNoticeStatus.CONFLICT for notice in notices),
            "erp_configured": erp_is_configured(),
            "can_report_payment": invoice_accepts_payment_notice(
                invoice, reported=sum(notice.amount for notice in notices if notice.is_pending)
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@partner_required(section=Section.INVOICES)
@limit_posts("RATELIMIT_PAYMENT_REPORTS", "ip", "user")
def invoice_payment_report(request, invoice_id: int):
    """The partner reports a payment of an unpaid or overdue invoice; finance staff confirm it."""
    invoice = invoice_get(company=request.membership.company, invoice_id=invoice_id)
    reported = pending_notices_total(invoice=invoice)
    open_invoice = invoice_accepts_payment_notice(invoice, reported=reported)
    form = PaymentNoticeForm(
        request.POST or None,
        request.FILES or None,
        invoice=invoice,
        reported=reported,
        initial={"paid_on": timezone.localdate()},
    )
    if request.method == "POST" and open_invoice and form.is_valid():
        try:
            payment_notice_report(membership=request.membership, invoice=invoice, request=request, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Thank you. Your payment is reported; we will confirm it once it reaches our account."),
            )
            return redirect("partner:invoice_detail", invoice_id=invoice.pk)
    return render(
        request,
        "billing/payment_report.html",
        {
            "invoice": invoice,
            "form": form,
            "open_invoice": open_invoice,
            "reported": reported,
        },
    )


@require_GET
@partner_required(section=Section.INVOICES)
def invoices_csv(request):
    """The filtered list as CSV (every page)."""
    company, today = request.membership.company, timezone.localdate()
    balances = invoice_balances(company=company, today=today)
    form = InvoiceFilterForm(
        request.GET, currencies=[balance.currency for balance in balances], refuse_reversed_dates=True
    )  # the same rows as the page shows
    invoices = invoice_list(company=company, filters=form.filters(), today=today)
    return invoices_csv_response(invoices=invoices, today=today)
