import json

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from partner_area.companies.models import Company
from partner_area.platform.countries import (
    COUNTRY_CHOICES,
    GENERIC_REGISTRATION,
    REGISTRATION_FORMATS,
    registration_number_error,
    vat_number_error,
)
from partner_area.platform.forms import HoneypotMixin, NewPasswordMixin, clean_phone, deliverable_email_error
from partner_area.platform.identifiers import normalise_registration_number

User = get_user_model()


def registration_number_hint(country: str) -> str:
    """The hint under the registration number, for the chosen country."""
    if country == "LV":
        return str(_("Latvia: 11 digits, e.g. 40003123453."))
    example = REGISTRATION_FORMATS.get(country, GENERIC_REGISTRATION)[1]
    if example:
        return str(_("The number in your country's business register, e.g. %(example)s.")) % {"example": example}
    return str(_("The number in your country's business register: 4 to 20 letters and digits."))


def vat_number_hint(country: str) -> str:
    """The hint under the VAT number, for the chosen country."""
    if country == "LV":
        return str(_("With the country prefix, e.g. LV40003123453."))
    prefix = "EL" if country == "GR" else country
    return str(_("With the country prefix, e.g. %(prefix)s followed by the number.")) % {"prefix": prefix}


class RegistrationForm(HoneypotMixin, NewPasswordMixin, forms.Form):
    # Company
    legal_name = forms.CharField(label=_("Company legal name"), max_length=200)
    country = forms.ChoiceField(label=_("Country"), choices=COUNTRY_CHOICES, initial="LV")
    registration_number = forms.CharField(
        label=_("Registration number"), max_length=32, help_text=_("Latvia: 11 digits, e.g. 40003123453.")
    )
    vat_number = forms.CharField(
        label=_("VAT number"),
        max_length=20,
        required=False,
        help_text=_("With the country prefix, e.g. LV40003123453."),
    )
    address = forms.CharField(label=_("Street address"), max_length=255)
    city = forms.CharField(label=_("City"), max_length=100)
    postal_code = forms.CharField(label=_("Postal code"), max_length=16)
    company_phone = forms.CharField(label=_("Company phone"), max_length=32)
    company_email = forms.EmailField(label=_("Company e-mail"), max_length=254)
    website = forms.URLField(label=_("Website"), required=False, max_length=200, assume_scheme="https")
    # First person
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("Your work e-mail"), max_length=254)
    phone = forms.CharField(label=_("Your phone"), max_length=32, required=False)
    accept_terms = forms.BooleanField(label=_("I accept the Brello 360 partner terms"))

    field_order = [
        "legal_name", "country", "registration_number", "vat_number", "address", "city", "postal_code",
        "company_phone", "company_email", "website", "first_name", "last_name", "email", "phone",
        "password1", "password2", "accept_terms", "website_url",
    ]  # fmt: skip

    COMPANY_FIELDS = ["legal_name", "country", "registration_number", "vat_number", "address", "city", "postal_code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        autocomplete = {
            "legal_name": "organization", "address": "street-address", "city": "address-level2",
            "postal_code": "postal-code", "first_name": "given-name", "last_name": "family-name",
            "email": "email", "phone": "tel", "company_phone": "tel", "website": "url",
        }  # fmt: skip
        for name, value in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value
        self._hints_follow_the_country()

    def _hints_follow_the_country(self) -> None:
        """Hints for the chosen country now; data-field-hints lets portal.js swap them when it changes."""
        codes = [code for code, _name in COUNTRY_CHOICES]
        chosen = self.data.get("country") if self.is_bound else self.initial.get("country")
        chosen = chosen if chosen in codes else self.fields["country"].initial
        self.fields["registration_number"].help_text = registration_number_hint(chosen)
        self.fields["vat_number"].help_text = vat_number_hint(chosen)
        hints = {
            code: {"registration_number": registration_number_hint(code), "vat_number": vat_number_hint(code)}
            for code in codes
        }
        self.fields["country"].widget.attrs["data-field-hints"] = json.dumps(hints, ensure_ascii=False)

    def clean_registration_number(self):
        return normalise_registration_number(self.cleaned_data["registration_number"])

    def clean_vat_number(self):
        return normalise_registration_number(self.cleaned_data.get("vat_number", ""))

    def clean_company_phone(self):
        return clean_phone(self.cleaned_data["company_phone"])

    def clean_phone(self):
        return clean_phone(self.cleaned_data.get("phone", ""))

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if error := deliverable_email_error(email):
            raise forms.ValidationError(error)
        # Whether an address has an account is told only to the address's owner, by e-mail (views.register):
        # the form answers the same either way, so it cannot be used to find out who is a partner.
        self.existing_account = User.objects.filter(email__iexact=email, is_active=True).first()
        return email

    def clean_company_email(self):
        email = self.cleaned_data["company_email"].strip().lower()
        if error := deliverable_email_error(email):
            raise forms.ValidationError(error)
        return email

    def clean(self):
        data = super().clean()
        country, number, vat = data.get("country"), data.get("registration_number"), data.get("vat_number")
        if country and number and (error := registration_number_error(country, number)):
            self.add_error("registration_number", error)
        if country and vat and (error := vat_number_error(country, vat)):
            self.add_error("vat_number", error)
        duplicate = number and "registration_number" not in self.errors
        if duplicate and Company.objects.holding_number(number).exists():
            self.add_error("registration_number", duplicate_company_message())
        self.check_new_password(email=data.get("email", ""))
        return data

    def company_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.COMPANY_FIELDS}
        data.update(
            phone=self.cleaned_data["company_phone"],
            email=self.cleaned_data["company_email"],
            website=self.cleaned_data.get("website", ""),
        )
        return data

    def person_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("first_name", "last_name", "email", "phone")}


def duplicate_company_message() -> str:
    # Deliberately says nothing about who the company is or who administers it.
    return str(_("This company already has a portal account — ask its administrator for an invitation."))


class ResendConfirmationForm(HoneypotMixin, forms.Form):
    email = forms.EmailField(label=_("Your e-mail"))
