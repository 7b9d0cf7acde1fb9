"""The audience filters over the shared fields in partner_area/platform/audience.py."""

from django.db.models import Exists, OuterRef, Q

from partner_area.companies.models import Company, Role
from partner_area.platform.audience import Audience, contains_item


def audience_matches(audience: Audience, *, company: Company, role: str) -> bool:
    """The same rule as audience_q(), for one object in memory."""
    if audience.admins_only and role != Role.ADMIN:
        return False
    if audience.audience_all:
        return True
    if company.pk in {c.pk for c in audience.audience_companies.all()}:
        return True
    products = list(audience.audience_products.all())
    if not (audience.audience_tiers or audience.audience_countries or products):
        return False
    if audience.audience_tiers and company.tier not in audience.audience_tiers:
        return False
    if audience.audience_countries and company.country not in audience.audience_countries:
        return False
    if products:
        return company.products.filter(pk__in=[product.pk for product in products]).exists()
    return True


def audience_q(model: type[Audience], *, company: Company, role: str) -> Q:
    """A filter for `model` rows whose audience includes this company and role."""
    owner = f"{model._meta.model_name}_id"
    products = model.audience_products.through.objects.filter(**{owner: OuterRef("pk")})
    companies = model.audience_companies.through.objects.filter(**{owner: OuterRef("pk")}, company_id=company.pk)
    partner_of_product = products.filter(product__partners=company)

    no_tiers, no_countries, no_products = Q(audience_tiers=""), Q(audience_countries=""), ~Exists(products)
    tier_ok = no_tiers | contains_item("audience_tiers", company.tier)
    country_ok = no_countries | contains_item("audience_countries", company.country)
    product_ok = no_products | Exists(partner_of_product)
    has_criteria = ~(no_tiers & no_countries & no_products)

    matches = Q(audience_all=True) | Exists(companies) | (has_criteria & tier_ok & country_ok & product_ok)
    if role != Role.ADMIN:
        matches &= Q(admins_only=False)
    return matches
