"""A member who opens a section their grants do not include gets a page saying so (403) in the partner layout,
not a bare "Page not found"; other companies' objects stay 404 for members who do have the grant."""

import re

import pytest
from django.utils import translation

from partner_area.companies.models import Role
from partner_area.platform.sections import Section
from tests.factories import CompanyFactory, InvoiceFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_a_section_without_the_grant_explains_who_can_give_it(client, company):
    member = MembershipFactory(company=company, role=Role.USER, sections=["support"])
    client.force_login(member.user)
    response = client.get("/en/partner/invoices/")
    assert response.status_code == 403
    assert "partner_area/403_section.html" in [template.name for template in response.templates]
    page = response.content.decode()
    assert "You don't have access to Invoices" in page
    assert "Your company's administrator can give it to you on the Members page." in page
    assert '<a class="button" href="/en/partner/">Go to the home page</a>' in page
    # The partner layout: their own menu, with the sections they may open and not this one.
    menu = re.search(r'<nav class="main-menu" aria-label="Partner area">(.*?)</nav>', page, re.S).group(1)
    assert 'href="/en/partner/support/"' in menu
    assert 'href="/en/partner/invoices/"' not in menu


def test_the_page_names_the_section_in_the_page_language(client, company):
    member = MembershipFactory(company=company, role=Role.USER, sections=["support"])
    client.force_login(member.user)
    with translation.override("lv"):
        label = str(Section.DASHBOARD.label)
    response = client.get("/lv/partner/dashboard/")
    assert response.status_code == 403
    assert label in response.content.decode()


def test_an_object_page_in_a_section_without_the_grant_answers_the_same_for_any_id(client, company):
    mine = InvoiceFactory(company=company)
    theirs = InvoiceFactory(company=CompanyFactory())
    member = MembershipFactory(company=company, role=Role.USER, sections=["support"])
    client.force_login(member.user)
    answers = [client.get(f"/en/partner/invoices/{pk}/") for pk in (mine.pk, theirs.pk, 999_999)]
    assert [response.status_code for response in answers] == [403, 403, 403]
    assert len({response.templates[0].name for response in answers}) == 1


def test_with_the_grant_another_companys_object_is_still_not_found(client, company):
    theirs = InvoiceFactory(company=CompanyFactory())
    member = MembershipFactory(company=company, role=Role.USER, sections=["invoices"])
    client.force_login(member.user)
    assert client.get(f"/en/partner/invoices/{theirs.pk}/").status_code == 404
    assert client.get("/en/partner/invoices/999999/").status_code == 404


def test_administrators_pages_stay_not_found_for_users(client, company):
    member = MembershipFactory(company=company, role=Role.USER, sections=["support"])
    client.force_login(member.user)
    assert client.get("/en/partner/members/").status_code == 404
