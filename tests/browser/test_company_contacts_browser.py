"""Contact persons on the company page, by keyboard on a phone: an org admin adds one (a bad e-mail first), then
changes it; no sideways scrolling at 390 px. Screenshots at 390 and 1280 px."""

import pytest
from playwright.sync_api import expect

from partner_area.companies.models import CompanyContact, Role
from tests.factories import PASSWORD, CompanyFactory, MembershipFactory

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def company_site(transactional_db, live_server):
    company = CompanyFactory(legal_name="Keyboard Partners SIA")
    admin = MembershipFactory(company=company, role=Role.ADMIN, user__first_name="Ilze", user__last_name="Kalniņa")
    CompanyContact.unscoped.create(
        company=company, name="Jānis Bērziņš", email="janis@keyboard.lv", phone="+371 29000000"
    )
    return {"url": live_server.url, "admin": admin, "company": company}


def _log_in(page, site, member):
    page.goto(f"{site}/en/partner/account/login/")
    page.locator("#id_username").fill(member.user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.get_by_role("heading", name="Welcome, Ilze")).to_be_visible()


def _tab_to(page, name: str, limit: int = 60) -> None:
    """Press Tab until the focused element's accessible text starts with `name`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("(document.activeElement.textContent || '').replace(/\\s+/g, ' ').trim()")
        if focused.startswith(name):
            return
    raise AssertionError(f"{name!r} cannot be reached with the keyboard")


def test_org_admin_adds_and_changes_a_contact_person_by_keyboard(company_site, phone, browser):
    site = company_site["url"]
    _log_in(phone, site, company_site["admin"])
    phone.goto(f"{site}/en/partner/company/")
    expect(phone.get_by_role("heading", name="Contact persons")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "company-contacts-390")

    _tab_to(phone, "Add a contact person")
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", name="Add a contact person")).to_be_visible()
    phone.get_by_label("Name").fill("Anna Liepa")
    phone.get_by_label("E-mail").fill("anna at keyboard")
    phone.get_by_label("E-mail").press("Enter")
    expect(phone.locator("#id_email_error")).to_contain_text("Enter a valid email address")
    expect(phone.get_by_label("Name")).to_have_value("Anna Liepa")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "company-contact-error-390")
    phone.get_by_label("E-mail").fill("anna@keyboard.lv")
    phone.get_by_label("E-mail").press("Enter")
    expect(phone.get_by_text("Anna Liepa is saved.")).to_be_visible()
    expect(phone.get_by_role("cell", name="anna@keyboard.lv")).to_be_visible()

    _tab_to(phone, "Edit Anna Liepa")
    phone.keyboard.press("Enter")
    phone.get_by_label("Phone").fill("+371 26000000")
    phone.get_by_label("Phone").press("Enter")
    expect(phone.get_by_role("cell", name="+371 26000000")).to_be_visible()
    assert not phone.console_errors

    desktop = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _log_in(desktop, site, company_site["admin"])
    desktop.goto(f"{site}/en/partner/company/")
    screenshot(desktop, "company-contacts-1280")
    desktop.context.close()
