"""Reads of companies for staff tools: the review queue, listing rows, search."""

import unicodedata

from django.contrib.postgres.lookups import Unaccent
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat

from partner_area.platform.identifiers import normalise_registration_number

from .models import Company, CompanyStatus, Membership, Role

APPLICATION_STATUSES = (CompanyStatus.PENDING_REVIEW, CompanyStatus.PENDING_VERIFICATION)


def company_applications(queryset: QuerySet[Company] | None = None) -> QuerySet[Company]:
    """Pending companies whose first admin has confirmed their e-mail: the staff review queue."""
    queryset = Company.objects.all() if queryset is None else queryset
    # unscoped: staff review queue across companies; correlated to each listed company
    first_admin = Membership.unscoped.filter(company=OuterRef("pk"), role=Role.ADMIN).order_by("created_at", "pk")
    return queryset.alias(first_admin_confirmed_at=Subquery(first_admin.values("user__email_confirmed_at")[:1])).filter(
        status__in=APPLICATION_STATUSES, first_admin_confirmed_at__isnull=False
    )


def companies_by_erp_id(erp_ids) -> dict[str, int]:
    """Portal company ids by ERP id, of the companies staff have verified and linked to the ERP: the only ones the
    ERP's data (contacts, invoices, clients) may reach."""
    return dict(Company.objects.erp_linked().filter(erp_id__in=set(erp_ids)).values_list("erp_id", "pk"))


def company_listing(queryset: QuerySet[Company]) -> QuerySet[Company]:
    """A company queryset with what a listing row shows, in one query: upline and member count."""
    return queryset.select_related("parent").annotate(member_count=Count("memberships"))


def _without_accents(text: str) -> str:
    """Without accents ("Ceļojums" → "Celojums"), as PostgreSQL's unaccent() reads the column side."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def company_search(queryset: QuerySet[Company], query: str) -> QuerySet[Company]:
    """Companies whose name, registration or VAT number, or a member's e-mail or name contains the query; names
    match with or without accents ("celojums" finds "Ceļojums SIA", "Kalnina" finds Kalniņa)."""
    query = query.strip()
    if not query:
        return queryset
    plain = _without_accents(query)
    # EXISTS instead of a join over memberships: no duplicate rows, so no DISTINCT next to the member count.
    full_name = Concat("user__first_name", Value(" "), "user__last_name")
    if connection.vendor == "postgresql":
        name_matches, full_name, needle = Q(legal_name__unaccent__icontains=plain), Unaccent(full_name), plain
    else:  # SQLite (`make run` without DATABASE_URL) has no unaccent(): accents must then be typed
        name_matches, needle = Q(legal_name__icontains=query), query
    # unscoped: staff company search across companies; correlated to each listed company
    members = Membership.unscoped.annotate(full_name=full_name).filter(
        Q(user__email__icontains=query) | Q(full_name__icontains=needle), company=OuterRef("pk")
    )
    condition = name_matches | Exists(members)
    if number := normalise_registration_number(query):
        # Numbers are stored normalised, so "40003 123-456" finds 40003123456.
        condition |= Q(registration_number__icontains=number) | Q(vat_number__icontains=number)
    return queryset.filter(condition)


def company_same_number(*, company: Company) -> QuerySet[Company]:
    """The other companies registered with this company's number (rejected applications, or the one that holds it
    now), newest first: the history staff see beside an application."""
    return (
        Company.objects.filter(registration_number=company.registration_number)
        .exclude(pk=company.pk)
        .order_by("-created_at")
    )
