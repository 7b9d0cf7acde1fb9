"""The account page's API tokens at a phone's 390 px and a desktop's 1280 px: listed without sideways scrolling or
console errors, revoked after a confirmation without a full page load; screenshots in
tests/browser/artifacts/api-tokens-*.png for a person to look at."""

import pytest
from playwright.sync_api import expect

from partner_area.accounts.api_tokens import api_token_authenticate, api_token_issue
from partner_area.companies.models import Role
from tests.factories import CompanyFactory, MembershipFactory

from .conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.parametrize("width", [390, 1280])
def test_a_member_sees_and_revokes_api_tokens_on_the_account_page(site, browser, width):
    member = MembershipFactory(
        company=CompanyFactory(legal_name="Nordlink SIA"),
        role=Role.ADMIN,
        user__first_name="Ilze",
        user__last_name="Ozola",
    )
    _unused, _key = api_token_issue(user=member.user, name="Dashboard screen in the office")
    _used, key = api_token_issue(user=member.user, name="Nightly ERP export")
    api_token_authenticate(key=key)  # it has been used once

    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, site, member.user.email)

    for lang in ("en", "lv"):
        page.goto(f"{site}/{lang}/partner/account/")
        expect(page.locator("#api-tokens")).to_contain_text("Nightly ERP export")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, lang
        screenshot(page, f"api-tokens-{lang}-{width}")

    page.goto(f"{site}/en/partner/account/")
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Revoke Nightly ERP export").click()
    expect(page.locator("#messages")).to_contain_text("The API token “Nightly ERP export” is revoked.")
    expect(page.locator("#api-tokens")).not_to_contain_text("Nightly ERP export")
    expect(page.locator("#api-tokens")).to_contain_text("Dashboard screen in the office")
    assert page.evaluate("window.notReloaded") is True  # swapped by htmx, not a full page load
    screenshot(page, f"api-tokens-revoked-{width}")
    assert errors == []
    context.close()
