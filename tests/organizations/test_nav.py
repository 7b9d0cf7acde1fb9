"""The partner area's menu marks the section a page belongs to, on the section's own page and its sub-pages."""

import re

import pytest
from django.test import Client, RequestFactory

from partner_area.companies.models import Role
from partner_area.home.context_processors import partner_navigation
from tests.factories import CompanyFactory, MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("erp")]

ALL_SECTIONS = ["dashboard", "invoices", "support", "materials"]


@pytest.fixture
def admin():
    return MembershipFactory(company=CompanyFactory(erp_id="P-1"), role=Role.ADMIN, sections=ALL_SECTIONS)


def current_items(html: str) -> list[str]:
    """The labels of the partner menu's links marked aria-current="page"."""
    menu = re.search(r'<nav class="main-menu" aria-label="Partner area">(.*?)</nav>', html, re.S).group(1)
    return re.findall(r'<a href="[^"]+" aria-current="page" class="is-active">([^<]+)</a>', menu)


def current_for(membership, path: str) -> list[str]:
    request = RequestFactory().get(path)
    request.user = membership.user
    return [item["key"] for item in partner_navigation(request)["partner_nav"] if item["current"]]


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("/en/partner/support/new/", "Support"),
        ("/en/partner/company/contacts/new/", "Company"),
        ("/en/partner/support/", "Support"),
        ("/en/partner/", "Home"),
    ],
)
def test_sub_page_marks_its_section_as_the_current_page(admin, path, label):
    client = Client()
    client.force_login(admin.user)
    response = client.get(path)
    assert response.status_code == 200
    assert current_items(response.content.decode()) == [label]


def test_latvian_sub_page_marks_its_section(admin):
    client = Client()
    client.force_login(admin.user)
    html = client.get("/lv/partner/support/new/").content.decode()
    menu = re.search(r'<nav class="main-menu" aria-label="[^"]+">(.*?)</nav>', html, re.S).group(1)
    assert menu.count('aria-current="page"') == 1
    assert re.search(r'href="/lv/partner/support/" aria-current="page"', menu)


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("/en/partner/support/12/", "support"),
        ("/en/partner/invoices/7/", "invoices"),
        ("/en/partner/invoices/7/report-payment/", "invoices"),
        ("/en/partner/company/contacts/3/", "company"),
        ("/en/partner/announcements/5/", "announcements"),
        ("/en/partner/dashboard/", "dashboard"),
        ("/en/partner/members/7/", "members"),
    ],
)
def test_exactly_one_item_is_current_on_a_sub_page(admin, path, key):
    assert current_for(admin, path) == [key]


def test_home_is_not_current_on_pages_outside_the_menu(admin):
    # The account pages live under the area's root but belong to no menu item.
    assert current_for(admin, "/en/partner/account/password/") == []


@pytest.mark.parametrize(
    "path", ["/en/partner/account/login/", "/en/partner/account/password-reset/", "/en/partner/register/"]
)
def test_a_logged_out_visitor_sees_the_public_header_not_the_partner_menu(client, path):
    html = client.get(path).content.decode()
    header = re.search(r'<header class="site-header">(.*?)</header>', html, re.S).group(1)
    assert 'aria-label="Partner area"' not in header
    assert "/partner/invoices/" not in header and "/partner/dashboard/" not in header
    assert 'href="/en/partner/register/">Become a partner</a>' in header
    assert 'href="/en/partner/account/login/">Log in</a>' in header
    # The language switch keeps the visitor on the same page.
    assert f'href="{path.replace("/en/", "/lv/", 1)}" hreflang="lv"' in header


def test_the_latvian_login_page_has_the_public_header_in_latvian(client):
    header = client.get("/lv/partner/account/login/").content.decode().split("</header>")[0]
    assert "Kļūt par partneri" in header and 'aria-current="true"' in header
    assert 'href="/en/partner/account/login/" hreflang="en"' in header


def test_a_logged_in_partner_keeps_the_partner_header(admin):
    client = Client()
    client.force_login(admin.user)
    header = client.get("/en/partner/account/password/").content.decode().split("</header>")[0]
    assert 'aria-label="Partner area"' in header and "Become a partner" not in header


def test_the_language_switch_keeps_filters_and_where_to_go_after_logging_in(admin, client):
    login = client.get("/en/partner/account/login/?next=/en/partner/invoices/").content.decode()
    assert 'href="/lv/partner/account/login/?next=%2Fen%2Fpartner%2Finvoices%2F" hreflang="lv"' in login
    client.force_login(admin.user)
    header = client.get("/lv/partner/invoices/?status=overdue&q=%3Cb%3E").content.decode().split("</header>")[0]
    assert 'href="/en/partner/invoices/?status=overdue&amp;q=%3Cb%3E" hreflang="en"' in header
