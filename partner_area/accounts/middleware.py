"""The second login step. Goes right after django_otp.middleware.OTPMiddleware in MIDDLEWARE."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect
from django_otp import user_has_device

from .two_factor_views import uses_admin

ADMIN_PREFIX = "/admin/"
API_PREFIX = "/api/"
# Reachable while the second step is still open: the step itself and the ways out.
ALWAYS_ALLOWED_VIEWS = {"partner:two_factor_verify", "partner:logout", "wagtailadmin_logout"}
SETUP_VIEW = "partner:two_factor_setup"
VERIFY_VIEW = "partner:two_factor_verify"


def _exempt_prefixes() -> tuple[str, ...]:
    prefixes = ["/i18n/"]
    for url in (settings.STATIC_URL, settings.MEDIA_URL):
        if url and url.startswith("/"):
            prefixes.append(url)
    return tuple(prefixes)


class TwoFactorMiddleware:
    """A logged-in person with a confirmed authenticator whose session has not passed the code step
    reaches nothing but the verify page and logout: every other page redirects to the verify page
    (API requests get 403 JSON). With settings.STAFF_REQUIRE_2FA, staff entering the Wagtail admin
    must first set up an authenticator, and verify it in each session."""

    exempt_paths = ("/healthz", "/readyz")

    def __init__(self, get_response):
        self.get_response = get_response
        self.exempt_prefixes = _exempt_prefixes()

    def __call__(self, request):
        response = self._second_step(request)
        if response is not None:
            return response
        return self.get_response(request)

    def _second_step(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not hasattr(user, "is_verified"):
            raise ImproperlyConfigured(
                "TwoFactorMiddleware must come after django_otp.middleware.OTPMiddleware in MIDDLEWARE."
            )
        if user.is_verified():
            return None
        path = request.path_info
        if path in self.exempt_paths or path.startswith(self.exempt_prefixes):
            return None

        if user_has_device(user, confirmed=True):
            target = VERIFY_VIEW
        elif settings.STAFF_REQUIRE_2FA and path.startswith(ADMIN_PREFIX) and uses_admin(user):
            target = SETUP_VIEW
        else:
            return None

        view_name = self._view_name(path)
        if view_name in ALWAYS_ALLOWED_VIEWS or (target == SETUP_VIEW and view_name == SETUP_VIEW):
            return None
        return self._send_to(request, target)

    @staticmethod
    def _view_name(path: str) -> str | None:
        try:
            return resolve(path).view_name
        except Resolver404:
            return None

    @staticmethod
    def _send_to(request, target: str):
        if request.path_info.startswith(API_PREFIX):
            return JsonResponse(
                {"detail": _("Two-factor verification required."), "code": "two_factor_required"}, status=403
            )
        url = f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request") == "true":
            return HttpResponseClientRedirect(url)
        return redirect(url)
