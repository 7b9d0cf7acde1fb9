"""The audience matrix, for announcements and materials alike: tier, country, product, specific companies,
org admins only, and combinations. The SQL filter (partner pages), the in-memory rule (editor preview) and
the recipients query (e-mail) must agree on every cell."""

import pytest

from partner_area.announcements.selectors import announcement_recipients, announcements_for
from partner_area.companies.models import Role, Tier
from partner_area.materials.audience import audience_matches
from partner_area.materials.selectors import materials_for
from tests.announcements.helpers import make_announcement
from tests.onboarding.helpers import make_company, make_member

from .helpers import make_material, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Three companies: gold/LV (sells X), gold/EE, standard/LV; each with an admin and a materials user."""
    product_x, product_y = make_product(name="Brello CRM"), make_product(name="Brello HR")
    companies = {
        "gold_lv": make_company(tier=Tier.GOLD, country="LV"),
        "gold_ee": make_company(tier=Tier.GOLD, country="EE"),
        "std_lv": make_company(tier=Tier.STANDARD, country="LV"),
    }
    product_x.partners.add(companies["gold_lv"])
    product_y.partners.add(companies["gold_ee"])
    members = {}
    for key, company in companies.items():
        members[(key, Role.ADMIN)] = make_member(company, role=Role.ADMIN)
        members[(key, Role.USER)] = make_member(company, role=Role.USER, sections=["materials"])
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
    other = make_announcement(title="For another company only", audience_all=False, audience_companies=[make_company()])
    for (company_key, role), member in world["members"].items():
        visible = list(announcements_for(membership=member))
        sees = (company_key, role) in expected
        assert (announcement in visible) is sees, (label, company_key, role)
        assert other not in visible
        assert audience_matches(announcement, company=member.company, role=role) is sees, (label, company_key, role)
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
    no_grant = make_member(world["companies"]["gold_lv"], role=Role.USER, sections=["dashboard"])
    assert material not in materials_for(membership=no_grant)
    assert material in materials_for(membership=world["members"][("gold_lv", Role.USER)])
