"""Invoices between the portal and the ERP: validate and upsert what the ERP sends; deliver confirmed payments."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction

from partner_area.billing.models import ErpInvoiceState, Invoice, InvoiceLine, PaymentNotice, PaymentNoticeStatus
from partner_area.billing.services import payment_notice_mark_recorded, payment_notice_park_conflict
from partner_area.organizations.selectors import companies_by_erp_id

from .gateway import ErpGateway, ErpInvoice
from .models import OutboxMessage
from .outbox import handler

MAX_AMOUNT = Decimal("999999999999.99")


class InvalidRecord(ValueError):
    def __init__(self, errors: dict):
        super().__init__(errors)
        self.errors = errors


def _amount(value, errors: dict, field: str) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        errors[field] = "not a number"
        return None
    if not amount.is_finite() or abs(amount) > MAX_AMOUNT:
        errors[field] = "out of range"
        return None
    return amount.quantize(Decimal("0.01"))


def invoice_validate(erp: ErpInvoice) -> dict:
    """The invoice's fields as the portal stores them, or InvalidRecord naming each bad field."""
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
    if errors:
        raise InvalidRecord(errors)
    return {
        "number": number,
        "invoice_date": erp.invoice_date,
        "due_date": erp.due_date,
        "currency": currency,
        "total": total,
        "balance": balance,
        "erp_state": erp.state,
        "erp_changed_at": erp.changed_at,
    }


@transaction.atomic
def invoice_apply(erp: ErpInvoice) -> Invoice | None:
    """Create or update the portal's copy of an ERP invoice; invoices of companies the portal does not
    know are ignored. Idempotent: applying the same record twice changes nothing."""
    values = invoice_validate(erp)
    company_id = companies_by_erp_id([erp.company_erp_id]).get(erp.company_erp_id)
    if company_id is None:
        return None
    invoice, _ = Invoice.unscoped.update_or_create(
        erp_id=str(erp.erp_id), defaults={**values, "company_id": company_id}
    )
    if erp.lines:
        InvoiceLine.objects.filter(invoice=invoice).delete()
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=invoice,
                position=position,
                description=line.description[:500],
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line.amount,
            )
            for position, line in enumerate(erp.lines)
        )
    return invoice


def invoices_apply_page(records: list[ErpInvoice]) -> tuple[int, list[tuple[ErpInvoice, dict]]]:
    """Apply a page of invoices in a few queries: validate each, look up their companies at once, then
    upsert them in one statement. Returns (applied count, [(record, errors)] for the rejected ones)."""
    rejected, valid = [], []
    for record in records:
        try:
            valid.append((record, invoice_validate(record)))
        except InvalidRecord as error:
            rejected.append((record, error.errors))
    company_ids = companies_by_erp_id(record.company_erp_id for record, _ in valid)
    rows = {
        str(record.erp_id): Invoice(erp_id=str(record.erp_id), company_id=company_ids[record.company_erp_id], **values)
        for record, values in valid
        if record.company_erp_id in company_ids
    }
    with transaction.atomic():
        Invoice.unscoped.bulk_create(
            rows.values(),
            update_conflicts=True,
            unique_fields=["erp_id"],
            update_fields=["company", *invoice_fields_from_erp()],
        )
        for record, _ in valid:
            if record.lines and str(record.erp_id) in rows:
                invoice_apply(record)  # rare: change pages carry no lines
    return len(rows), rejected


def invoice_fields_from_erp() -> list[str]:
    return ["number", "invoice_date", "due_date", "currency", "total", "balance", "erp_state", "erp_changed_at"]


# Outbound: payments ---------------------------------------------------------------------------------


@handler("invoice.pay")
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
