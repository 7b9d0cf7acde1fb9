"""Playwright against Debian's Chromium (`npx playwright install` cannot work without internet)."""

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by the test
# itself are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def site(transactional_db, live_server, settings, tmp_path):
    """The live server's URL, on the seeded demo database every test starts from (tests/conftest.py), with private
    media in a temporary folder."""
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private-media")
    return live_server.url


@pytest.fixture
def phone(browser):
    """A phone-sized page (390×844) that fails the test on any browser console error."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.console_errors = errors
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    # caret="initial": Playwright would hide the caret with an inline style, which the CSP refuses.
    page.screenshot(path=str(path), full_page=True, caret="initial")
    return path


def log_in(page, site: str, email: str) -> None:
    """Log in through the English login form with the test password; waits for the partner area."""
    from tests.factories import PASSWORD

    page.goto(f"{site}/en/partner/account/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"/en/partner/"))


ADMIN_EMAIL = "admin@nordlink.example.lv"


def seed_demo(settings, tmp_path):
    """The demo data `make run` loads (partners, materials, announcements, turnover, invoices), private media in the
    test's own folder, and an open support request of Nordlink's org admin: (that admin's membership, the request)."""
    from partner_area.accounts.seed import DEMO_PASSWORD
    from partner_area.announcements.seed import announcements_seed
    from partner_area.billing.seed import billing_seed
    from partner_area.companies.models import Membership
    from partner_area.companies.seed import partners_seed
    from partner_area.materials.seed import materials_seed
    from partner_area.performance.seed import performance_seed
    from partner_area.support.services import support_request_create

    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private-media")
    partners_seed(password=DEMO_PASSWORD)
    materials_seed()
    announcements_seed()
    performance_seed()
    billing_seed()
    membership = Membership.unscoped.select_related("company").get(user__email=ADMIN_EMAIL)
    support_request = support_request_create(
        membership=membership, subject="Invoice PDF is empty", description="The PDF of invoice 2026-114 is blank."
    )
    return membership, support_request
