"""Org admin: the company's members and invitations, and the public invitation acceptance page."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from partner_area.companies.access import partner_required
from partner_area.companies.models import Invitation, InvitationStatus
from partner_area.platform.ratelimits import invitation_limits, limit_posts
from partner_area.platform.sections import Section

from . import selectors, services
from .forms import InvitationAcceptForm, InviteForm, MemberForm


def _flash_error(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _section_labels(obj) -> list[str]:
    return [str(Section(section).label) for section in obj.sections]


def _members_page(request, invite_form: InviteForm, status: int = 200):
    membership = request.membership
    members = [
        {"member": member, "sections": _section_labels(member), "is_you": member.pk == membership.pk}
        for member in selectors.member_list(membership=membership)
    ]
    invitations = [
        {"invitation": invitation, "sections": _section_labels(invitation)}
        for invitation in selectors.invitation_list(membership=membership)
    ]
    context = {
        "membership": membership,
        "company": membership.company,
        "members": members,
        "invitations": invitations,
        "invite_form": invite_form,
        "pending": InvitationStatus.PENDING,
    }
    return render(request, "members/members.html", context, status=status)


@partner_required(admin=True)
@require_http_methods(["GET", "HEAD"])
def members(request):
    """The company's people, its open invitations and the invite form."""
    return _members_page(request, InviteForm())


@partner_required(admin=True)
@require_http_methods(["GET", "HEAD", "POST"])
@invitation_limits
def member_invite(request):
    if request.method != "POST":  # a reload or a shared link: the invite form is on the members page
        return redirect(f"{reverse('partner:members')}#invite-heading")
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                membership=request.membership,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                sections=form.cleaned_data["sections"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("partner:members")
    return _members_page(request, form)


@partner_required(admin=True)
@require_http_methods(["GET", "HEAD", "POST"])
def member_edit(request, member_id: int):
    """Change a member's role and the sections they can open."""
    membership = request.membership
    member = selectors.member_get(membership=membership, member_id=member_id)
    form = MemberForm.for_member(member, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_update(
                membership=membership,
                member=member,
                role=form.cleaned_data["role"],
                sections=form.cleaned_data["sections"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved the changes for %(name)s.") % {"name": member.user})
            if member.pk == membership.pk and not member.is_admin:
                # They just gave up their own admin role: the members pages are no longer theirs.
                return redirect("partner:home")
            return redirect("partner:members")
    context = {"membership": membership, "member": member, "form": form, "is_you": member.pk == membership.pk}
    return render(request, "members/member_edit.html", context)


def _members_action(request, *, action, success: str, **target):
    """Run one POST-only member or invitation service; flash its outcome and go back to the members page."""
    try:
        action(membership=request.membership, request=request, **target)
    except ValidationError as error:
        _flash_error(request, error)
    else:
        messages.success(request, success)
    return redirect("partner:members")


@partner_required(admin=True)
@require_POST
def member_deactivate(request, member_id: int):
    member = selectors.member_get(membership=request.membership, member_id=member_id)
    success = _("%(name)s can no longer use the portal.") % {"name": member.user}
    return _members_action(request, action=services.member_deactivate, success=success, member=member)


@partner_required(admin=True)
@require_POST
def member_reactivate(request, member_id: int):
    member = selectors.member_get(membership=request.membership, member_id=member_id)
    success = _("%(name)s can use the portal again.") % {"name": member.user}
    return _members_action(request, action=services.member_reactivate, success=success, member=member)


@partner_required(admin=True)
@require_POST
@invitation_limits
def invitation_resend(request, invitation_id: int):
    invitation = selectors.invitation_get(membership=request.membership, invitation_id=invitation_id)
    success = _("A new invitation link was sent to %(email)s.") % {"email": invitation.email}
    return _members_action(request, action=services.invitation_resend, success=success, invitation=invitation)


@partner_required(admin=True)
@require_POST
def invitation_revoke(request, invitation_id: int):
    invitation = selectors.invitation_get(membership=request.membership, invitation_id=invitation_id)
    success = _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}
    return _members_action(request, action=services.invitation_revoke, success=success, invitation=invitation)


def _invitation_invalid(request, invitation: Invitation | None, message: str | None = None):
    status = invitation.status if invitation is not None else None
    context = {"message": message or services.invitation_unavailable_message(status), "status": status}
    return render(request, "members/invitation_invalid.html", context, status=410 if invitation else 404)


@require_http_methods(["GET", "HEAD", "POST"])
@limit_posts("RATELIMIT_FORMS", "ip")
def invitation_accept(request, token: str):
    """Public: the invited person sets up their account from the e-mailed link, then is logged in."""
    invitation = Invitation.find_by_token(token)
    if invitation is None or invitation.status != InvitationStatus.PENDING:
        return _invitation_invalid(request, invitation)
    form = InvitationAcceptForm(request.POST if request.method == "POST" else None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.invitation_accept(
                token=token,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
                phone=form.cleaned_data["phone"],
                request=request,
            )
        except services.InvitationUnavailable as error:
            return _invitation_invalid(request, invitation, " ".join(error.messages))
        except ValidationError as error:
            form.add_error(None if hasattr(error, "error_dict") else "password1", error)
        else:
            login(request, member.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Welcome to the Brello 360 Partner Portal, %(name)s. You are now a member of %(company)s.")
                % {"name": member.user.first_name, "company": member.company.legal_name},
            )
            return redirect("partner:home")
    context = {"invitation": invitation, "company": invitation.company, "form": form}
    return render(request, "members/invitation_accept.html", context)
