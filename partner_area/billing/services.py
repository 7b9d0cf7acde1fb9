"""Payment notices: a partner reports a payment, finance staff confirm or reject it, the ERP records it.

The portal never computes a balance from a notice: a confirmed notice goes to the ERP through the outbox
(operation "invoice.pay", handled in integrations/erp/invoices.py) and the invoice takes the ERP's answer."""

import logging
import re
from collections.abc import Iterable
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from partner_area.companies.models import Membership, Role
from partner_area.platform.audit.services import audit_record
from partner_area.platform.formatting import money
from partner_area.platform.mail.emails import send_portal_email
from partner_area.platform.ports.erp import erp_send_later
from partner_area.platform.storage import private_file_response
from partner_area.platform.uploads import JPEG, PDF, PNG, check_upload, safe_file_name

from .models import (
    LIVE_NOTICE_STATUSES,
    PENDING_NOTICE_STATUSES,
    ErpInvoiceState,
    Invoice,
    PaymentNotice,
    PaymentNoticeStatus,
)
from .selectors import invoice_figures_cache_key

logger = logging.getLogger(__name__)

REMITTANCE_MAX_SIZE = 5 * 1024 * 1024
REMITTANCE_KINDS = (PDF, PNG, JPEG)
PAY_OPERATION = "invoice.pay"


class PaymentNoticeError(ValidationError):
    """A staff action that does not fit the notice's current status (someone else decided first)."""


def reference_key(reference: str) -> str:
    """The bank reference as compared for duplicates: no spaces, upper case."""
    return re.sub(r"\s+", "", reference or "").upper()


def remittance_validate(uploaded) -> tuple[str, str]:
    """(safe file name, content type) of a remittance advice: a PDF, PNG or JPEG (by content) of at most 5 MB."""
    try:
        checked = check_upload(uploaded, kinds=REMITTANCE_KINDS, max_bytes=REMITTANCE_MAX_SIZE)
    except ValidationError as error:
        if error.code in ("extension_not_allowed", "content_mismatch"):
            raise ValidationError(
                _("Attach the remittance advice as a PDF, PNG or JPEG file."), code="remittance_type_not_allowed"
            ) from None
        raise
    return safe_file_name(uploaded.name, extension=checked.extension), checked.kind.content_type


def invoice_accepts_payment_notice(invoice: Invoice, *, reported: Decimal = Decimal("0")) -> bool:
    """Unpaid or overdue: posted with something left to pay beyond the payments already `reported` (waiting)."""
    return invoice.erp_state == ErpInvoiceState.POSTED and invoice.balance > reported


def pending_notices_total(*, invoice: Invoice, exclude: PaymentNotice | None = None) -> Decimal:
    """What partners reported on this invoice that the ERP has not answered yet."""
    notices = invoice.payment_notices.filter(status__in=PENDING_NOTICE_STATUSES)
    if exclude is not None:
        notices = notices.exclude(pk=exclude.pk)
    return notices.aggregate(total=Sum("amount"))["total"] or Decimal("0")


