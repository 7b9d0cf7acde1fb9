"""Reads of the materials library. Partner-facing reads take the acting membership and return only what its
company and role are meant to see; anything else is not found, like a missing id."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from partner_area.companies.models import Membership
from partner_area.platform.audience import audience_for_company_q
from partner_area.platform.sections import Section

from .models import FeaturedVideo, Material, MaterialCategory, MaterialsVisit, Product


def product_by_slug(*, slug: str) -> Product | None:
    """A product by its slug, or None."""
    return Product.objects.filter(slug=slug).first()


def materials_for(*, membership: Membership) -> QuerySet[Material]:
    """Materials this member may see and download: the Materials grant, then the audience."""
    if not membership.has_section(Section.MATERIALS):
        return Material.objects.none()
    return (
        Material.objects.filter(
            audience_for_company_q(Material, company=membership.company, is_admin=membership.is_admin)
        )
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
    product: Product | None  # None: materials about no particular product, or (several) about more than one
    categories: list[CategoryGroup] = field(default_factory=list)
    several: bool = False


SEVERAL = "several"


def materials_grouped(materials: QuerySet[Material], *, only_product: str = "") -> list[ProductGroup]:
    """Materials by product (in product order, then those about several products, "general" last), then by
    category: a material about several products shows once, or under the one product the list is narrowed to."""
    groups: dict[int | str | None, dict[int, CategoryGroup]] = {}
    products: dict[int | str | None, Product | None] = {None: None, SEVERAL: None}
    for material in materials.order_by("category__sort_order", "category__name", "title"):
        material_products = [p for p in material.products.all() if not only_product or p.slug == only_product]
        if not material.products.all():
            key = None
        elif not material_products:
            continue
        elif len(material_products) > 1:
            key = SEVERAL
        else:
            key = material_products[0].pk
            products[key] = material_products[0]
        by_category = groups.setdefault(key, {})
        by_category.setdefault(material.category_id, CategoryGroup(material.category)).materials.append(material)

    def order(key):
        if key is None or key == SEVERAL:
            return (2 if key is None else 1, 0, "")
        return (0, products[key].sort_order, str(products[key]))

    return [
        ProductGroup(products[key], list(groups[key].values()), several=key == SEVERAL)
        for key in sorted(groups, key=order)
    ]


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


def featured_video_for_home(*, request) -> "FeaturedVideo | None":
    """The partner home's featured video for the request's site, in the active language (its translation,
    else the chosen row), or None."""
    from .models import PartnerHomeSettings

    video = PartnerHomeSettings.load(request_or_site=request).featured_video
    return video.localized if video is not None else None
