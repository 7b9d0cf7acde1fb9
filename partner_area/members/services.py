"""Org admin: writes to a company's members and invitations (reads: selectors.py); every query goes through
the acting admin's company (`Model.objects.for_company`), so another company's ids are not found."""

from types import SimpleNamespace

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from partner_area.companies.models import Invitation, InvitationStatus, Membership, Role
from partner_area.platform.audit.services import audit_record
from partner_area.platform.mail.emails import send_portal_email
from partner_area.platform.sections import Section

from .selectors import pending_invitation_q

User = get_user_model()


class InvitationUnavailable(ValidationError):
    """The invitation link was already used, revoked, has expired or does not exist."""


LAST_ADMIN_MESSAGE = _(
    "This is the last active administrator of your company. Make someone else an administrator first."
)
# A user with no sections could open nothing but their home and account pages.
NO_SECTIONS_MESSAGE = _("Choose at least one section this person may open.")


def _grants(obj) -> list[str]:
    """The stored section grants (admins see everything whatever is stored)."""
    return [section for section in Section.values if getattr(obj, f"can_{section}")]


def _clean_role_and_sections(role: str, sections) -> tuple[str, list[str]]:
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    # Administrators see every section, so their grants are not stored.
    sections = [] if role == Role.ADMIN else [section for section in Section.values if section in (sections or [])]
    if role == Role.USER and not sections:
        raise ValidationError({"sections": NO_SECTIONS_MESSAGE})
    return role, sections


def _send_invitation(*, invitation: Invitation, token: str, request) -> None:
    language = get_language()
    link = request.build_absolute_uri(reverse("partner:invitation_accept", kwargs={"token": token}))
    # The invitee has no account yet: write to them in the language the admin is using.
    recipient = SimpleNamespace(email=invitation.email, preferred_language=language, first_name="")
    send_portal_email(
        to=recipient,
        template="invitation",
        context={
            "invitation": invitation,
            "company": invitation.company,
            "inviter": invitation.invited_by,
            "role": invitation.get_role_display(),
            "link": link,
        },
    )


def _already_a_member_message(*, email: str, member: Membership) -> str:
    if member.is_active:
        message = _("%(email)s is already a member of your company.")
    else:
        message = _(
            "%(email)s is already a member of your company, but deactivated. Reactivate them in the list above."
        )
    return message % {"email": email}


def invitation_create(*, membership: Membership, email: str, role: str, sections: list[str], request) -> Invitation:
    """Invite someone by e-mail to join the admin's company with a role and section grants."""
    email = (email or "").strip().lower()
    role, sections = _clean_role_and_sections(role, sections)
    company = membership.company
    with transaction.atomic():
        colleague = Membership.objects.for_company(company).filter(user__email__iexact=email).first()
        if colleague is not None:
            raise ValidationError({"email": _already_a_member_message(email=email, member=colleague)})
        # Whether the address has an account with another company is not told here (it would let any org admin
        # find out who works where): the invitation goes out, and its link tells the invitee, who owns the address.
        pending = Invitation.objects.for_company(company).filter(pending_invitation_q(), email__iexact=email)
        if pending.exists():
            raise ValidationError(
                {"email": _("This address already has a pending invitation. Send it again from the list below.")}
            )
        invitation = Invitation(company=company, email=email, role=role, invited_by=membership.user)
        invitation.set_sections(sections)
        token = invitation.issue_token()
        invitation.full_clean()
        invitation.save()
        audit_record(
            request=request,
            action="invitation.create",
            company=company,
            target=invitation,
            details={"email": email, "role": role, "sections": sections},
        )
    _send_invitation(invitation=invitation, token=token, request=request)
    return invitation


def _lock_invitation(membership: Membership, invitation: Invitation) -> Invitation:
    return (
        Invitation.objects.for_company(membership.company)
        .select_for_update()
        .select_related("company")
        .get(pk=invitation.pk)
    )


def invitation_resend(*, membership: Membership, invitation: Invitation, request) -> Invitation:
    """Send the invitation again with a new link and a new expiry; the old link stops working."""
    with transaction.atomic():
        invitation = _lock_invitation(membership, invitation)
        if invitation.status in (InvitationStatus.ACCEPTED, InvitationStatus.REVOKED):
            raise ValidationError(_("This invitation was already accepted or withdrawn, so it cannot be sent again."))
        token = invitation.issue_token()
        invitation.save(update_fields=["token_hash", "expires_at"])
        audit_record(
            request=request,
            action="invitation.resend",
            company=invitation.company,
            target=invitation,
            details={"email": invitation.email, "expires_at": invitation.expires_at.isoformat()},
        )
    _send_invitation(invitation=invitation, token=token, request=request)
    return invitation


def invitation_revoke(*, membership: Membership, invitation: Invitation, request) -> Invitation:
    """Withdraw an invitation; its link stops working."""
    with transaction.atomic():
        invitation = _lock_invitation(membership, invitation)
        if invitation.status == InvitationStatus.ACCEPTED:
            raise ValidationError(_("This invitation was already accepted. Deactivate the member instead."))
        if invitation.revoked_at is None:
            invitation.revoked_at = timezone.now()
            invitation.save(update_fields=["revoked_at"])
            audit_record(
                request=request,
                action="invitation.revoke",
                company=invitation.company,
                target=invitation,
                details={"email": invitation.email},
            )
    return invitation


