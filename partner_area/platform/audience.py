"""Who an announcement or a material is for: all partners, or any combination of tiers, countries,
partners of products and specific companies, optionally org admins only.

The rule, in the words editors see: "All partners" ignores the other parts. Otherwise a company is in the
audience when it is one of the specific companies, or when it matches every part that is filled in
(tiers, countries, products). "Org admins only" then leaves out users who are not org admins."""

from django import forms
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField

from .countries import COUNTRY_CHOICES
from .tiers import Tier


class ChoiceListField(models.CharField):
    """A list of choice values stored as ",a,b," so that "contains ,a," finds it on every database
    (SQLite has no JSON containment lookup)."""

    def __init__(self, *args, item_choices=(), **kwargs):
        self.item_choices = list(item_choices)
        kwargs.setdefault("max_length", 255)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["item_choices"] = self.item_choices
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return self.to_python(value)

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return list(value)
        return [item for item in (value or "").split(",") if item]

    def get_prep_value(self, value):
        items = self.to_python(value)
        return f",{','.join(items)}," if items else ""

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))

    def validate(self, value, model_instance):
        allowed = {key for key, _label in self.item_choices}
        unknown = [item for item in self.to_python(value) if item not in allowed]
        if unknown:
            raise forms.ValidationError(_("Unknown choice: %(items)s"), params={"items": ", ".join(unknown)})

    def formfield(self, **kwargs):
        widget = forms.CheckboxSelectMultiple if len(self.item_choices) <= 8 else forms.SelectMultiple
        return forms.TypedMultipleChoiceField(
            choices=self.item_choices,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            widget=widget,
            **{key: value for key, value in kwargs.items() if key in ("initial", "show_hidden_initial")},
        )


def contains_item(field: str, value: str) -> Q:
    return Q(**{f"{field}__contains": f",{value},"})


class Audience(models.Model):
    """The audience fields shared by announcements and materials."""

    audience_all = models.BooleanField(
        _("all partners"), default=True, help_text=_("Untick to choose tiers, countries, products or companies.")
    )
    audience_tiers = ChoiceListField(_("tiers"), item_choices=Tier.choices)
    audience_countries = ChoiceListField(_("countries"), item_choices=COUNTRY_CHOICES, max_length=200)
    # By name: products and companies are features' models, and the platform imports no feature.
    audience_products = ParentalManyToManyField(
        "materials.Product",
        verbose_name=_("partners of products"),
        blank=True,
        related_name="+",
        help_text=_("Companies that sell at least one of these products."),
    )
    audience_companies = ParentalManyToManyField(
        "organizations.Company",
        verbose_name=_("specific companies"),
        blank=True,
        related_name="+",
        help_text=_("Always included, whatever the other parts say."),
    )
    admins_only = models.BooleanField(
        _("org admins only"), default=False, help_text=_("Only the organisation admins of the chosen companies.")
    )

    class Meta:
        abstract = True

    def audience_summary(self) -> str:
        """One line for editors: who will see this."""
        if self.audience_all:
            parts = [str(_("All partners"))]
        else:
            parts = []
            tiers, countries = dict(Tier.choices), dict(COUNTRY_CHOICES)
            if self.audience_tiers:
                parts.append(", ".join(str(tiers.get(t, t)) for t in self.audience_tiers))
            if self.audience_countries:
                parts.append(", ".join(str(countries.get(c, c)) for c in self.audience_countries))
            if self.pk:
                parts += [str(p) for p in self.audience_products.all()]
                parts += [str(c) for c in self.audience_companies.all()]
        if self.admins_only:
            parts.append(str(_("org admins only")))
        return " · ".join(parts) or str(_("Nobody yet"))
