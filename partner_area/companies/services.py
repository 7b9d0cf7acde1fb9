"""Writes for companies: registration, e-mail confirmation, and the staff review decisions."""

import enum
import logging
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from integrations.erp.companies import company_push_create, company_push_update, company_reaches_erp, company_redeliver
from partner_area.platform.audit.services import audit_record
from partner_area.platform.identifiers import normalise_registration_number
from partner_area.platform.mail.emails import send_portal_email
from partner_area.platform.ports.erp import ErpError, erp_is_configured, get_erp_gateway

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
CONFIRMATION_SALT = "partner_area.email-confirmation"


class DuplicateCompanyError(Exception):
    """A company with this registration number already has a portal account."""


class StatusTransitionError(ValidationError):
    """The requested status change is not allowed from the company's current status."""


@transaction.atomic
def company_register(*, company: dict, person: dict, password: str, terms_version: str) -> Membership:
    """Create a company application and its first person, who becomes the org admin."""
    number = normalise_registration_number(company["registration_number"])
    if Company.objects.holding_number(number).exists():
        raise DuplicateCompanyError(number)
    # Whether the ERP knows the number decides the review: a company it knows waits for staff to compare the two
    # records. Should the ERP not answer, the application still goes in and is checked once it answers again.
    known_to_erp, checked_at = erp_knows_number(number)
    new_company = Company(
        **{**company, "registration_number": number},
        status=CompanyStatus.PENDING_VERIFICATION if known_to_erp else CompanyStatus.PENDING_REVIEW,
        erp_checked_at=checked_at,
        terms_version=terms_version,
        terms_accepted_at=timezone.now(),
    )
    new_company.full_clean(validate_unique=False, validate_constraints=False)
    try:
        # A concurrent registration with the same number loses here, on the unique constraint.
        with transaction.atomic():
            new_company.save()
    except IntegrityError as error:
        raise DuplicateCompanyError(number) from error
    user = User.objects.create_user(
        person["email"],
        password,
        first_name=person["first_name"],
        last_name=person["last_name"],
        phone=person.get("phone", ""),
        preferred_language=person.get("preferred_language", ""),
    )
    # unscoped: registration writes the first membership of the company it has just created
    membership = Membership.unscoped.create(user=user, company=new_company, role=Role.ADMIN)
    CompanyStatusChange.objects.create(company=new_company, to_status=new_company.status, changed_by=user)
    audit_record(actor=user, action="company.registered", company=new_company, target=new_company)
    return membership


def erp_knows_number(number: str) -> tuple[bool, datetime | None]:
    """Whether the ERP has a company with this registration number, and when it said so (None: it did not answer)."""
    try:
        found = get_erp_gateway(timeout=settings.ERP_INTERACTIVE_TIMEOUT).find_company(number) is not None
    except ErpError:
        logger.warning("The ERP could not be asked about registration number %s; asked again later.", number)
        return False, None
    return found, timezone.now()


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


def email_confirmation_token(user) -> str:
    return signing.dumps({"user": user.pk, "email": user.email}, salt=CONFIRMATION_SALT)


def email_confirmation_send(*, user, base_url: str) -> None:
    """E-mail the person a signed link that confirms their address."""
    link = f"{base_url}/partner/confirm-email/{email_confirmation_token(user)}/"
    send_portal_email(to=user, template="confirm_email", context={"user": user, "link": link})


def existing_account_notify(*, user, base_url: str) -> None:
    """Someone applied with the address of an existing account: tell its owner (and only them) how to get in."""
    send_portal_email(
        to=user,
        template="account_exists",
        context={
            "user": user,
            "login_url": base_url + reverse("partner:login"),
            "reset_url": base_url + reverse("partner:password_reset"),
        },
    )


class EmailConfirmation(enum.Enum):
    CONFIRMED = "confirmed"  # this link confirmed the address just now
    ALREADY_CONFIRMED = "already_confirmed"  # a used (or superseded) link: nothing happens


@transaction.atomic
def email_confirm(*, token: str) -> EmailConfirmation | None:
    """Confirm the address the token was issued for, once; None for a bad or old link.

    The link only ever confirms: it never logs anyone in, so a forwarded or reused link grants nothing."""
    try:
        data = signing.loads(token, salt=CONFIRMATION_SALT, max_age=settings.EMAIL_CONFIRMATION_MAX_AGE)
    except signing.BadSignature:
        return None
    user = User.objects.select_for_update().filter(pk=data.get("user"), email=data.get("email")).first()
    if user is None:
        return None
    if user.email_confirmed_at is not None:
        return EmailConfirmation.ALREADY_CONFIRMED
    user.email_confirmed_at = timezone.now()
    user.save(update_fields=["email_confirmed_at"])
    return EmailConfirmation.CONFIRMED


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
        company_push_create(company=company)
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
        company_push_update(company=company)
    company_redeliver(company=company)
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
            company_push_update(company=company)
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
