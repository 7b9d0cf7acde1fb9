"""Who may see what in the partner area. Every partner page and API view goes through here."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from rest_framework import permissions

from partner_area.platform.sections import Section

from .models import CompanyStatus, Membership

_CACHE_ATTR = "_partner_membership"


def membership_for(request) -> Membership | None:
    """The logged-in person's membership with its company (one query, cached on the request)."""
    if not hasattr(request, _CACHE_ATTR):
        membership = None
        if request.user.is_authenticated:
            # unscoped: this finds the company that scopes everything else, by the logged-in person
            membership = Membership.unscoped.select_related("company", "user").filter(user=request.user).first()
        setattr(request, _CACHE_ATTR, membership)
    return getattr(request, _CACHE_ATTR)


def can_use_portal(membership: Membership | None) -> bool:
    return bool(
        membership
        and membership.is_active
        and membership.company.status == CompanyStatus.ACTIVE
        and membership.user.email_confirmed_at is not None
    )


def section_forbidden(request, section: str) -> HttpResponse:
    """The friendly 403 for a member without a section's grant. Every member knows which sections exist, so
    saying "no access" reveals nothing; it is answered before any object lookup, so an id in the address (this
    company's or another's) never changes it, and other companies' objects stay 404 for those with the grant."""
    return render(request, "partner_area/403_section.html", {"section": Section(section)}, status=403)


def partner_required(section: str | None = None, admin: bool = False):
    """View decorator: a logged-in member of an active company, with the section grant (403 with a page
    saying who can give it) or the org admin role (404 without it). Sets request.membership."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = membership_for(request)
            if membership is None:
                raise Http404("Not a partner")
            if not can_use_portal(membership):
                return redirect("partner:status")
            if admin and not membership.is_admin:
                raise Http404("Not an administrator")
            request.membership = membership
            if section and not membership.has_section(section):
                return section_forbidden(request, section)
            return view(request, *args, **kwargs)

        # Read by tests/test_tenant_isolation.py to know which answer a member without the grant or role gets.
        wrapper.partner_section, wrapper.partner_admin_only = section, admin
        return wrapper

    return decorator


class IsActivePartner(permissions.BasePermission):
    """DRF: a member of an active company. Views may set `partner_section` or `partner_admin_only`."""

    message = "You need an active partner account with access to this section."

    def has_permission(self, request, view) -> bool:
        membership = membership_for(request)
        if not can_use_portal(membership):
            return False
        section = getattr(view, "partner_section", None)
        if section and not membership.has_section(section):
            return False
        if getattr(view, "partner_admin_only", False) and not membership.is_admin:
            return False
        request.membership = membership
        return True
