"""Onboarding: a company applies (registration), its first person confirms their e-mail address."""

import enum
import logging
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from partner_area.companies.models import Company, CompanyStatus, CompanyStatusChange, Membership, Role
from partner_area.platform.audit.services import audit_record
from partner_area.platform.identifiers import normalise_registration_number
from partner_area.platform.mail.emails import send_portal_email
from partner_area.platform.ports.erp import ErpError, get_erp_gateway

logger = logging.getLogger(__name__)
User = get_user_model()

CONFIRMATION_SALT = "partner_area.email-confirmation"


class DuplicateCompanyError(Exception):
    """A company with this registration number already has a portal account."""


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
