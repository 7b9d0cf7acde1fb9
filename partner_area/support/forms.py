from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from partner_area.platform.forms import HoneypotMixin, deliverable_email_error

from . import attachments as attachment_rules
from .models import Status, SupportComment, SupportRequest


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one <input type=file multiple> (the pattern Django's documentation gives); a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        clean_one = super().clean
        if isinstance(data, list | tuple):
            return [cleaned for cleaned in (clean_one(item, initial) for item in data) if cleaned]
        cleaned = clean_one(data, initial)
        return [cleaned] if cleaned else []


def attachments_help_text() -> str:
    return ngettext(
        "Up to %(count)d file of at most %(size)s. Allowed types: %(types)s.",
        "Up to %(count)d files of at most %(size)s each. Allowed types: %(types)s.",
        attachment_rules.max_files(),
    ) % {
        "count": attachment_rules.max_files(),
        "size": filesizeformat(attachment_rules.max_bytes()),
        "types": ", ".join(ext.upper() for ext in attachment_rules.ALLOWED_EXTENSIONS),
    }


class AttachmentsMixin(forms.Form):
    """Files checked by the same rules the service applies (count, size, type by content), with the rules shown
    as help text and in the file picker's accept attribute."""

    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["attachments"]
        field.help_text = attachments_help_text()  # per form: the limits are settings, read at request time
        field.widget.attrs["accept"] = attachment_rules.ACCEPT

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        attachment_rules.validate_attachments(files)
        return files


class SupportRequestForm(AttachmentsMixin, forms.ModelForm):
    class Meta:
        model = SupportRequest
        fields = ["subject", "category", "priority", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 8})}


class ReplyForm(AttachmentsMixin, forms.ModelForm):
    class Meta:
        model = SupportComment
        fields = ["body"]
        labels = {"body": _("Your reply")}
        widgets = {"body": forms.Textarea(attrs={"rows": 5})}


class QuickContactForm(forms.Form):
    """The small contact form on the partner home."""

    subject = forms.CharField(label=_("Subject"), max_length=150)
    message = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class PublicContactForm(HoneypotMixin, forms.Form):
    """The public site's contact form for visitors who are not (yet) partners."""

    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), max_length=254, help_text=_("We answer to this address."))
    company_name = forms.CharField(label=_("Company"), max_length=200, required=False)
    message = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, value in {"name": "name", "email": "email", "company_name": "organization"}.items():
            self.fields[name].widget.attrs["autocomplete"] = value

    def clean_email(self):
        email = self.cleaned_data["email"]
        error = deliverable_email_error(email)
        if error:
            raise ValidationError(error)
        return email


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All statuses")), *Status.choices])


def add_service_error(form: forms.Form, error: ValidationError, field_names: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError on the form: per field where the form has that field, else on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.error_dict.items():
        target = (field_names or {}).get(name, name)
        form.add_error(target if target in form.fields else None, messages)
