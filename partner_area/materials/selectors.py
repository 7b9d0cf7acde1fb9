"""Reads of announcements and materials. Partner-facing reads take the acting membership and return only
what its company and role are meant to see; anything else is not found, like a missing id."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from partner_area.companies.models import Company, CompanyStatus, Membership, Role
from partner_area.platform.sections import Section

from .audience import audience_q
from .models import (
    Announcement,
    AnnouncementDelivery,
    AnnouncementRead,
    DeliveryStatus,
    Material,
    MaterialCategory,
    MaterialsVisit,
    Product,
)


def announcements_for(*, membership: Membership) -> QuerySet[Announcement]:
    """Published, unexpired announcements for this member's company and role: pinned first, then newest,
    each with `is_read`."""
    now = timezone.now()
    return (
        Announcement.objects.filter(live=True)
        .filter(Q(expire_at__isnull=True) | Q(expire_at__gt=now))
        .filter(audience_q(Announcement, company=membership.company, role=membership.role))
        .annotate(
            is_read=Exists(
                AnnouncementRead.objects.for_company(membership.company).filter(
                    announcement=OuterRef("pk"), user_id=membership.user_id
                )
            )
        )
        .select_related("product")
        .order_by("-pinned", "-first_published_at", "-pk")
    )


def announcement_for(*, membership: Membership, announcement_id: int) -> Announcement | None:
    """One announcement this member may read, or None (missing and not-for-you look the same)."""
    return announcements_for(membership=membership).filter(pk=announcement_id).first()


def announcement_unread_count(*, membership: Membership) -> int:
    return announcements_for(membership=membership).filter(is_read=False).count()


def announcement_recipients(*, announcement: Announcement) -> QuerySet[Membership]:
    """Active members of active companies, with a confirmed e-mail, in the announcement's audience."""
    # unscoped: staff send an announcement to every company in its audience; the audience filter below narrows it
    members = Membership.unscoped.filter(
        is_active=True,
        company__status=CompanyStatus.ACTIVE,
        user__is_active=True,
        user__email_confirmed_at__isnull=False,
    ).select_related("user", "company")
    if announcement.admins_only:
        members = members.filter(role=Role.ADMIN)
    if announcement.audience_all:
        return members
    criteria, has_criteria = Q(), False
    if announcement.audience_tiers:
        criteria &= Q(company__tier__in=announcement.audience_tiers)
        has_criteria = True
    if announcement.audience_countries:
        criteria &= Q(company__country__in=announcement.audience_countries)
        has_criteria = True
    product_ids = list(announcement.audience_products.values_list("pk", flat=True))
    if product_ids:
        criteria &= Q(company__in=Company.objects.filter(products__in=product_ids))
        has_criteria = True
    matches = Q(company_id__in=list(announcement.audience_companies.values_list("pk", flat=True)))
    if has_criteria:
        matches |= criteria
    return members.filter(matches)


def delivery_progress(*, announcement: Announcement) -> dict[str, int]:
    """How many of the announcement's e-mails are queued, sent, failed or skipped."""
    counts = dict.fromkeys(DeliveryStatus.values, 0)
    rows = AnnouncementDelivery.objects.filter(announcement=announcement).values("status").annotate(n=Count("pk"))
    for row in rows:
        counts[row["status"]] = row["n"]
    counts["queued"] += counts.pop("sending")
    counts["total"] = sum(counts.values())
    return counts


def announcement_preview_context(announcement: Announcement, mode_name: str) -> dict:
    """What the editor's preview shows: the partner view, and in a company mode whether that company's
    org admins and users are in the audience."""
    context = {"announcement": announcement, "preview_company": None}
    if mode_name.startswith("company-"):
        company = Company.objects.filter(pk=mode_name.removeprefix("company-")).first()
        if company is not None:
            context.update(
                preview_company=company,
                preview_admins_see=announcement.audience_matches(company=company, role=Role.ADMIN),
                preview_users_see=announcement.audience_matches(company=company, role=Role.USER),
            )
    return context


def materials_for(*, membership: Membership) -> QuerySet[Material]:
    """Materials this member may see and download: the Materials grant, then the audience."""
    if not membership.has_section(Section.MATERIALS):
        return Material.objects.none()
    return (
        Material.objects.filter(audience_q(Material, company=membership.company, role=membership.role))
        .select_related("category")
        .prefetch_related("products")
    )


def material_for(*, membership: Membership, material_id: int) -> Material | None:
    return materials_for(membership=membership).filter(pk=material_id).first()


def material_search(
    materials: QuerySet[Material], *, query: str = "", product: str = "", category: str = "", language: str = ""
) -> QuerySet[Material]:
    """Narrow by words in the title or description, product slug, category slug and language."""
    for word in query.split()[:8]:
        materials = materials.filter(Q(title__icontains=word) | Q(description__icontains=word))
    if product:
        materials = materials.filter(products__slug=product).distinct()
    if category:
        materials = materials.filter(category__slug=category)
    if language:
        materials = materials.filter(language=language)
    return materials


def material_filter_choices(*, membership: Membership) -> dict:
    """The products, categories and languages that occur in this member's materials."""
    visible = materials_for(membership=membership)
    return {
        "products": Product.objects.filter(materials__in=visible).distinct(),
        "categories": MaterialCategory.objects.filter(materials__in=visible).distinct(),
        "languages": sorted(set(visible.values_list("language", flat=True))),
    }


@dataclass
class CategoryGroup:
    category: MaterialCategory
    materials: list[Material] = field(default_factory=list)


@dataclass
class ProductGroup:
    product: Product | None  # None: materials about no particular product
    categories: list[CategoryGroup] = field(default_factory=list)


def materials_grouped(materials: QuerySet[Material], *, only_product: str = "") -> list[ProductGroup]:
    """Materials by product (in product order, "general" last), then by category. A material about
    several products shows under each of them."""
    groups: dict[int | None, dict[int, CategoryGroup]] = {}
    products: dict[int | None, Product | None] = {None: None}
    for material in materials.order_by("category__sort_order", "category__name", "title"):
        material_products = [p for p in material.products.all() if not only_product or p.slug == only_product]
        for product in material_products or ([None] if not material.products.all() else []):
            key = product.pk if product else None
            products[key] = product
            by_category = groups.setdefault(key, {})
            by_category.setdefault(material.category_id, CategoryGroup(material.category)).materials.append(material)
    ordered = sorted(groups, key=lambda key: (key is None, products[key].sort_order if key else 0, str(products[key])))
    return [ProductGroup(products[key], list(groups[key].values())) for key in ordered]


# Before someone's first visit, what was added this recently counts as new (not the whole library).
FIRST_VISIT_NEW_WINDOW = timedelta(days=14)


def first_visit_new_since() -> datetime:
    return timezone.now() - FIRST_VISIT_NEW_WINDOW


def materials_last_visit(*, membership: Membership) -> datetime:
    """When this member last opened the library (for a first visit: the start of the "new" window)."""
    visit = MaterialsVisit.objects.for_company(membership.company).filter(user_id=membership.user_id).first()
    return visit.last_visit_at if visit else first_visit_new_since()


def materials_new_count(*, membership: Membership) -> int:
    """Materials added since the member last opened the library."""
    since = materials_last_visit(membership=membership)
    return materials_for(membership=membership).filter(created_at__gt=since).count()


def partner_home_settings(*, request):
    """The partner home's editable settings (the featured video) for the request's site."""
    from .models import PartnerHomeSettings

    return PartnerHomeSettings.load(request_or_site=request)
