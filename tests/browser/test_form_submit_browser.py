"""Full-page forms in Chromium: a double click sends one request while the button shows it is busy, and an error
summary takes focus and links to the fields."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, MembershipFactory

from .conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _double_click_sends_one_post(page, button, url_glob: str) -> None:
    """Hold the form's POST in flight, double-click the button, and count the POSTs that left the browser."""
    posts, held = [], []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    page.route(url_glob, lambda route: held.append(route) if route.request.method == "POST" else route.fallback())
    handle = button.element_handle()
    button.dblclick(no_wait_after=True)
    # Locators wait for the pending navigation, so the rest talks to the element itself.
    handle.evaluate("button => button.click()")  # and a third try while the page waits
    state = handle.evaluate("button => [button.getAttribute('aria-disabled'), button.classList.contains('is-busy')]")
    assert state == ["true", True]
    page.wait_for_timeout(400)
    assert len(posts) == 1, posts
    assert len(held) == 1
    with page.expect_navigation():
        held[0].continue_()
    page.unroute(url_glob)


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_double_click_on_login_sends_one_request(site, phone, lang):
    member = MembershipFactory()
    phone.goto(f"{site}/{lang}/partner/account/login/")
    phone.locator("#id_username").fill(member.user.email)
    phone.locator("#id_password").fill(PASSWORD)
    _double_click_sends_one_post(phone, phone.locator("form.form button[type=submit]"), "**/account/login/*")
    expect(phone).not_to_have_url(re.compile(r"/login/"))
    assert phone.console_errors == []


def test_double_click_on_registration_sends_one_request_and_errors_are_summarised(site, phone):
    phone.goto(f"{site}/lv/partner/register/")
    send = phone.locator("form.form button[type=submit]")
    _double_click_sends_one_post(phone, send, "**/partner/register/")
    # The empty form comes back: the summary has focus and one link per field in error.
    summary = phone.locator("#form-errors")
    expect(summary).to_be_focused()
    legal_name = summary.locator('a[href="#id_legal_name"]')
    expect(legal_name).to_be_visible()
    expect(summary.locator('a[href="#id_password2"]')).to_be_visible()
    screenshot(phone, "registration-lv-error-summary-390")
    legal_name.click()
    expect(phone.locator("#id_legal_name")).to_be_focused()
    # The button is usable again on the page that came back.
    expect(phone.locator("form.form button[type=submit]")).not_to_have_attribute("aria-disabled", "true")
    assert phone.console_errors == []


def test_double_click_on_the_home_support_form_sends_one_request(site, phone):
    member = MembershipFactory(sections=("support",))
    log_in(phone, site, member.user.email)
    phone.goto(f"{site}/en/partner/")
    panel = phone.get_by_role("region", name="Contact support")
    panel.get_by_label("Subject").fill("Cannot find the price list")
    panel.get_by_label("Message").fill("Where is the 2026 price list?")
    _double_click_sends_one_post(phone, panel.get_by_role("button", name="Send"), "**/partner/support/quick/")
    assert phone.console_errors == []
