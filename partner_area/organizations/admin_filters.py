"""What the staff listings show: the review queue, the company listing query, search and filters."""

import django_filters
from django import forms
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.widgets import BooleanRadioSelect

from partner_area.audit.models import AuditLogEntry

from .countries import COUNTRY_CHOICES
from .models import Company, CompanyStatus, Membership, Role, Tier, normalise_registration_number

APPLICATION_STATUSES = (CompanyStatus.PENDING_REVIEW, CompanyStatus.PENDING_VERIFICATION)


def company_applications(queryset: QuerySet[Company] | None = None) -> QuerySet[Company]:
    """Pending companies whose first admin has confirmed their e-mail: the staff review queue."""
    queryset = Company.objects.all() if queryset is None else queryset
    first_admin = Membership.unscoped.filter(company=OuterRef("pk"), role=Role.ADMIN).order_by("created_at", "pk")
    return queryset.alias(first_admin_confirmed_at=Subquery(first_admin.values("user__email_confirmed_at")[:1])).filter(
        status__in=APPLICATION_STATUSES, first_admin_confirmed_at__isnull=False
    )


def company_listing(queryset: QuerySet[Company]) -> QuerySet[Company]:
    """A company queryset with what a listing row shows, in one query: upline and member count."""
    return queryset.select_related("parent").annotate(member_count=Count("memberships"))


def company_search(queryset: QuerySet[Company], query: str) -> QuerySet[Company]:
    """Companies whose name, registration or VAT number, or a member's e-mail contains the query."""
    query = query.strip()
    if not query:
        return queryset
    # EXISTS instead of a join over memberships: no duplicate rows, so no DISTINCT next to the member count.
    member_email = Exists(Membership.unscoped.filter(company=OuterRef("pk"), user__email__icontains=query))
    condition = Q(legal_name__icontains=query) | member_email
    if number := normalise_registration_number(query):
        # Numbers are stored normalised, so "40003 123-456" finds 40003123456.
        condition |= Q(registration_number__icontains=number) | Q(vat_number__icontains=number)
    return queryset.filter(condition)


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
        self.filters["action"].extra["choices"] = [(action, action) for action in actions]
