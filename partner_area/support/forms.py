from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Status, SupportRequest


class SupportRequestForm(forms.ModelForm):
    class Meta:
        model = SupportRequest
        fields = ["subject", "category", "priority", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 8})}


class QuickContactForm(forms.Form):
    """The small contact form on the partner home."""

    subject = forms.CharField(label=_("Subject"), max_length=150)
    message = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All statuses")), *Status.choices])
