import pytest
from playwright.sync_api import expect

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_visitor_on_a_phone_reads_the_benefits_and_switches_to_latvian(site, phone):
    phone.goto(f"{site}/en/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Grow with Brello 360")

    # On a phone the navigation hides behind the menu button.
    benefits_link = phone.get_by_role("navigation", name="Main").get_by_role("link", name="Benefits")
    expect(benefits_link).to_be_hidden()
    menu = phone.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    benefits_link.click()

    expect(phone).to_have_url(f"{site}/en/benefits/")
    expect(phone.get_by_role("heading", name="Partnership benefits")).to_be_visible()

    phone.get_by_role("button", name="Menu").click()
    phone.get_by_role("link", name="Latviešu").click()
    expect(phone).to_have_url(f"{site}/lv/prieksrocibas/")
    expect(phone.locator("html")).to_have_attribute("lang", "lv")
    expect(phone.get_by_role("heading", name="Partnerības priekšrocības")).to_be_visible()

    # Nothing overflows sideways at phone width, with the menu closed or open (Latvian labels are longer).
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_role("button", name="Izvēlne").click()
    expect(phone.get_by_role("link", name="Pieslēgties")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.console_errors == []
    assert screenshot(phone, "benefits-lv-390").stat().st_size > 10_000


def test_keyboard_user_can_skip_to_the_content(site, phone):
    phone.goto(f"{site}/en/faq/")
    phone.keyboard.press("Tab")
    skip = phone.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    phone.keyboard.press("Enter")
    expect(phone.locator("#main")).to_be_focused()


def test_faq_answers_open_like_an_accordion(site, phone):
    phone.goto(f"{site}/en/faq/")
    answer = phone.get_by_text("Any registered company that sells or implements business software")
    expect(answer).to_be_hidden()
    phone.get_by_text("Who can become a Brello 360 partner?").click()
    expect(answer).to_be_visible()
