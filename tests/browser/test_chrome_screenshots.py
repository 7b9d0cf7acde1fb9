"""A tour of the shared chrome (header, menu, footer, messages) over the demo data, in English and Latvian, at a
phone's 390 px and a desktop's 1280 px: every page opens without sideways scrolling or console errors, and a
screenshot of each is kept in tests/browser/artifacts/chrome-*.png for a person to look at."""

import re

import pytest
from playwright.sync_api import expect

from partner_area.accounts.seed import DEMO_PASSWORD
from partner_area.billing.models import Invoice
from partner_area.support.models import SupportComment

from .conftest import ADMIN_EMAIL, ARTIFACTS, screenshot, seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PUBLIC_PAGES = [("home", "/{lang}/"), ("contact", "/{lang}/contact/"), ("login", "/{lang}/partner/account/login/")]


@pytest.fixture
def demo(transactional_db, live_server, settings, tmp_path):
    membership, support_request = seed_demo(settings, tmp_path)
    SupportComment.unscoped.create(
        support_request=support_request,
        author_name="Anna from Brello",
        body="Thank you, we are looking into it. Which browser do you use?",
        from_zendesk=True,
    )
    invoice = Invoice.unscoped.filter(company=membership.company).order_by("-invoice_date").first()
    partner_pages = [
        ("partner-home", "/{lang}/partner/"),
        ("dashboard", "/{lang}/partner/dashboard/"),
        ("invoices", "/{lang}/partner/invoices/"),
        ("invoice", f"/{{lang}}/partner/invoices/{invoice.pk}/"),
        ("materials", "/{lang}/partner/materials/"),
        ("support", "/{lang}/partner/support/"),
        ("support-detail", f"/{{lang}}/partner/support/{support_request.pk}/"),
        ("company", "/{lang}/partner/company/"),
    ]
    return {"url": live_server.url, "partner_pages": partner_pages}


def _log_in(page, site):
    page.goto(f"{site}/en/partner/account/login/")
    page.locator("#id_username").fill(ADMIN_EMAIL)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"/en/partner/$"))


def _top_of_page(page, name):
    """What the first screen shows (the header, messages and the start of the content)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), caret="initial")


@pytest.mark.parametrize("width", [390, 1280])
def test_shared_chrome_tour(demo, browser, width):
    site = demo["url"]
    mobile = width < 600
    context = browser.new_context(
        viewport={"width": width, "height": 844 if mobile else 900}, device_scale_factor=2 if mobile else 1,
        is_mobile=mobile,
    )  # fmt: skip
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    for lang in ("en", "lv"):
        for name, path in PUBLIC_PAGES:
            page.goto(site + path.format(lang=lang))
            expect(page.locator("h1").first).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (lang, name)
            screenshot(page, f"chrome-{width}-{lang}-{name}")
            _top_of_page(page, f"chrome-{width}-{lang}-{name}-top")
    _log_in(page, site)
    for lang in ("en", "lv"):
        for name, path in demo["partner_pages"]:
            page.goto(site + path.format(lang=lang))
            expect(page.locator("h1").first).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (lang, name)
            screenshot(page, f"chrome-{width}-{lang}-{name}")
            _top_of_page(page, f"chrome-{width}-{lang}-{name}-top")
        if mobile:
            # The open menu on a sub-page: the section it belongs to is marked.
            page.get_by_role("button", name="Menu" if lang == "en" else "Izvēlne").click()
            expect(page.locator('.main-menu a[aria-current="page"]')).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            _top_of_page(page, f"chrome-{width}-{lang}-menu-open")
    context.close()
    assert errors == []
