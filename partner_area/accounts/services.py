"""Accounts' writes: two-factor authentication with an authenticator app (TOTP, django-otp).

Setting up stores nothing until it is confirmed: two_factor_enable gives an unsaved authenticator whose secret the
page shows (the view keeps the key in the session, so reloading shows the same QR code); two_factor_confirm writes
the device when the first code is typed — the row also holds django-otp's throttling, so a failed first code
leaves it unconfirmed — and confirms it once a code matches. two_factor_disable removes every device. API tokens
have their own service module, api_tokens.py."""

import math
import re
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from partner_area.platform.audit.services import audit_record

from .api_tokens import api_tokens_delete_all
from .models import User

DEVICE_NAME = "Authenticator app"
KEY_RE = re.compile(r"^[0-9a-f]{40}$")  # django-otp's default_key(): 20 random bytes in hex
WRONG_CODE_MESSAGE = _("That code is not right. Check the time on your phone and try the newest code.")

# While an authenticator is being set up it guards nothing yet (and the view is rate limited), so the first typos
# are judged on their code: django-otp's back-off (1 s after one failure) would otherwise refuse the correct code
# typed right after a typo. Further failures are throttled as usual.
SETUP_TYPOS_WITHOUT_BACKOFF = 3


def _throttled_message(seconds: int) -> str:
    return ngettext(
        "Too many attempts. Wait %(seconds)d second and try again.",
        "Too many attempts. Wait %(seconds)d seconds and try again.",
        seconds,
    ) % {"seconds": seconds}


def two_factor_code_error(*, wait: int | None) -> ValidationError:
    """Why a code was refused: the person must wait (throttled), or it is not a current code."""
    if wait:
        return ValidationError(_throttled_message(wait), code="throttled")
    return ValidationError(WRONG_CODE_MESSAGE, code="invalid")


def _verify_is_allowed(device: TOTPDevice, *, setting_up: bool):
    allowed, data = device.verify_is_allowed()
    if not allowed and setting_up and device.throttling_failure_count < SETUP_TYPOS_WITHOUT_BACKOFF:
        # In memory only: verify_token() checks the back-off again, and records a new failure as usual.
        device.throttling_failure_timestamp = None
        return True, None
    return allowed, data


def _devices_check_code(devices, code: str) -> tuple[TOTPDevice | None, int | None]:
    """Try the code against devices the caller has locked in its transaction: the device that accepted it (or
    None), and how long the person must wait when every device is throttled after failed attempts (or None)."""
    wait = None
    for device in devices:
        allowed, data = _verify_is_allowed(device, setting_up=not device.confirmed)
        if not allowed:
            locked_until = (data or {}).get("locked_until")
            seconds = math.ceil((locked_until - timezone.now()).total_seconds()) if locked_until else 1
            wait = max(wait or 0, seconds, 1)
            continue
        if device.verify_token(code):
            return device, None
    return None, wait


def two_factor_code_check(*, user: User, code: str) -> tuple[TOTPDevice | None, int | None]:
    """Try the code against the person's confirmed devices, locking the rows so concurrent guesses cannot race
    django-otp's throttling and replay guard: (device that accepted it or None, seconds to wait or None)."""
    with transaction.atomic():
        return _devices_check_code(devices_for_user(user, confirmed=True, for_verify=True), code)


def two_factor_enable(*, user: User, key: str | None = None) -> TOTPDevice:
    """The authenticator being set up, unsaved: with `key` (already shown), an unfinished setup's, or a new one."""
    if not (key and KEY_RE.match(key)):
        earlier = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        key = earlier.key if earlier is not None else default_key()
    return TOTPDevice(user=user, name=DEVICE_NAME, key=key, confirmed=False)


def two_factor_confirm(*, user: User, key: str, code: str, company=None, request=None) -> TOTPDevice:
    """Store and confirm the authenticator with this key once `code` is a current code from it; audited."""
    if not KEY_RE.match(key or ""):
        raise two_factor_code_error(wait=None)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, key=key, confirmed=False).first()
        if device is None:
            device = TOTPDevice(user=user, name=DEVICE_NAME, key=key, confirmed=False)
            device.full_clean()
            device.save()
        matched, wait = _devices_check_code([device], code)
        if matched is not None:
            device.confirmed = True
            device.full_clean()
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            # Tokens issued on the password alone would otherwise go on working past the new second step.
            tokens_deleted = api_tokens_delete_all(user=user)
            audit_record(
                request=request,
                actor=user,
                action="two_factor.enabled",
                company=company,
                target=user,
                details={"device": "totp", "api_tokens_deleted": tokens_deleted},
            )
    # Outside the transaction: a failed attempt is recorded on the device (django-otp's throttling) and stays.
    if matched is None:
        raise two_factor_code_error(wait=wait)
    return device


def two_factor_disable(*, user: User, method: Literal["code", "password"], company=None, request=None) -> int:
    """Remove all of the person's authenticators (confirmed or not); audited; return how many there were."""
    with transaction.atomic():
        removed = 0
        for device in list(devices_for_user(user, confirmed=None)):
            device.delete()
            removed += 1
        audit_record(
            request=request,
            actor=user,
            action="two_factor.disabled",
            company=company,
            target=user,
            details={"devices_removed": removed, "with": method},
        )
    return removed
