"""Markup that axe-core flagged, checked without a browser: the brand link's accessible name starts with the
words it shows (voice control), form-level error lists keep their list semantics inside the alert, and news
headings follow the page outline (h2 under the list's h1, h3 under the home's "News" h2)."""

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings

from partner_area.companies.models import Role
from tests.announcements.helpers import make_announcement
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
LOGIN = "/en/partner/account/login/"


def _text(element, *, skip) -> str:
    """The element's text, leaving out what sits inside a descendant that `skip` picks."""

    def skipped(node) -> bool:
        for parent in node.parents:
            if parent is element:
                return False
            if skip(parent):
                return True
        return False

    parts = [node for node in element.descendants if isinstance(node, str) and not skipped(node)]
    return " ".join("".join(parts).split())


def _accessible_name(element) -> str:
    if element.get("aria-label"):
        return " ".join(element["aria-label"].split())
    return _text(element, skip=lambda tag: tag.get("aria-hidden") == "true")


def _brand(html: str):
    return BeautifulSoup(html, "html.parser").select_one("a.brand")


def _visible_words(element) -> str:
    # The mark ("B") is decoration hidden from assistive tech; the words after it are what people say.
    return _text(
        element, skip=lambda tag: tag.get("aria-hidden") == "true" or "visually-hidden" in (tag.get("class") or [])
    )


@pytest.mark.parametrize(("path", "words"), [("/en/", "Brello 360 Partners"), ("/lv/", "Brello 360 Partneri")])
def test_the_public_brand_link_is_named_by_the_words_it_shows(client, public_site, path, words):
    brand = _brand(client.get(path).content.decode())
    assert _visible_words(brand) == words
    assert _accessible_name(brand).startswith(_visible_words(brand))


def test_the_partner_brand_link_is_named_by_the_words_it_shows(client):
    brand = _brand(client.get(LOGIN).content.decode())
    assert _visible_words(brand) == "Brello 360 Partners"
    assert _accessible_name(brand).startswith("Brello 360 Partners")


def test_no_template_puts_the_alert_role_on_a_list():
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if re.search(r"<(ul|ol)\b[^>]*\brole=[\"']alert", path.read_text())
    ]
    assert offenders == []


def test_a_failed_login_announces_its_error_list_inside_an_alert(client):
    member = MembershipFactory(role=Role.USER)
    response = client.post(LOGIN, {"username": member.user.email, "password": "wrong"})
    page = BeautifulSoup(response.content.decode(), "html.parser")
    assert page.select("ul[role], ol[role]") == []
    errors = page.select_one('[role="alert"] > ul.errorlist.nonfield')
    assert errors is not None and errors.find("li").get_text(strip=True)


def _announcement_headings(html: str) -> list[str]:
    return [tag.name for tag in BeautifulSoup(html, "html.parser").select(".announcement-item__title")]


def test_news_headings_follow_the_page_outline(client):
    member = MembershipFactory(role=Role.USER, sections=["materials"])
    make_announcement(title="Spring price list")
    make_announcement(title="New brochure")
    client.force_login(member.user)

    news = client.get("/en/partner/announcements/").content.decode()
    assert _announcement_headings(news) == ["h2", "h2"]
    home = client.get("/en/partner/").content.decode()
    assert _announcement_headings(home) == ["h3", "h3"]
    # The home's items sit under its "News" h2; the list's directly under the page h1.
    assert BeautifulSoup(home, "html.parser").select_one("#home-announcements-heading").name == "h2"
