"""Org admin: reads of a company's members and invitations, always through the acting admin's company
(`Model.objects.for_company`), so another company's ids are not found."""

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from partner_area.companies.models import Invitation, Membership


def member_list(*, membership: Membership) -> QuerySet[Membership]:
    """The company's members: active first, administrators before users, then by e-mail."""
    return (
        Membership.objects.for_company(membership.company)
        .select_related("user")
        .order_by("-is_active", "role", "user__email")
    )


def pending_invitation_q() -> Q:
    return Q(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


def invitation_list(*, membership: Membership) -> QuerySet[Invitation]:
    """Open invitations (pending, then expired ones that can be sent again); accepted and revoked ones are gone."""
    return (
        Invitation.objects.for_company(membership.company)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True)
        .annotate(
            is_pending=Case(When(pending_invitation_q(), then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("is_pending", "-created_at")
    )


def member_get(*, membership: Membership, member_id: int) -> Membership:
    """One member of the acting admin's company; 404 for missing and foreign ids alike."""
    member = Membership.objects.for_company(membership.company).select_related("user").filter(pk=member_id).first()
    if member is None:
        raise Http404("No such member")
    return member


def invitation_get(*, membership: Membership, invitation_id: int) -> Invitation:
    """One invitation of the acting admin's company; 404 for missing and foreign ids alike."""
    invitation = Invitation.objects.for_company(membership.company).filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404("No such invitation")
    return invitation
