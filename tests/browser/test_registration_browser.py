"""The registration form in Chromium on a phone: country hints, the terms link, and an honest 429 page."""

import pytest
from playwright.sync_api import expect

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_hint_follows_the_country_and_the_terms_open_in_a_new_tab(site, phone, lang):
    phone.goto(f"{site}/{lang}/partner/register/")
    hint = phone.locator("#id_registration_number_helptext")
    expect(hint).to_contain_text("40003123453")

    phone.locator("#id_country").select_option("EE")
    expect(hint).to_contain_text("12345678")
    expect(hint).not_to_contain_text("40003123453")
    expect(phone.locator("#id_vat_number_helptext")).to_contain_text("EE")

    terms = phone.locator(f'a[href="/{lang}/partner/terms/"]')
    expect(terms).to_have_attribute("target", "_blank")
    expect(terms).to_have_attribute("rel", "noopener")
    terms.scroll_into_view_if_needed()
    screenshot(phone, f"registration-{lang}-estonia-terms-390")
    with phone.context.expect_page() as new_tab:
        terms.click()
    terms_page = new_tab.value
    terms_page.wait_for_load_state()
    assert terms_page.url.endswith("/en/partner-programme/" if lang == "en" else "/lv/partneru-programma/")
    terms_page.close()
    assert phone.console_errors == []


def test_too_many_posts_say_how_long_to_wait(site, phone, settings):
    settings.RATELIMIT_REGISTRATION_ATTEMPTS = "1/h"
    phone.goto(f"{site}/en/partner/register/")
    phone.get_by_role("button", name="Send application").click()
    expect(phone.locator("#form-errors")).to_be_visible()
    phone.get_by_role("button", name="Send application").click()
    expect(phone.get_by_role("heading", name="Too many attempts")).to_be_visible()
    expect(phone.get_by_text("Please try again in about")).to_be_visible()
    screenshot(phone, "registration-429-390")
