"""The public home on a phone: the hero's "become a partner" call to action is in the first screen, the hero art is
a band rather than a whole screen, and the logo strip is legible."""

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

VIEWPORT_HEIGHT = 844


def test_the_latvian_hero_carries_the_call_to_action_in_the_first_phone_screen(site, phone):
    phone.goto(f"{site}/lv/")

    call_to_action = phone.locator(".hero").get_by_role("link", name="Kļūt par partneri")
    expect(call_to_action).to_be_visible()
    assert call_to_action.get_attribute("href") == "/lv/partner/register/"
    box = call_to_action.bounding_box()
    assert box["y"] + box["height"] <= VIEWPORT_HEIGHT, box
    assert box["height"] >= 44  # a tap target

    art = phone.locator(".hero__media img").bounding_box()
    assert art["height"] <= VIEWPORT_HEIGHT / 2, art

    logos = phone.locator(".logo-strip img")
    logos.last.scroll_into_view_if_needed()  # they load lazily
    phone.wait_for_function(
        "() => [...document.querySelectorAll('.logo-strip img')].every(img => img.complete && img.naturalWidth > 0)"
    )
    assert all(logo.bounding_box()["height"] >= 48 for logo in logos.all())
    phone.locator(".logo-strip").screenshot(path=str(ARTIFACTS / "hero-390-lv-logos.png"), caret="initial")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "hero-390-lv-home")
    assert phone.console_errors == []


def test_the_english_hero_offers_the_same_call_to_action_on_the_desktop(site, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{site}/en/")

    call_to_action = page.locator(".hero").get_by_role("link", name="Become a partner")
    expect(call_to_action).to_be_visible()
    box = call_to_action.bounding_box()
    assert box["y"] + box["height"] <= 800, box
    screenshot(page, "hero-1280-en-home")
    context.close()