@transaction.atomic
def payment_notice_report(
    *, membership: Membership, invoice: Invoice, amount: Decimal, paid_on, reference: str, remittance=None, request=None
) -> PaymentNotice:
    """Record a partner's report of a payment on one of its open invoices; refuses more than the balance (with
    what is already reported), a date in the future and a bank reference already reported."""
    invoice = Invoice.objects.for_company(membership.company).select_for_update().get(pk=invoice.pk)
    if not invoice_accepts_payment_notice(invoice):
        raise ValidationError(_("This invoice has nothing left to pay."), code="invoice_not_open")
    errors: dict[str, list] = {}
    if amount is None or amount <= 0:
        errors["amount"] = [ValidationError(_("Enter an amount above zero."), code="amount_not_positive")]
    elif amount > invoice.balance:
        errors["amount"] = [
            ValidationError(
                _("This is more than the balance to pay (%(balance)s).")
                % {"balance": money(invoice.balance, invoice.currency)},
                code="amount_above_balance",
            )
        ]
    else:
        reported = pending_notices_total(invoice=invoice)
        if amount > invoice.balance - reported:
            errors["amount"] = [
                ValidationError(
                    _(
                        "Payments of %(reported)s are already reported on this invoice and wait for confirmation: "
                        "at most %(left)s is left to report."
                    )
                    % {
                        "reported": money(reported, invoice.currency),
                        "left": money(invoice.balance - reported, invoice.currency),
                    },
                    code="amount_above_unreported_balance",
                )
            ]
    if paid_on is None or paid_on > timezone.localdate():
        errors["paid_on"] = [ValidationError(_("The payment date cannot be in the future."), code="date_in_future")]
    elif invoice.invoice_date and paid_on < invoice.invoice_date:
        errors["paid_on"] = [
            ValidationError(
                _("The payment date cannot be before the invoice date (%(date)s).")
                % {"date": date_format(invoice.invoice_date, "SHORT_DATE_FORMAT")},
                code="date_before_invoice",
            )
        ]
    key = reference_key(reference)
    if not key:
        errors["reference"] = [ValidationError(_("Enter the bank reference of the payment."), code="required")]
    elif (
        PaymentNotice.objects.for_company(membership.company)
        .filter(reference_key=key, status__in=LIVE_NOTICE_STATUSES)
        .exists()
    ):
        errors["reference"] = [_duplicate_reference_error()]
    if errors:
        raise ValidationError(errors)

    notice = PaymentNotice(
        company=membership.company,
        invoice=invoice,
        reported_by=membership.user,
        amount=amount,
        currency=invoice.currency,
        paid_on=paid_on,
        reference=" ".join(reference.split()),
        reference_key=key,
    )
    if remittance is not None:
        notice.remittance_name, notice.remittance_type = remittance_validate(remittance)
    notice.full_clean(exclude=["remittance"])
    try:
        with transaction.atomic():
            if remittance is not None:
                notice.remittance.save(notice.remittance_name, remittance, save=False)
            notice.save()
    except IntegrityError:  # the same reference reported at the same moment by someone else
        if notice.remittance:
            notice.remittance.delete(save=False)
        raise ValidationError({"reference": [_duplicate_reference_error()]}) from None
    audit_record(
        request=request,
        actor=membership.user,
        action="payment.report",
        company=membership.company,
        target=notice,
        details={"invoice": invoice.number, "amount": str(amount), "currency": invoice.currency,
                 "paid_on": paid_on.isoformat(), "reference": notice.reference},
    )  # fmt: skip
    return notice


def _duplicate_reference_error() -> ValidationError:
    return ValidationError(
        _("A payment with this bank reference has already been reported. Each payment is reported once."),
        code="duplicate_reference",
    )


def _locked(notice: PaymentNotice, *allowed: str) -> PaymentNotice:
    # unscoped: re-reads (and locks) by pk a notice the caller already holds: staff decisions and the ERP handler
    locked = PaymentNotice.unscoped.select_for_update().select_related("invoice", "company").get(pk=notice.pk)
    if locked.status not in allowed:
        raise PaymentNoticeError(
            _("This payment notice is already %(status)s.") % {"status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def payment_notice_confirm(*, notice: PaymentNotice, by, request=None) -> PaymentNotice:
    """Finance staff: the money arrived. The ERP is asked to record the payment (outbox); the partner is told."""
    notice = _locked(notice, PaymentNoticeStatus.REPORTED)
    notice.status = PaymentNoticeStatus.CONFIRMED
    notice.decided_by, notice.decided_at = by, timezone.now()
    notice.save(update_fields=["status", "decided_by", "decided_at"])
    # Keyed by invoice so that payments on one invoice reach the ERP in the order they were confirmed.
    erp_send_later(
        operation=PAY_OPERATION, entity_type="invoice", entity_id=notice.invoice_id, payload={"notice": notice.pk}
    )
    audit_record(
        request=request,
        actor=by,
        action="payment.confirm",
        company=notice.company,
        target=notice,
        details={"invoice": notice.invoice.number, "amount": str(notice.amount), "reference": notice.reference},
    )
    transaction.on_commit(lambda: _email_partner(notice=notice, template="payment_confirmed"))
    return notice


@transaction.atomic
def payment_notice_reject(*, notice: PaymentNotice, by, reason: str, request=None) -> PaymentNotice:
    """Finance staff: the payment is not there (or not as reported). The reason is e-mailed to the partner."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason: the partner receives it.")]})
    notice = _locked(notice, PaymentNoticeStatus.REPORTED, PaymentNoticeStatus.CONFLICT)
    notice.status = PaymentNoticeStatus.REJECTED
    notice.rejection_reason = reason
    notice.decided_by, notice.decided_at = by, timezone.now()
    notice.save(update_fields=["status", "rejection_reason", "decided_by", "decided_at"])
    audit_record(
        request=request,
        actor=by,
        action="payment.reject",
        company=notice.company,
        target=notice,
        details={"invoice": notice.invoice.number, "amount": str(notice.amount), "reason": reason},
    )
    transaction.on_commit(lambda: _email_partner(notice=notice, template="payment_rejected"))
    return notice


@transaction.atomic
def payment_notice_close_conflict(*, notice: PaymentNotice, by, note: str, request=None) -> PaymentNotice:
    """Finance staff: a parked conflict needs nothing more in the ERP (e.g. this very payment was booked there by
    another channel). Nothing is sent to the ERP; the note says why."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Say why nothing more is recorded in the ERP.")]})
    notice = _locked(notice, PaymentNoticeStatus.CONFLICT)
    notice.status = PaymentNoticeStatus.RECORDED
    notice.staff_note = note
    notice.save(update_fields=["status", "staff_note"])
    audit_record(
        request=request, actor=by, action="payment.conflict_close", company=notice.company, target=notice,
        details={"invoice": notice.invoice.number, "note": note},
    )  # fmt: skip
    return notice


