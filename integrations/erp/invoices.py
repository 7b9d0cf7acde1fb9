"""Invoices between the portal and the ERP: validate and upsert what the ERP sends; deliver confirmed payments."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction

from partner_area.billing.models import ErpInvoiceState, Invoice, InvoiceLine, PaymentNotice, PaymentNoticeStatus
from partner_area.billing.services import (
    invoice_figures_forget,
    payment_notice_mark_recorded,
    payment_notice_park_conflict,
)
from partner_area.companies.selectors import companies_by_erp_id
from partner_area.platform.outbox import handler
from partner_area.platform.ports.erp import ErpGateway, ErpInvoice

from .models import OutboxMessage
from .outbox import KEY

MAX_AMOUNT = Decimal("999999999999.99")
MAX_LINE_FIGURE = Decimal("9999999999.9999")  # quantity and unit price: 14 digits, 4 of them decimals
MAX_LINES = 1000  # per invoice
CENT, TEN_THOUSANDTH = Decimal("0.01"), Decimal("0.0001")


class InvalidRecord(ValueError):
    def __init__(self, errors: dict):
        super().__init__(errors)
        self.errors = errors


def _amount(value, errors: dict, field: str, *, limit: Decimal = MAX_AMOUNT, places: Decimal = CENT) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        errors[field] = "not a number"
        return None
    if not amount.is_finite() or abs(amount) > limit:
        errors[field] = "out of range"
        return None
    return amount.quantize(places)


def _lines_validate(erp: ErpInvoice, errors: dict) -> list[dict] | None:
    """The lines' fields as the portal stores them (None: the ERP did not send lines); bad ones named in errors."""
    if erp.lines is None:
        return None
    if len(erp.lines) > MAX_LINES:
        errors["lines"] = f"more than {MAX_LINES} lines"
        return None
    lines = []
    for position, line in enumerate(erp.lines):
        line_errors: dict[str, str] = {}
        values = {
            "position": position,
            "description": str(line.description or "").strip()[:500],
            "quantity": _amount(line.quantity, line_errors, "quantity", limit=MAX_LINE_FIGURE, places=TEN_THOUSANDTH),
            "unit_price": _amount(
                line.unit_price, line_errors, "unit_price", limit=MAX_LINE_FIGURE, places=TEN_THOUSANDTH
            ),
            "amount": _amount(line.amount, line_errors, "amount"),
            "taxes": ", ".join(str(tax).strip() for tax in line.taxes if str(tax).strip())[:200],
        }
        for field, error in line_errors.items():
            errors[f"lines[{position}].{field}"] = error
        lines.append(values)
    return lines


