"""Writes for companies: the staff review decisions, corrections, contact details and staff notes
(registration and e-mail confirmation: partner_area/onboarding/services.py)."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partner_area.platform.audit.services import audit_record
from partner_area.platform.mail.emails import send_portal_email
from partner_area.platform.ports.erp import (
    ErpError,
    company_reaches_erp,
    erp_company_send_later,
    erp_is_configured,
    erp_redeliver,
    get_erp_gateway,
)

from .models import (
    Company,
    CompanyStatus,
    CompanyStatusChange,
    Membership,
    Role,
    StaffNote,
)

logger = logging.getLogger(__name__)
User = get_user_model()


class StatusTransitionError(ValidationError):
    """The requested status change is not allowed from the company's current status."""


@transaction.atomic
def company_erp_check_record(*, company: Company, known_to_erp: bool) -> Company:
    """Record the ERP's answer about an application's number: an application the ERP knows moves to verification,
    where staff compare it with the ERP's record before anything from the ERP reaches it."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    company.erp_checked_at = timezone.now()
    company.save(update_fields=["erp_checked_at", "updated_at"])
    if known_to_erp and company.status == CompanyStatus.PENDING_REVIEW:
        company.status = CompanyStatus.PENDING_VERIFICATION
        company.save(update_fields=["status", "updated_at"])
        CompanyStatusChange.objects.create(
            company=company,
            from_status=CompanyStatus.PENDING_REVIEW,
            to_status=CompanyStatus.PENDING_VERIFICATION,
            reason=str(_("The ERP knows this registration number: compare the two records before approving.")),
        )
    return company


ALLOWED_TRANSITIONS = {
    "approve": ({CompanyStatus.PENDING_REVIEW, CompanyStatus.PENDING_VERIFICATION, CompanyStatus.REJECTED},
                CompanyStatus.ACTIVE),
    "reject": ({CompanyStatus.PENDING_REVIEW, CompanyStatus.PENDING_VERIFICATION}, CompanyStatus.REJECTED),
    "block": ({CompanyStatus.PENDING_REVIEW, CompanyStatus.PENDING_VERIFICATION, CompanyStatus.ACTIVE,
               CompanyStatus.REJECTED}, CompanyStatus.BLOCKED),
    "unblock": ({CompanyStatus.BLOCKED}, CompanyStatus.ACTIVE),
}  # fmt: skip
REASON_REQUIRED = {"reject", "block", "unblock"}


def company_can(company: Company, action: str) -> bool:
    return company.status in ALLOWED_TRANSITIONS[action][0]


@transaction.atomic
def company_change_status(*, company: Company, action: str, by, reason: str = "", request=None) -> Company:
    """Approve, reject, block or unblock a company: status, history, audit log and e-mail to its admins."""
    allowed_from, to_status = ALLOWED_TRANSITIONS[action]
    company = Company.objects.select_for_update().get(pk=company.pk)
    if company.status not in allowed_from:
        raise StatusTransitionError(
            _("%(company)s cannot be changed this way while it is %(status)s.")
            % {"company": company, "status": company.get_status_display()}
        )
    reason = (reason or "").strip()
    if action in REASON_REQUIRED and not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    from_status = company.status
    company.status = to_status
    company.status_reason = reason if action in ("reject", "block") else ""
    if to_status == CompanyStatus.ACTIVE and company.approved_at is None:
        company.approved_at = timezone.now()
    try:
        with transaction.atomic():
            company.save(update_fields=["status", "status_reason", "approved_at", "updated_at"])
    except IntegrityError as error:  # approving a rejected application whose number another one holds now
        raise StatusTransitionError(
            _("%(company)s cannot be approved: another application holds registration number %(number)s.")
            % {"company": company, "number": company.registration_number}
        ) from error
    CompanyStatusChange.objects.create(
        company=company, from_status=from_status, to_status=to_status, reason=reason, changed_by=by
    )
    if to_status == CompanyStatus.ACTIVE and not company.erp_id and erp_is_configured():
        # Linked to the ERP's record of its number, or created there, by the outbox worker: the approval never
        # waits for the ERP, and stands while it is down.
        erp_company_send_later(company=company, create=True)
    audit_record(
        request=request,
        actor=by,
        action=f"company.{action}",
        company=company,
        target=company,
        details={"from": from_status, "to": to_status, "reason": reason},
    )
    admins = [m.user for m in Membership.objects.for_company(company).filter(role=Role.ADMIN).select_related("user")]
    transaction.on_commit(
        lambda: [
            send_portal_email(to=user, template=f"company_{action}", context={"company": company, "reason": reason})
            for user in admins
        ]
    )
    return company


def company_erp_record(company: Company):
    """The ERP's record for this company's registration number (for staff to compare), or None."""
    try:
        return get_erp_gateway(timeout=settings.ERP_INTERACTIVE_TIMEOUT).find_company(company.registration_number)
    except ErpError:
        return None


# What staff may correct on a company. Until it is linked to the ERP every field its ERP record will be made from;
# once linked, the ERP owns the legal data (corrected in the ERP itself, and pulled), the portal the contact details.
CORRECTABLE_BEFORE_LINK = ("legal_name", "vat_number", "country", "address", "city", "postal_code", "phone", "email",
                           "website")  # fmt: skip
CORRECTABLE_WHEN_LINKED = ("phone", "email", "website")


def company_correctable_fields(company: Company) -> tuple[str, ...]:
    """The fields staff may correct on this company now."""
    return CORRECTABLE_WHEN_LINKED if company.erp_id else CORRECTABLE_BEFORE_LINK


@transaction.atomic
def company_correct(*, company: Company, by, changes: dict, request=None) -> Company:
    """Staff correct a company's data (e.g. a VAT number the ERP refused): saved, logged, and what is waiting for
    the ERP, or was parked because the ERP refused it, is delivered again with the corrected data."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    allowed = company_correctable_fields(company)
    if set(changes) - set(allowed):
        raise ValidationError(
            _("These fields are kept in the ERP: %(fields)s.")
            % {"fields": ", ".join(sorted(set(changes) - set(allowed)))}
        )
    before = {name: getattr(company, name) for name in changes}
    for name, value in changes.items():
        setattr(company, name, value)
    company.full_clean(validate_unique=False, validate_constraints=False)
    changed = {name: value for name, value in changes.items() if before[name] != getattr(company, name)}
    if changed:
        company.save(update_fields=[*changed, "updated_at"])
        audit_record(request=request, actor=by, action="company.corrected", company=company, target=company,
                     details={"before": {name: before[name] for name in changed}, "after": changed})  # fmt: skip
    if company.erp_id and set(changed) & set(CORRECTABLE_WHEN_LINKED) and company_reaches_erp(company):
        erp_company_send_later(company=company)
    erp_redeliver(entity_type="company", entity_id=company.pk)
    return company


