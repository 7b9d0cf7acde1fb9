"""Forms for TOTP two-factor authentication (django-otp): set up, verify after login, turn off."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import two_factor_code_check, two_factor_code_error

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


class TwoFactorSetupForm(forms.Form):
    """The first code from the new authenticator; two_factor_confirm checks it against the key shown."""

    code = code_field(autofocus=False)  # the QR code comes first; no keyboard popping up over it

    def clean_code(self) -> str:
        return clean_code_value(self.cleaned_data.get("code", ""))


class TwoFactorVerifyForm(forms.Form):
    """The second step after the password: a code from a confirmed authenticator; `device` is the one that
    matched."""

    code = code_field()

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
            self.device, wait = two_factor_code_check(user=self.user, code=code)
            if self.device is None:
                self.add_error("code", two_factor_code_error(wait=wait))
        return cleaned


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
            device, wait = two_factor_code_check(user=self.user, code=code)
            if device is None:
                self.add_error("code", two_factor_code_error(wait=wait))
        elif password:
            if not self.user.check_password(password):
                self.add_error("password", forms.ValidationError(_("That password is not right."), code="invalid"))
        else:
            raise forms.ValidationError(
                _("Enter a code from your authenticator app or your password."), code="required"
            )
        return cleaned
