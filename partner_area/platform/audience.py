"""Who an announcement or a material is for: all partners, or any combination of tiers, countries,
partners of products and specific companies, optionally org admins only.

The rule, in the words editors see: "All partners" ignores the other parts. Otherwise a company is in the
audience when it is one of the specific companies, or when it matches every part that is filled in
(tiers, countries, products). "Org admins only" then leaves out users who are not org admins.

The rule is written once, as data (EVERYONE, SPECIFIC_COMPANIES, AUDIENCE_PARTS, ADMINS_ONLY), and read in
both directions: `audience_for_company_q` finds the objects a company's member sees (partner pages),
`audience_members_q` the members an object reaches (e-mail recipients, the editor's preview).
tests/test_audience.py checks on a grid of companies and audiences that the two agree."""

from dataclasses import dataclass
from functools import reduce
from operator import and_

from django import forms
from django.db import models
from django.db.models import Exists, OuterRef, Q
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


@dataclass(frozen=True)
class AudiencePart:
    """One part of an audience: the object's field and the company's field it is compared with. A filled-in
    part matches a company whose value is among the chosen ones (`related`: the company is related to one of
    the chosen objects, e.g. sells one of the products)."""

    field: str
    company_field: str
    related: bool = False


EVERYONE = "audience_all"
SPECIFIC_COMPANIES = "audience_companies"
AUDIENCE_PARTS = (
    AudiencePart("audience_tiers", "tier"),
    AudiencePart("audience_countries", "country"),
    AudiencePart("audience_products", "products", related=True),
)
ADMINS_ONLY = "admins_only"


def _path(prefix: str, name: str) -> str:
    return f"{prefix}__{name}" if prefix else name


def _all(conditions: list[Q]) -> Q:
    return reduce(and_, conditions, Q())


def audience_for_company_q(model: type[models.Model], *, company, is_admin: bool) -> Q:
    """A filter for `model` rows whose audience includes this company's org admins (`is_admin`) or users."""

    def links(field: str):
        relation = model._meta.get_field(field)
        rows = relation.remote_field.through.objects.filter(**{relation.m2m_field_name(): OuterRef("pk")})
        return rows, relation.m2m_reverse_field_name()

    filled, matching = [], []
    for part in AUDIENCE_PARTS:
        if part.related:
            rows, target = links(part.field)
            chosen = getattr(company, part.company_field).values("pk")
            empty, match = ~Exists(rows), Exists(rows.filter(**{f"{target}__in": chosen}))
        else:
            empty, match = Q(**{part.field: ""}), contains_item(part.field, getattr(company, part.company_field))
        filled.append(~empty)
        matching.append(empty | match)
    rows, target = links(SPECIFIC_COMPANIES)
    specific = Exists(rows.filter(**{f"{target}_id": company.pk}))
    any_filled = reduce(lambda a, b: a | b, filled)

    matches = Q(**{EVERYONE: True}) | specific | (any_filled & _all(matching))
    if not is_admin:
        matches &= Q(**{ADMINS_ONLY: False})
    return matches


def audience_companies_q(audience: "Audience", *, company_path: str = "") -> Q:
    """A filter for the companies in this object's audience, at `company_path` from the filtered model
    ("" for companies themselves, "company" for memberships). Reads the object's values, saved or not."""
    if getattr(audience, EVERYONE):
        return Q()
    company_model = type(audience)._meta.get_field(SPECIFIC_COMPANIES).related_model
    criteria = []
    for part in AUDIENCE_PARTS:
        if part.related:
            chosen = [related.pk for related in getattr(audience, part.field).all()]
            if chosen:
                selling = company_model._base_manager.filter(**{f"{part.company_field}__in": chosen})
                criteria.append(Q(**{_path(company_path, "pk__in"): selling.values("pk")}))
        elif chosen := getattr(audience, part.field):
            criteria.append(Q(**{_path(company_path, f"{part.company_field}__in"): chosen}))
    specific = [company.pk for company in getattr(audience, SPECIFIC_COMPANIES).all()]
    matches = Q(**{_path(company_path, "pk__in"): specific})
    return matches | _all(criteria) if criteria else matches


def audience_members_q(audience: "Audience", *, company_path: str = "company", admins: Q) -> Q:
    """A filter for the members (at `company_path` from their company) this object's audience reaches;
    `admins` selects the org admins among them."""
    matches = audience_companies_q(audience, company_path=company_path)
    return matches & admins if getattr(audience, ADMINS_ONLY) else matches


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


def audience_includes(audience: "Audience", *, company, is_admin: bool) -> bool:
    """Whether this object's audience (saved or not: the editor's preview) reaches the company's org admins
    (`is_admin`) or its users."""
    if getattr(audience, ADMINS_ONLY) and not is_admin:
        return False
    return type(company)._base_manager.filter(pk=company.pk).filter(audience_companies_q(audience)).exists()
