"""Form pieces every feature shares: deliverable e-mail and phone checks, the honeypot, a new password typed twice."""

import re

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

User = get_user_model()


# Domains that cannot receive mail: reserved for documentation and testing (RFC 2606 / RFC 6761).
UNDELIVERABLE_DOMAINS = re.compile(r"(^|\.)(example|invalid|localhost|test|local)$|(^|\.)example\.(com|net|org)$")


PHONE = re.compile(r"^\+?[0-9 ()-]{7,20}$")


def deliverable_email_error(email: str) -> str | None:
    domain = email.rsplit("@", 1)[-1].lower()
    if "." not in domain or UNDELIVERABLE_DOMAINS.search(domain):
        return str(_("This e-mail domain cannot receive mail. Use your work e-mail address."))
    return None


def clean_phone(value: str) -> str:
    value = (value or "").strip()
    if value and not PHONE.match(value):
        raise forms.ValidationError(_("Enter a phone number of digits, spaces and an optional leading +."))
    return value


class HoneypotMixin(forms.Form):
    """A field people never see and bots fill in."""

    website_url = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website_url"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_website_url(self):
        if self.cleaned_data.get("website_url"):
            raise forms.ValidationError(_("Please leave this field empty."))
        return ""


class NewPasswordMixin(forms.Form):
    """A new password typed twice, checked by Django's password validators against the person's details."""

    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not a common password and not only digits."),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def check_new_password(self, *, email: str) -> None:
        data = self.cleaned_data
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match."))
        elif password1:
            probe = User(email=email, first_name=data.get("first_name", ""), last_name=data.get("last_name", ""))
            try:
                password_validation.validate_password(password1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