def invitation_unavailable_message(status: str | None) -> str:
    messages = {
        InvitationStatus.ACCEPTED: _("This invitation has already been used. If it was you, log in with your e-mail."),
        InvitationStatus.REVOKED: _("This invitation was withdrawn by your company's administrator."),
        InvitationStatus.EXPIRED: _("This invitation has expired. Ask your company's administrator to send it again."),
    }
    return str(messages.get(status, _("This invitation link is not valid. Check that you copied all of it.")))


def invitation_accept(
    *, token: str, first_name: str, last_name: str, password: str, phone: str = "", request=None
) -> Membership:
    """Turn a pending invitation into a portal account and membership; the link works once."""
    found = Invitation.find_by_token(token)
    if found is None:
        raise InvitationUnavailable(invitation_unavailable_message(None), code="invalid")
    with transaction.atomic():
        # unscoped: public page; the invitation token, not a logged-in admin, names the company
        invitation = Invitation.unscoped.select_for_update().select_related("company").get(pk=found.pk)
        if invitation.status != InvitationStatus.PENDING:
            raise InvitationUnavailable(invitation_unavailable_message(invitation.status), code=invitation.status)
        if not invitation.company.is_active:
            raise InvitationUnavailable(
                _("This company cannot take new members at the moment. Contact Brello."), code="company"
            )
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationUnavailable(
                _("An account with this e-mail already exists. Log in, or reset your password if you forgot it."),
                code="exists",
            )
        user = User(
            email=invitation.email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            phone=(phone or "").strip(),
            preferred_language=get_language() or "",
            email_confirmed_at=timezone.now(),  # the e-mailed link proves the address
        )
        password_validation.validate_password(password, user)
        user.set_password(password)
        user.full_clean()
        user.save()
        member = Membership(user=user, company=invitation.company, role=invitation.role)
        member.set_sections(_grants(invitation))
        member.full_clean()
        member.save()
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        audit_record(
            request=request,
            actor=user,
            action="invitation.accept",
            company=invitation.company,
            target=member,
            details={"invitation": invitation.pk, "role": member.role, "sections": _grants(member)},
        )
    return member


def _lock_admins_and_member(membership: Membership, member: Membership) -> tuple[Membership, list[Membership]]:
    """Lock the company's active admins and the member being changed, in one stable order, so two admins
    demoting or deactivating each other at the same moment cannot both succeed."""
    rows = list(
        Membership.objects.for_company(membership.company)
        .select_for_update()
        .filter(Q(role=Role.ADMIN, is_active=True) | Q(pk__in=[member.pk, membership.pk]))
        .order_by("pk")
    )
    by_pk = {row.pk: row for row in rows}
    acting = by_pk.get(membership.pk)
    if acting is None or not (acting.is_active and acting.is_admin):
        raise ValidationError(_("You are no longer an administrator of this company."))
    if member.pk not in by_pk:
        raise Http404("No such member")
    admins = [row for row in rows if row.is_active and row.is_admin]
    locked = by_pk[member.pk]
    locked.user, locked.company = member.user, membership.company  # already loaded: no queries for the audit log
    return locked, admins


def _is_last_admin(member: Membership, admins: list[Membership]) -> bool:
    return member.is_active and member.is_admin and len(admins) <= 1


def member_update(*, membership: Membership, member: Membership, role: str, sections: list[str], request) -> Membership:
    """Change a member's role and section grants; the last active administrator cannot be demoted."""
    role, sections = _clean_role_and_sections(role, sections)
    with transaction.atomic():
        member, admins = _lock_admins_and_member(membership, member)
        if role != Role.ADMIN and _is_last_admin(member, admins):
            raise ValidationError(LAST_ADMIN_MESSAGE, code="last_admin")
        before = {"role": member.role, "sections": _grants(member)}
        member.role = role
        member.set_sections(sections)
        after = {"role": member.role, "sections": _grants(member)}
        if before != after:
            member.full_clean()
            member.save(update_fields=["role", *[f"can_{section}" for section in Section.values]])
            audit_record(
                request=request,
                action="member.role_change",
                company=member.company,
                target=member,
                details={"before": before, "after": after},
            )
    return member


def member_deactivate(*, membership: Membership, member: Membership, request) -> Membership:
    """End a member's access (their session ends on the next request); not the last active administrator."""
    with transaction.atomic():
        member, admins = _lock_admins_and_member(membership, member)
        if _is_last_admin(member, admins):
            raise ValidationError(LAST_ADMIN_MESSAGE, code="last_admin")
        if member.is_active:
            member.is_active = False
            member.save(update_fields=["is_active"])
            audit_record(request=request, action="member.deactivate", company=member.company, target=member)
    return member


def member_reactivate(*, membership: Membership, member: Membership, request) -> Membership:
    """Give a deactivated member their access back, with the role and grants they had."""
    with transaction.atomic():
        member, _admins = _lock_admins_and_member(membership, member)
        if not member.is_active:
            member.is_active = True
            member.save(update_fields=["is_active"])
            audit_record(request=request, action="member.reactivate", company=member.company, target=member)
    return member