def _invoice_record(erp: ErpInvoice) -> tuple[dict, list[dict] | None]:
    """The invoice's fields and lines as the portal stores them, or InvalidRecord naming each bad field."""
    errors: dict[str, str] = {}
    if not erp.erp_id or len(str(erp.erp_id)) > 64:
        errors["erp_id"] = "missing or too long"
    number = (erp.number or "").strip()
    if not number or len(number) > 64:
        errors["number"] = "missing or longer than 64 characters"
    currency = (erp.currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        errors["currency"] = "not a three-letter currency code"
    for field in ("invoice_date", "due_date"):
        value = getattr(erp, field)
        if value is not None and not isinstance(value, date):
            errors[field] = "not a date"
    if erp.state not in ErpInvoiceState.values:
        errors["state"] = f"unknown state {erp.state!r}"
    total = _amount(erp.total, errors, "total")
    balance = _amount(erp.amount_to_pay, errors, "amount_to_pay")
    if total is not None and balance is not None and balance > total and total >= 0:
        errors["amount_to_pay"] = "greater than the total"
    lines = _lines_validate(erp, errors)
    if errors:
        raise InvalidRecord(errors)
    values = {
        "number": number,
        "invoice_date": erp.invoice_date,
        "due_date": erp.due_date,
        "currency": currency,
        "total": total,
        "balance": balance,
        "erp_state": erp.state,
        "erp_changed_at": erp.changed_at,
    }
    return values, lines


def invoice_validate(erp: ErpInvoice) -> dict:
    """The invoice's fields as the portal stores them, or InvalidRecord naming each bad field (lines included)."""
    return _invoice_record(erp)[0]


def _lines_replace(lines_by_invoice: dict[int, list[dict]]) -> None:
    """Replace the stored lines of these invoices (by pk) with the ERP's: two statements however many invoices."""
    if not lines_by_invoice:
        return
    InvoiceLine.unscoped.filter(invoice_id__in=lines_by_invoice).delete()
    InvoiceLine.unscoped.bulk_create(
        InvoiceLine(invoice_id=invoice_id, **line) for invoice_id, lines in lines_by_invoice.items() for line in lines
    )


@transaction.atomic
def invoice_apply(erp: ErpInvoice) -> Invoice | None:
    """Create or update the portal's copy of an ERP invoice and its lines; invoices of companies the portal does
    not know are ignored. Idempotent: applying the same record twice changes nothing."""
    values, lines = _invoice_record(erp)
    company_id = companies_by_erp_id([erp.company_erp_id]).get(erp.company_erp_id)
    if company_id is None:
        return None
    invoice, _ = Invoice.unscoped.update_or_create(
        erp_id=str(erp.erp_id), defaults={**values, "company_id": company_id}
    )
    if lines is not None:
        _lines_replace({invoice.pk: lines})
    return invoice


def invoices_apply_page(records: list[ErpInvoice]) -> tuple[int, list[tuple[ErpInvoice, dict]]]:
    """Apply a page of invoices with their lines in a few queries, however many: validate each, look up their
    companies at once, upsert the invoices in one statement and replace their lines in two. Returns (applied
    count, [(record, errors)] for the rejected ones)."""
    rejected, valid = [], []
    for record in records:
        try:
            valid.append((record, *_invoice_record(record)))
        except InvalidRecord as error:
            rejected.append((record, error.errors))
    company_ids = companies_by_erp_id(record.company_erp_id for record, _, _ in valid)
    rows, lines = {}, {}
    for record, values, record_lines in valid:
        if record.company_erp_id in company_ids:
            erp_id = str(record.erp_id)
            rows[erp_id] = Invoice(erp_id=erp_id, company_id=company_ids[record.company_erp_id], **values)
            if record_lines is not None:
                lines[erp_id] = record_lines
            else:
                lines.pop(erp_id, None)
    with transaction.atomic():
        moved_from = list(Invoice.unscoped.filter(erp_id__in=rows).values_list("company_id", flat=True).distinct())
        # PostgreSQL and SQLite give each row its primary key back, updated rows included.
        Invoice.unscoped.bulk_create(
            rows.values(),
            update_conflicts=True,
            unique_fields=["erp_id"],
            update_fields=["company", *invoice_fields_from_erp()],
        )
        pks = {erp_id: row.pk for erp_id, row in rows.items() if row.pk is not None}
        if len(pks) < len(rows):  # a database that does not return them
            pks = dict(Invoice.unscoped.filter(erp_id__in=rows).values_list("erp_id", "pk"))
        _lines_replace({pks[erp_id]: record_lines for erp_id, record_lines in lines.items()})
        # bulk_create sends no signals: forget the figures of the companies the page's invoices belong to now
        # and belonged to before (an invoice moved to another company changes both)
        invoice_figures_forget(company_ids=[row.company_id for row in rows.values()] + moved_from)
    return len(rows), rejected


def invoice_fields_from_erp() -> list[str]:
    return ["number", "invoice_date", "due_date", "currency", "total", "balance", "erp_state", "erp_changed_at"]


# Outbound: payments ---------------------------------------------------------------------------------


@handler(outbox=KEY, operation="invoice.pay")
def _deliver_payment(message: OutboxMessage, gateway: ErpGateway) -> None:
    """Record a confirmed payment notice in the ERP, once: the bank reference is the idempotency key, so a
    delivery that ran twice, or timed out after the ERP applied it, finds the payment and records nothing. When
    the ERP has less left to pay than the notice (paid meanwhile), nothing is paid: the notice is parked as a
    conflict for staff and the message counts as delivered (retrying could only conflict again)."""
    notice = PaymentNotice.unscoped.select_related("invoice", "company").get(pk=message.payload["notice"])
    if notice.status != PaymentNoticeStatus.CONFIRMED:
        return  # recorded, parked or rejected since: nothing to send
    erp_id = notice.invoice.erp_id
    if gateway.payment_recorded(erp_id, notice.reference):
        erp_invoice = gateway.get_invoice(erp_id)
    else:
        current = gateway.get_invoice(erp_id)
        if current.state != ErpInvoiceState.POSTED or current.amount_to_pay < notice.amount:
            invoice_apply(current)
            payment_notice_park_conflict(
                notice=notice, erp_amount_to_pay=current.amount_to_pay, erp_state=current.state
            )
            return
        erp_invoice = gateway.record_payment(erp_id, notice.amount, notice.paid_on, notice.reference)
    invoice_apply(erp_invoice)  # the balance and status partners see are the ERP's answer
    payment_notice_mark_recorded(notice=notice)
