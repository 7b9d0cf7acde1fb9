from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .access import membership_for
from .models import CompanyStatus


class PartnerAccessMiddleware:
    """Ends the session of a person whose company was blocked or whose membership was deactivated,
    on their very next request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and not request.user.is_staff:
            membership = membership_for(request)
            if membership and (not membership.is_active or membership.company.status == CompanyStatus.BLOCKED):
                logout(request)
                messages.error(
                    request, _("Your access to the partner portal has ended. Contact Brello if this is a mistake.")
                )
                return redirect("partner:login")
        return self.get_response(request)
