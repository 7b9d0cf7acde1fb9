"""Reads of a partner's invoices. Everything goes through `Invoice.objects.for_company`, so another company's
invoice is not found, and status is computed at read time from the due date and balance.

The figures per currency over all of a partner's invoices (what is outstanding and overdue, and the count and
sums of the unfiltered list) are one aggregate kept in the cache per company and day: the invoice list, the
dashboard and the home read it on every request, and it changes only when the company's invoices do. Every
write path forgets it (services.invoice_figures_forget: the ERP pull, a payment recorded, a model save or delete);
a filtered list adds one aggregate of its own rows."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, DecimalField, Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from partner_area.companies.models import Company

from .models import PENDING_NOTICE_STATUSES, ErpInvoiceState, Invoice, InvoiceStatus, PaymentNotice

SORTS = {
    "number": ("number", "id"),
    "invoice_date": ("invoice_date", "id"),
    "due_date": ("due_date", "id"),
    "total": ("total", "id"),
    "balance": ("balance", "id"),
}
DEFAULT_SORT = "-invoice_date"
OPEN = "open"  # a filter, not a status: unpaid and overdue together (what is still to pay)
ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=16, decimal_places=2))
FIGURES_CACHE_SECONDS = 6 * 3600  # a safety net only: every write path forgets the figures at once


def invoice_figures_cache_key(company_id: int) -> str:
    return f"billing:invoice-figures:{company_id}"


@dataclass(frozen=True)
class InvoiceFilters:
    """What a partner narrowed the list to. Empty values mean no filter."""

    status: str = ""
    date_from: date | None = None
    date_to: date | None = None
    currency: str = ""
    number: str = ""
    sort: str = DEFAULT_SORT

    @property
    def is_filtered(self) -> bool:
        return bool(self.status or self.date_from or self.date_to or self.currency or self.number)


@dataclass
class CurrencyBalance:
    currency: str
    outstanding: Decimal = Decimal("0")
    overdue: Decimal = Decimal("0")
    overdue_count: int = 0
    open_count: int = 0


@dataclass
class CurrencyTotals:
    currency: str
    count: int = 0
    total: Decimal = Decimal("0")
    balance: Decimal = Decimal("0")


def _open_q() -> Q:
    return Q(erp_state=ErpInvoiceState.POSTED, balance__gt=0)


def status_q(status: str, *, today: date) -> Q:
    """The rows whose computed status (Invoice.status_on) is `status` on `today`."""
    overdue = _open_q() & Q(due_date__lt=today)
    if status == OPEN:
        return _open_q()
    if status == InvoiceStatus.OVERDUE:
        return overdue
    if status == InvoiceStatus.UNPAID:
        return _open_q() & ~Q(due_date__lt=today)
    if status == InvoiceStatus.PAID:
        return Q(erp_state=ErpInvoiceState.PAID) | Q(erp_state=ErpInvoiceState.POSTED, balance__lte=0)
    if status == InvoiceStatus.CANCELLED:
        return Q(erp_state=ErpInvoiceState.CANCELLED)
    return Q()


def invoices_for(*, company: Company) -> QuerySet[Invoice]:
    """The invoices a partner sees: its own, posted, paid or cancelled."""
    return Invoice.objects.for_company(company).visible()


def invoice_list(*, company: Company, filters: InvoiceFilters, today: date) -> QuerySet[Invoice]:
    """A partner's invoices narrowed by the filters and sorted; lines are not loaded."""
    invoices = invoices_for(company=company).filter(status_q(filters.status, today=today))
    if filters.date_from:
        invoices = invoices.filter(invoice_date__gte=filters.date_from)
    if filters.date_to:
        invoices = invoices.filter(invoice_date__lte=filters.date_to)
    if filters.currency:
        invoices = invoices.filter(currency=filters.currency)
    if filters.number:
        invoices = invoices.filter(number__icontains=filters.number)
    descending = filters.sort.startswith("-")
    fields = SORTS.get(filters.sort.lstrip("-"), SORTS["invoice_date"])
    return invoices.order_by(*[f"-{name}" if descending else name for name in fields])


def invoice_get(*, company: Company, invoice_id: int) -> Invoice:
    """One of the partner's invoices with its lines; 404 for missing and foreign ids alike."""
    invoice = invoices_for(company=company).filter(pk=invoice_id).prefetch_related("lines").first()
    if invoice is None:
        raise Http404("No such invoice")
    return invoice