@transaction.atomic
def company_update_contact_details(
    *, membership: Membership, phone: str, email: str, website: str, request=None
) -> Company:
    """An org admin keeps the company's phone, e-mail and website current; the ERP learns them."""
    company = Company.objects.select_for_update().get(pk=membership.company_id)
    before = {"phone": company.phone, "email": company.email, "website": company.website}
    company.phone, company.email, company.website = phone, email, website
    company.full_clean(validate_unique=False)
    company.save(update_fields=["phone", "email", "website", "updated_at"])
    after = {"phone": phone, "email": email, "website": website}
    if after != before:
        audit_record(request=request, action="company.contact_details", company=company, target=company,
                     details={"before": before, "after": after})  # fmt: skip
        if company_reaches_erp(company):
            erp_company_send_later(company=company)
    return company


def company_approve(*, company: Company, by, request=None) -> Company:
    return company_change_status(company=company, action="approve", by=by, request=request)


def company_reject(*, company: Company, by, reason: str, request=None) -> Company:
    return company_change_status(company=company, action="reject", by=by, reason=reason, request=request)


def company_block(*, company: Company, by, reason: str, request=None) -> Company:
    return company_change_status(company=company, action="block", by=by, reason=reason, request=request)


def company_unblock(*, company: Company, by, reason: str, request=None) -> Company:
    return company_change_status(company=company, action="unblock", by=by, reason=reason, request=request)


@transaction.atomic
def staff_note_add(*, company: Company, author, text: str, request=None) -> StaffNote:
    """Keep an internal note about a company and log it."""
    note = StaffNote.objects.create(company=company, author=author, text=text)
    audit_record(request=request, actor=author, action="company.note", company=company, target=company)
    return note
