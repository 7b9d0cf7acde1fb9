"""Forms for TOTP two-factor authentication (django-otp): set up, verify after login, turn off."""

import math
import re

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp import devices_for_user

CODE_RE = re.compile(r"^\d{6}$")


def code_field(*, required: bool = True, autofocus: bool = True) -> forms.CharField:
    """The 6-digit code input: numeric keyboard on phones, one-time-code autofill."""
    return forms.CharField(
        label=_("6-digit code"),
        required=required,
        max_length=12,  # room for "123 456" typed with a space; cleaned to 6 digits
        strip=True,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9]{6}",
                "autocapitalize": "off",
                "spellcheck": "false",
                **({"autofocus": True} if autofocus else {}),
            }
        ),
    )


def clean_code_value(value: str) -> str:
    value = (value or "").replace(" ", "").replace("-", "")
    if value and not CODE_RE.match(value):
        raise forms.ValidationError(_("Enter the 6-digit code from your authenticator app."), code="format")
    return value


def _throttled_message(seconds: int) -> str:
    return ngettext(
        "Too many attempts. Wait %(seconds)d second and try again.",
        "Too many attempts. Wait %(seconds)d seconds and try again.",
        seconds,
    ) % {"seconds": seconds}


# While an authenticator is being set up it guards nothing yet (and the view is rate limited), so the first typos
# are judged on their code: django-otp's back-off (1 s after one failure) would otherwise refuse the correct code
# typed right after a typo. Further failures are throttled as usual.
SETUP_TYPOS_WITHOUT_BACKOFF = 3


def _verify_is_allowed(device, *, setting_up: bool):
    allowed, data = device.verify_is_allowed()
    if not allowed and setting_up and device.throttling_failure_count < SETUP_TYPOS_WITHOUT_BACKOFF:
        # In memory only: verify_token() checks the back-off again, and records a new failure as usual.
        device.throttling_failure_timestamp = None
        return True, None
    return allowed, data


def check_code(user, code: str, *, confirmed: bool = True):
    """Try the code against the person's devices (confirmed, or the unconfirmed one being set up),
    locking the rows so concurrent guesses cannot race django-otp's throttling and replay guard.

    Returns (device, wait_seconds): the device that accepted the code (or None), and how long the
    person must wait when every device is throttled after failed attempts (or None)."""
    wait = None
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=confirmed, for_verify=True):
            allowed, data = _verify_is_allowed(device, setting_up=not device.confirmed)
            if not allowed:
                locked_until = (data or {}).get("locked_until")
                seconds = math.ceil((locked_until - timezone.now()).total_seconds()) if locked_until else 1
                wait = max(wait or 0, seconds, 1)
                continue
            if device.verify_token(code):
                return device, None
    return None, wait


class _CodeForm(forms.Form):
    """A form whose code is checked against the person's devices; `device` is the one that matched."""

    code = code_field()
    confirmed_devices = True
    wrong_code_message = _("That code is not right. Check the time on your phone and try the newest code.")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_code(self) -> str:
        return clean_code_value(self.cleaned_data.get("code", ""))

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("code")
        if code:
            self.device, wait = check_code(self.user, code, confirmed=self.confirmed_devices)
            if self.device is None:
                if wait:
                    self.add_error("code", forms.ValidationError(_throttled_message(wait), code="throttled"))
                else:
                    self.add_error("code", forms.ValidationError(self.wrong_code_message, code="invalid"))
        return cleaned


class TwoFactorSetupForm(_CodeForm):
    """Confirms the new, not yet confirmed authenticator with a first code."""

    confirmed_devices = False
    code = code_field(autofocus=False)  # the QR code comes first; no keyboard popping up over it


class TwoFactorVerifyForm(_CodeForm):
    """The second step after the password: a code from a confirmed authenticator."""


class TwoFactorDisableForm(forms.Form):
    """Turning two-factor authentication off needs a current code or the account password."""

    code = code_field(required=False, autofocus=False)
    password = forms.CharField(
        label=_("or your password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_code(self) -> str:
        return clean_code_value(self.cleaned_data.get("code", ""))

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        code, password = cleaned.get("code"), cleaned.get("password")
        if code:
            device, wait = check_code(self.user, code, confirmed=True)
            if device is None:
                message = _throttled_message(wait) if wait else _CodeForm.wrong_code_message
                self.add_error("code", forms.ValidationError(message, code="throttled" if wait else "invalid"))
        elif password:
            if not self.user.check_password(password):
                self.add_error("password", forms.ValidationError(_("That password is not right."), code="invalid"))
        else:
            raise forms.ValidationError(
                _("Enter a code from your authenticator app or your password."), code="required"
            )
        return cleaned