def _totals(rows) -> list["CurrencyTotals"]:
    return [
        CurrencyTotals(currency=row["currency"], count=row["count"], total=row["total_sum"], balance=row["balance_sum"])
        for row in rows
        if row["count"]
    ]


def invoice_totals(*, invoices: QuerySet[Invoice]) -> list[CurrencyTotals]:
    """Count, total and balance of these invoices per currency (never summed across currencies)."""
    rows = (
        invoices.order_by()
        .values("currency")
        .annotate(count=Count("pk"), total_sum=Coalesce(Sum("total"), ZERO), balance_sum=Coalesce(Sum("balance"), ZERO))
        .order_by("currency")
    )
    return _totals(rows)


@dataclass(frozen=True)
class InvoiceFigures:
    """Per currency: the balances of all of a partner's invoices and the totals of its unfiltered list."""

    today: date
    balances: list[CurrencyBalance]
    totals: list[CurrencyTotals]

    @property
    def count(self) -> int:
        return sum(item.count for item in self.totals)


def _figures_query(*, company: Company, today: date) -> InvoiceFigures:
    overdue = _open_q() & Q(due_date__lt=today)
    rows = list(
        invoices_for(company=company)
        .order_by()
        .values("currency")
        .annotate(
            outstanding=Coalesce(Sum("balance", filter=_open_q()), ZERO),
            overdue_sum=Coalesce(Sum("balance", filter=overdue), ZERO),
            overdue_count=Count("pk", filter=overdue),
            open_count=Count("pk", filter=_open_q()),
            count=Count("pk"),
            total_sum=Coalesce(Sum("total"), ZERO),
            balance_sum=Coalesce(Sum("balance"), ZERO),
        )
        .order_by("currency")
    )
    balances = [
        CurrencyBalance(
            currency=row["currency"], outstanding=row["outstanding"], overdue=row["overdue_sum"],
            overdue_count=row["overdue_count"], open_count=row["open_count"],
        )
        for row in rows
    ]  # fmt: skip
    return InvoiceFigures(today=today, balances=balances, totals=_totals(rows))


def invoice_figures(*, company: Company, today: date) -> InvoiceFigures:
    """The partner's balances and unfiltered totals per currency: from the cache, or one aggregate query."""
    key = invoice_figures_cache_key(company.pk)
    figures = cache.get(key)
    if not isinstance(figures, InvoiceFigures) or figures.today != today:
        figures = _figures_query(company=company, today=today)
        cache.set(key, figures, FIGURES_CACHE_SECONDS)
    return figures


def invoice_balances(*, company: Company, today: date) -> list[CurrencyBalance]:
    """Outstanding and overdue amounts and the number of overdue invoices per currency (cached, see above).
    Every currency the partner was ever invoiced in is listed, so the filter can offer it."""
    return invoice_figures(company=company, today=today).balances


def invoice_list_totals(
    *, company: Company, filters: InvoiceFilters, invoices: QuerySet[Invoice], today: date
) -> list[CurrencyTotals]:
    """The totals below the list: the cached ones when nothing is filtered, else one aggregate of the rows."""
    if not filters.is_filtered:
        return invoice_figures(company=company, today=today).totals
    return invoice_totals(invoices=invoices)


def with_payment_reported(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Adds `payment_reported`: a partner reported a payment the ERP has not recorded yet (no extra query)."""
    # unscoped: correlated to invoices the caller already scoped; a notice belongs to its invoice's company
    pending = PaymentNotice.unscoped.filter(invoice=OuterRef("pk"), status__in=PENDING_NOTICE_STATUSES)
    return invoices.annotate(payment_reported=Exists(pending))


def payment_notices_for(*, company: Company, invoice: Invoice) -> QuerySet[PaymentNotice]:
    """The payment notices of one of the partner's invoices, newest first."""
    return PaymentNotice.objects.for_company(company).filter(invoice=invoice).order_by("-created_at", "-id")


def invoice_payment_reported(*, invoice: Invoice) -> bool:
    """A partner reported a payment of this invoice that the ERP has not recorded yet."""
    return invoice.payment_notices.filter(status__in=PENDING_NOTICE_STATUSES).exists()
