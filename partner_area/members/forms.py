"""Forms of the members pages: invite a colleague, change a member's role and grants, accept an invitation."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from partner_area.companies.models import Role
from partner_area.platform.forms import HoneypotMixin, NewPasswordMixin, clean_phone, deliverable_email_error
from partner_area.platform.sections import Section

from .services import NO_SECTIONS_MESSAGE

User = get_user_model()

SECTIONS_HELP = _("Administrators see every section and manage members, so sections apply to users only.")


class RoleAndSectionsForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.USER, widget=forms.RadioSelect)
    sections = forms.MultipleChoiceField(
        label=_("Sections they can open"),
        choices=Section.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=SECTIONS_HELP,
    )

    def clean(self):
        data = super().clean()
        # The service refuses it too; checked here so the message sits on the field next to any other error.
        if data.get("role") == Role.USER and not data.get("sections") and "sections" not in self.errors:
            self.add_error("sections", NO_SECTIONS_MESSAGE)
        return data


class InviteForm(RoleAndSectionsForm):
    email = forms.EmailField(label=_("Work e-mail"), max_length=254)

    field_order = ["email", "role", "sections"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "off"

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if error := deliverable_email_error(email):
            raise forms.ValidationError(error)
        return email


class MemberForm(RoleAndSectionsForm):
    @classmethod
    def for_member(cls, member, data=None) -> "MemberForm":
        grants = [section for section in Section.values if getattr(member, f"can_{section}")]
        return cls(data, initial={"role": member.role, "sections": grants})


class InvitationAcceptForm(HoneypotMixin, NewPasswordMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)

    field_order = ["first_name", "last_name", "phone", "password1", "password2", "website_url"]

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)
        autocomplete = {"first_name": "given-name", "last_name": "family-name", "phone": "tel"}
        for name, value in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value

    def clean_phone(self):
        return clean_phone(self.cleaned_data.get("phone", ""))

    def clean(self):
        data = super().clean()
        self.check_new_password(email=self.email)
        return data
