"""Two-factor authentication with an authenticator app (TOTP, django-otp).

Org admins may turn it on for themselves; staff must use it to enter the Wagtail admin when
settings.STAFF_REQUIRE_2FA is on. TwoFactorMiddleware (middleware.py) sends people with a confirmed
device to the verify page after their password login."""

import xml.etree.ElementTree as ET
from base64 import b32encode
from functools import wraps
from urllib.parse import urlencode

import qrcode
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device
from django_otp import login as otp_login
from qrcode.image.svg import SvgPathFillImage

from partner_area.companies.access import can_use_portal, membership_for
from partner_area.platform.ratelimits import limit_posts

from .services import two_factor_confirm, two_factor_disable, two_factor_enable
from .two_factor_forms import TwoFactorDisableForm, TwoFactorSetupForm, TwoFactorVerifyForm

SETUP_KEY_SESSION_KEY = "two_factor_setup_key"  # the secret shown while setting up, until its first code


def uses_admin(user) -> bool:
    """Staff, and anyone else allowed into the Wagtail admin (e.g. editors)."""
    return bool(
        user.is_authenticated and (user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin"))
    )


def _allowed_next(request) -> str:
    """The `next` parameter if it points to this site, else "" (never an open redirect)."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def safe_next(request, default=None) -> str:
    return _allowed_next(request) or resolve_url(default or settings.LOGIN_REDIRECT_URL)


def _home_for(request) -> str:
    """Where a person lands after logging in when there is no `next`: staff without a company go to the admin."""
    if uses_admin(request.user) and membership_for(request) is None:
        return "/admin/"
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def two_factor_access(*, enrol: bool):
    """Who may manage two-factor authentication: org admins of a usable company and staff may turn it
    on (enrol=True); anyone who already has a confirmed device may see its status and turn it off.
    Everyone else gets 404, the same answer as a page that does not exist."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            allowed = uses_admin(user)
            if not allowed:
                membership = membership_for(request)
                if membership is not None and membership.is_admin:
                    if not can_use_portal(membership):
                        return redirect("partner:status")
                    allowed = True
            if not allowed and not enrol:
                allowed = user_has_device(user, confirmed=True)
            if not allowed:
                raise Http404("Two-factor authentication is not available for this account")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def redirect_to_verify(request):
    return redirect(f"{reverse('partner:two_factor_verify')}?{urlencode({'next': request.get_full_path()})}")


def _company(request):
    membership = membership_for(request)
    return membership.company if membership is not None else None


def _mark_verified(request, device) -> None:
    """Mark this session as having passed the second factor, under a fresh session key."""
    request.session.cycle_key()
    otp_login(request, device)


def qr_code_svg(data: str) -> str:
    """The QR code as inline SVG markup, rendered here on the server (no external image service)."""
    image = qrcode.make(
        data, image_factory=SvgPathFillImage, box_size=10, border=4
    )  # 4-module quiet zone, as the QR spec asks
    svg = image.get_image()
    svg.set("width", "220")
    svg.set("height", "220")
    svg.set("class", "qr-code")
    svg.set("role", "img")
    svg.set("aria-label", _("QR code for your authenticator app"))
    # Only generated path data and attributes set above, escaped by ElementTree: safe to inline.
    return mark_safe(ET.tostring(svg, encoding="unicode"))  # noqa: S308


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@require_http_methods(["GET", "POST"])
@two_factor_access(enrol=False)
@limit_posts("RATELIMIT_LOGIN", "ip", "user")
def two_factor(request):
    """Status of two-factor authentication, with the way to turn it on or off."""
    user = request.user
    enabled = user_has_device(user, confirmed=True)
    if enabled and not user.is_verified():
        # TwoFactorMiddleware normally stops this earlier; never let a password-only session turn 2FA off.
        return redirect_to_verify(request)
    form = TwoFactorDisableForm(request.POST if request.method == "POST" else None, user=user) if enabled else None
    if request.method == "POST":
        if form is None:
            return redirect("partner:two_factor")
        if form.is_valid():
            method = "code" if form.cleaned_data.get("code") else "password"
            two_factor_disable(user=user, method=method, company=_company(request), request=request)
            request.session.pop(DEVICE_ID_SESSION_KEY, None)
            messages.success(request, _("Two-factor authentication is off."))
            return redirect("partner:two_factor")
    return render(
        request,
        "accounts/two_factor.html",
        {
            "enabled": enabled,
            "form": form,
            "may_enrol": not enabled,
            "staff_required": uses_admin(user) and settings.STAFF_REQUIRE_2FA,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@two_factor_access(enrol=True)
@limit_posts("RATELIMIT_LOGIN", "ip", "user")
def two_factor_setup(request):
    """Add an authenticator app: scan the QR code (or type the key), then confirm with a first code. Nothing is
    stored before that code: the key shown is kept in the session, so a reload shows the same one."""
    user = request.user
    if user_has_device(user, confirmed=True):
        messages.info(request, _("Two-factor authentication is already on."))
        return redirect("partner:two_factor")
    pending = two_factor_enable(user=user, key=request.session.get(SETUP_KEY_SESSION_KEY))
    if request.session.get(SETUP_KEY_SESSION_KEY) != pending.key:
        request.session[SETUP_KEY_SESSION_KEY] = pending.key
    form = TwoFactorSetupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor_confirm(
                user=user, key=pending.key, code=form.cleaned_data["code"], company=_company(request), request=request
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            request.session.pop(SETUP_KEY_SESSION_KEY, None)
            _mark_verified(request, device)
            messages.success(
                request, _("Two-factor authentication is on. You will be asked for a code after logging in.")
            )
            return redirect(safe_next(request, "partner:two_factor"))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": qr_code_svg(pending.config_url),
            "secret": _grouped(b32encode(pending.bin_key).decode()),
            "next": _allowed_next(request),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
@limit_posts("RATELIMIT_LOGIN", "ip", "user")
def two_factor_verify(request):
    """The second login step: a code from the authenticator app."""
    user = request.user
    if user.is_verified() or not user_has_device(user, confirmed=True):
        return redirect(safe_next(request, _home_for(request)))
    form = TwoFactorVerifyForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        _mark_verified(request, form.device)
        return redirect(safe_next(request, _home_for(request)))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _allowed_next(request)})