@transaction.atomic
def invoice_hold(*, invoice: Invoice, by, note: str, request=None) -> None:
    """Finance staff: mark an invoice disputed / on hold with an internal note. Portal-only: Tryton 8.2 has no such
    flag, so nothing is sent to the ERP, and partners do not see it."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Say why the invoice is on hold.")]})
    Invoice.unscoped.filter(pk=invoice.pk).update(hold_note=note, held_at=timezone.now())  # unscoped: staff, by pk
    audit_record(
        request=request, actor=by, action="invoice.hold", company=invoice.company, target=invoice,
        details={"note": note},
    )  # fmt: skip


@transaction.atomic
def invoice_release(*, invoice: Invoice, by, request=None) -> None:
    """Finance staff: the invoice is no longer on hold."""
    Invoice.unscoped.filter(pk=invoice.pk).update(hold_note="", held_at=None)  # unscoped: staff, by pk
    audit_record(request=request, actor=by, action="invoice.release", company=invoice.company, target=invoice)


def payment_notice_mark_recorded(*, notice: PaymentNotice) -> None:
    """The ERP holds the payment (called by the outbox handler, after the invoice took the ERP's answer)."""
    # unscoped: the ERP outbox handler, on the notice it was queued with
    PaymentNotice.unscoped.filter(pk=notice.pk).update(status=PaymentNoticeStatus.RECORDED, recorded_at=timezone.now())


def payment_notice_park_conflict(*, notice: PaymentNotice, erp_amount_to_pay: Decimal, erp_state: str) -> None:
    """The ERP has less to pay than the notice's amount (paid meanwhile): nothing is paid, staff decide."""
    # unscoped: the ERP outbox handler, on the notice it was queued with
    PaymentNotice.unscoped.filter(pk=notice.pk).update(
        status=PaymentNoticeStatus.CONFLICT, erp_amount_to_pay=erp_amount_to_pay
    )
    audit_record(
        action="payment.conflict",
        company=notice.company,
        target=notice,
        details={"invoice": notice.invoice.number, "amount": str(notice.amount),
                 "erp_amount_to_pay": str(erp_amount_to_pay), "erp_state": erp_state},
    )  # fmt: skip
    logger.warning("Payment notice %s parked as a conflict: the ERP has %s to pay.", notice.pk, erp_amount_to_pay)


def _email_partner(*, notice: PaymentNotice, template: str) -> None:
    """The reporter and the company's org admins, once each, if they can still use the portal."""
    recipients = {}
    if notice.reported_by_id and notice.reported_by.is_active:
        recipients[notice.reported_by_id] = notice.reported_by
    admins = Membership.objects.for_company(notice.company).filter(role=Role.ADMIN, is_active=True)
    for membership in admins.select_related("user"):
        recipients.setdefault(membership.user_id, membership.user)
    for user in recipients.values():
        if user.is_active:
            send_portal_email(to=user, template=template, context={"notice": notice, "invoice": notice.invoice})


def remittance_file_response(*, notice: PaymentNotice) -> HttpResponse:
    """The remittance advice, for staff: a short-lived presigned URL on S3, else streamed from private storage."""
    return private_file_response(
        file=notice.remittance, filename=notice.remittance_name, content_type=notice.remittance_type
    )


def invoice_figures_forget(*, company_ids: Iterable[int]) -> None:
    """Drop the cached invoice figures of these companies (selectors.invoice_figures): now, and again when the
    transaction commits, so that a request reading in between cannot keep the old figures in the cache."""
    keys = [invoice_figures_cache_key(company_id) for company_id in set(company_ids)]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
