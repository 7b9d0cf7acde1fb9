"""What the staff listings show: the review queue, the company listing query, search and filters."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.widgets import BooleanRadioSelect

from partner_area.platform.audit.models import AuditLogEntry, action_label
from partner_area.platform.countries import COUNTRY_CHOICES

from .models import Company, CompanyStatus, Tier
from .selectors import APPLICATION_STATUSES


def upline_choices(request) -> QuerySet[Company]:
    return Company.objects.filter(Exists(Company.objects.filter(parent=OuterRef("pk")))).only("pk", "legal_name")


class CompanyFilterSet(WagtailFilterSet):
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=CompanyStatus.choices, widget=forms.CheckboxSelectMultiple
    )
    country = django_filters.ChoiceFilter(label=_("Country"), choices=COUNTRY_CHOICES, empty_label=_("All"))
    tier = django_filters.MultipleChoiceFilter(
        label=_("Tier"), choices=Tier.choices, widget=forms.CheckboxSelectMultiple
    )
    parent = django_filters.ModelChoiceFilter(label=_("Upline partner"), queryset=upline_choices, empty_label=_("All"))
    created_at = django_filters.DateFromToRangeFilter(label=_("Registered"), widget=DateRangePickerWidget)

    class Meta:
        model = Company
        fields = []


class ApplicationFilterSet(CompanyFilterSet):
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=[(status.value, status.label) for status in APPLICATION_STATUSES],
        widget=forms.CheckboxSelectMultiple,
    )


class AuditLogFilterSet(WagtailFilterSet):
    action = django_filters.MultipleChoiceFilter(
        label=_("Action"),
        widget=forms.CheckboxSelectMultiple,
        # choices are the actions in the log, set in __init__()
    )
    company = django_filters.ModelChoiceFilter(
        label=_("Company"), queryset=lambda request: Company.objects.only("pk", "legal_name"), empty_label=_("All")
    )
    actor_email = django_filters.CharFilter(label=_("Who (e-mail)"), lookup_expr="icontains")
    actor_is_staff = django_filters.BooleanFilter(label=_("By staff"), widget=BooleanRadioSelect)
    created_at = django_filters.DateFromToRangeFilter(label=_("When"), widget=DateRangePickerWidget)

    class Meta:
        model = AuditLogEntry
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        actions = AuditLogEntry.objects.order_by("action").values_list("action", flat=True).distinct()
        choices = [(action, str(action_label(action))) for action in actions]
        self.filters["action"].extra["choices"] = sorted(choices, key=lambda choice: choice[1].lower())
