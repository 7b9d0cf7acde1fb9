"""The audience rule (partner_area/platform/audience.py), for announcements and materials alike: tier,
country, product, specific companies, org admins only, and combinations. What a member sees (partner pages),
whom an announcement reaches (e-mail recipients) and what the editor's preview says must agree on every
cell, and the rule's two directions must agree on a grid of companies and audiences."""

import itertools

import pytest
from django.db.models import Q

from partner_area.announcements.models import Announcement
from partner_area.announcements.selectors import announcement_recipients, announcements_for
from partner_area.companies.models import Membership, Role, Tier
from partner_area.materials.models import Material
from partner_area.materials.selectors import materials_for
from partner_area.platform.audience import audience_for_company_q, audience_includes, audience_members_q
from tests.announcements.helpers import make_announcement
from tests.factories import CompanyFactory, MembershipFactory
from tests.materials.helpers import make_material, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Three companies: gold/LV (sells X), gold/EE, standard/LV; each with an admin and a materials user."""
    product_x, product_y = make_product(name="Brello CRM"), make_product(name="Brello HR")
    companies = {
        "gold_lv": CompanyFactory(tier=Tier.GOLD, country="LV"),
        "gold_ee": CompanyFactory(tier=Tier.GOLD, country="EE"),
        "std_lv": CompanyFactory(tier=Tier.STANDARD, country="LV"),
    }
    product_x.partners.add(companies["gold_lv"])
    product_y.partners.add(companies["gold_ee"])
    members = {}
    for key, company in companies.items():
        members[(key, Role.ADMIN)] = MembershipFactory(company=company, role=Role.ADMIN)
        members[(key, Role.USER)] = MembershipFactory(company=company, role=Role.USER, sections=["materials"])
    return {"companies": companies, "members": members, "x": product_x, "y": product_y}


ALL = [(c, r) for c in ("gold_lv", "gold_ee", "std_lv") for r in (Role.ADMIN, Role.USER)]
ADMINS = [(c, Role.ADMIN) for c in ("gold_lv", "gold_ee", "std_lv")]

# (audience description, audience builder, who sees it)
MATRIX = [
    ("all partners", lambda w: {}, ALL),
    ("tier gold", lambda w: {"audience_all": False, "audience_tiers": [Tier.GOLD]}, ALL[:4]),
    ("country LV", lambda w: {"audience_all": False, "audience_countries": ["LV"]}, ALL[:2] + ALL[4:]),
    ("partners of X", lambda w: {"audience_all": False, "audience_products": [w["x"]]}, ALL[:2]),
    ("partners of X or Y", lambda w: {"audience_all": False, "audience_products": [w["x"], w["y"]]}, ALL[:4]),
    ("gold and LV", lambda w: {
        "audience_all": False, "audience_tiers": [Tier.GOLD], "audience_countries": ["LV"]}, ALL[:2]),
    ("gold in EE or the standard company", lambda w: {
        "audience_all": False, "audience_tiers": [Tier.GOLD], "audience_countries": ["EE"],
        "audience_companies": [w["companies"]["std_lv"]]}, ALL[2:]),
    ("one specific company", lambda w: {
        "audience_all": False, "audience_companies": [w["companies"]["gold_ee"]]}, ALL[2:4]),
    ("org admins only", lambda w: {"admins_only": True}, ADMINS),
    ("LV org admins only", lambda w: {"audience_all": False, "audience_countries": ["LV"], "admins_only": True},
     [("gold_lv", Role.ADMIN), ("std_lv", Role.ADMIN)]),
    ("nothing chosen", lambda w: {"audience_all": False}, []),
]  # fmt: skip


@pytest.mark.parametrize(("label", "audience", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_announcement_audience_matrix(world, label, audience, expected):
    announcement = make_announcement(title=label, **audience(world))
    other = make_announcement(
        title="For another company only", audience_all=False, audience_companies=[CompanyFactory()]
    )
    for (company_key, role), member in world["members"].items():
        visible = list(announcements_for(membership=member))
        sees = (company_key, role) in expected
        assert (announcement in visible) is sees, (label, company_key, role)
        assert other not in visible
        preview = audience_includes(announcement, company=member.company, is_admin=role == Role.ADMIN)
        assert preview is sees, (label, company_key, role)
    recipients = {(m.company_id, m.role) for m in announcement_recipients(announcement=announcement)}
    assert recipients == {(world["companies"][c].pk, r) for c, r in expected}


@pytest.mark.parametrize(("label", "audience", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_material_audience_matrix(world, label, audience, expected):
    material = make_material(title=label, **audience(world))
    for (company_key, role), member in world["members"].items():
        sees = (company_key, role) in expected
        assert (material in materials_for(membership=member)) is sees, (label, company_key, role)


def test_materials_need_the_materials_grant_whatever_the_audience(world):
    material = make_material()
    no_grant = MembershipFactory(company=world["companies"]["gold_lv"], role=Role.USER, sections=["dashboard"])
    assert material not in materials_for(membership=no_grant)
    assert material in materials_for(membership=world["members"][("gold_lv", Role.USER)])


def _grid_audiences(x, y, companies) -> list[dict]:
    """Every combination of the parts (none, one or two values each; with or without a specific company),
    alternately for everyone and for org admins only, plus "all partners" both ways."""
    tiers = [[], [Tier.GOLD], [Tier.GOLD, Tier.SILVER]]
    countries = [[], ["LV"], ["LV", "EE"]]
    products = [[], [x], [x, y]]
    specific = [[], [companies[0]]]
    audiences = [{"audience_all": True}, {"audience_all": True, "admins_only": True}]
    for number, (t, c, p, s) in enumerate(itertools.product(tiers, countries, products, specific)):
        audiences.append({
            "audience_all": False, "audience_tiers": t, "audience_countries": c, "audience_products": p,
            "audience_companies": s, "admins_only": bool(number % 2),
        })  # fmt: skip
    return audiences


@pytest.mark.parametrize("model", [Announcement, Material], ids=["announcements", "materials"])
def test_the_two_directions_of_the_rule_agree_on_a_grid_of_companies_and_audiences(model):
    x, y = make_product(), make_product()
    companies = []
    for tier, country, sells in itertools.product([Tier.GOLD, Tier.STANDARD], ["LV", "EE"], [[], [x], [y]]):
        company = CompanyFactory(tier=tier, country=country)
        for product in sells:
            product.partners.add(company)
        companies.append(company)
    members = [
        MembershipFactory(company=company, role=role) for company in companies for role in (Role.ADMIN, Role.USER)
    ]
    member_ids = [member.pk for member in members]
    make = (lambda **audience: make_announcement(publish=False, **audience)) if model is Announcement else make_material

    reached_anyone = reached_not_everyone = 0
    for audience in _grid_audiences(x, y, companies):
        thing = make(**audience)
        seen_by = {
            member.pk
            for member in members
            if model.objects.filter(
                audience_for_company_q(model, company=member.company, is_admin=member.is_admin), pk=thing.pk
            ).exists()
        }
        reaches = set(
            Membership.unscoped.filter(pk__in=member_ids)
            .filter(audience_members_q(thing, admins=Q(role=Role.ADMIN)))
            .values_list("pk", flat=True)
        )
        assert seen_by == reaches, audience
        preview = {m.pk for m in members if audience_includes(thing, company=m.company, is_admin=m.is_admin)}
        assert preview == reaches, audience
        reached_anyone += bool(reaches)
        reached_not_everyone += bool(reaches) and reaches != set(member_ids)
    assert reached_anyone > 25 and reached_not_everyone > 25  # the grid exercises the rule, not just its edges
