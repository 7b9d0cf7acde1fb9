from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.models import Locale

from partner_area.platform.audience_admin import AudienceFormMixin

from .models import MaterialCategory, MaterialLanguage
from .services import material_file_accept
from .validators import ALLOWED_EXTENSIONS, validate_material_file


class MaterialAdminForm(AudienceFormMixin, WagtailAdminModelForm):
    """Checks the upload by content and size, and fills in its name, type, size and thumbnail."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "category" in self.fields:
            # Materials point at the default language's category; partners read its translation's name.
            self.fields["category"].queryset = MaterialCategory.objects.filter(locale=Locale.get_default())
        if "file" in self.fields:
            self.fields["file"].widget.attrs["accept"] = ",".join(f".{ext}" for ext in ALLOWED_EXTENSIONS)
            self.fields["file"].help_text = _("Allowed: %(types)s.") % {"types": ", ".join(ALLOWED_EXTENSIONS)}

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded and "file" in self.files:
            validate_material_file(uploaded)
        return uploaded

    def save(self, commit=True):
        material = super().save(commit=False)
        if "file" in self.files and self.cleaned_data.get("file"):
            material_file_accept(material=material, uploaded=self.cleaned_data["file"])
        if material.uploaded_by_id is None and getattr(self, "for_user", None) is not None:
            material.uploaded_by = self.for_user
        if commit:
            material.save()
            self.save_m2m()
        return material


class MaterialFilterForm(forms.Form):
    """The partner's search and filters on the materials page (GET)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    product = forms.ChoiceField(label=_("Product"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, data=None, *, choices: dict, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["q"].widget = forms.TextInput(attrs={"type": "search", "placeholder": _("Title or description")})
        languages = dict(MaterialLanguage.choices)
        self.fields["product"].choices = [("", _("All products"))] + [(p.slug, p.name) for p in choices["products"]]
        self.fields["category"].choices = [("", _("All categories"))] + [
            (c.slug, c.localized_name) for c in choices["categories"]
        ]
        self.fields["language"].choices = [("", _("All languages"))] + [
            (code, languages.get(code, code)) for code in choices["languages"]
        ]

    def filters(self) -> dict:
        """The chosen filters as material_search() arguments (query, product, category, language)."""
        if not self.is_valid():
            return {}
        names = {"q": "query"}
        return {names.get(key, key): value for key, value in self.cleaned_data.items() if value}
