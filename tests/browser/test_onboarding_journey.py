"""The whole onboarding journey in Chromium: a visitor registers on a phone, confirms the e-mail, waits
for review; a partner manager approves in the Wagtail admin; the new org admin invites a colleague with
Materials only; the colleague accepts and sees only what they were given."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from partner_area.accounts.seed import ensure_partner_managers_group
from tests.factories import PASSWORD, UserFactory

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

APPLICANT_PASSWORD = "Blue-Harbour-Lighthouse-77"


@pytest.fixture
def partner_manager(transactional_db):
    manager = UserFactory(is_staff=True)
    manager.groups.add(ensure_partner_managers_group())
    return manager


def _link_in_last_mail(pattern: str) -> str:
    return re.search(pattern, mail.outbox[-1].body).group(0)


def log_out(page):
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():
        menu.click()
    page.locator(".account-menu summary").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in to the partner portal")).to_be_visible()


def fill_registration(page):
    page.get_by_label("Company legal name").fill("Journey Partners SIA")
    page.get_by_label("Registration number").fill("40003 555 113")
    page.get_by_label("VAT number").fill("LV40003555113")
    page.get_by_label("Street address").fill("Krišjāņa Valdemāra iela 1")
    page.get_by_label("City").fill("Rīga")
    page.get_by_label("Postal code").fill("LV-1010")
    page.get_by_label("Company phone").fill("+371 67111111")
    page.get_by_label("Company e-mail").fill("office@journeypartners.lv")
    page.get_by_label("First name").fill("Laura")
    page.get_by_label("Last name").fill("Kalniņa")
    page.get_by_label("Your work e-mail").fill("laura@journeypartners.lv")
    page.locator("#id_password1").fill(APPLICANT_PASSWORD)
    page.locator("#id_password2").fill(APPLICANT_PASSWORD)
    page.get_by_label("I accept the Brello 360 partner terms").check()


def test_register_approve_invite_and_restricted_colleague(site, phone, browser, partner_manager):
    # 1. A visitor on a phone applies.
    phone.goto(f"{site}/en/partner/register/")
    fill_registration(phone)
    phone.get_by_role("button", name="Send application").click()
    expect(phone.get_by_role("heading", name="Check your inbox")).to_be_visible()
    screenshot(phone, "journey-1-registered-390")

    # 2. The e-mail link confirms the address (it logs nobody in); the applicant logs in and waits for review.
    phone.goto(_link_in_last_mail(r"http://[^/\s]+/en/partner/confirm-email/\S+/"))
    expect(phone.get_by_text("your e-mail address is confirmed")).to_be_visible()
    screenshot(phone, "journey-1b-confirmed-390")
    phone.get_by_label("E-mail").fill("laura@journeypartners.lv")
    phone.locator("#id_password").fill(APPLICANT_PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    expect(phone.get_by_text("Under review")).to_be_visible()

    # 3. A partner manager approves in the Wagtail admin.
    desk = browser.new_page(viewport={"width": 1280, "height": 900})
    desk.goto(f"{site}/admin/login/")
    desk.get_by_label(re.compile("Email|E-mail", re.I)).fill(partner_manager.email)
    desk.locator("#id_password").fill(PASSWORD)
    desk.get_by_role("button", name=re.compile("Sign in|Log in", re.I)).click()
    desk.goto(f"{site}/admin/partners/applications/")
    desk.get_by_role("link", name="Journey Partners SIA").first.click()
    desk.get_by_role("link", name="Approve").click()
    desk.get_by_role("button", name=re.compile("Approve", re.I)).click()
    expect(desk.get_by_text(re.compile("approved", re.I)).first).to_be_visible()
    desk.close()
    assert "approved" in mail.outbox[-1].subject

    # 4. The applicant logs in and lands in the partner area.
    log_out(phone)
    phone.get_by_label("E-mail").fill("laura@journeypartners.lv")
    phone.locator("#id_password").fill(APPLICANT_PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    expect(phone).to_have_url(f"{site}/en/partner/")
    expect(phone.get_by_role("heading", name="Welcome, Laura")).to_be_visible()

    # 5. They invite a colleague as a user with Materials only.
    phone.goto(f"{site}/en/partner/members/")
    phone.get_by_label("Work e-mail").fill("peteris@journeypartners.lv")
    phone.get_by_label("User", exact=True).check()
    phone.get_by_label("Materials").check()
    phone.get_by_role("button", name="Send invitation").click()
    expect(phone.get_by_text("peteris@journeypartners.lv").first).to_be_visible()
    screenshot(phone, "journey-2-members-390")
    invitation_link = _link_in_last_mail(r"http://[^/\s]+/en/partner/invitations/\S+/")
    log_out(phone)

    # 6. The colleague accepts and sees only Materials.
    phone.goto(invitation_link)
    phone.get_by_label("First name").fill("Pēteris")
    phone.get_by_label("Last name").fill("Ozols")
    phone.locator("#id_password1").fill("Colleague-Pass-2026")
    phone.locator("#id_password2").fill("Colleague-Pass-2026")
    phone.get_by_role("button", name="Create my account").click()
    expect(phone).to_have_url(f"{site}/en/partner/")
    phone.get_by_role("button", name="Menu").click()
    nav = phone.get_by_role("navigation", name="Partner area")
    expect(nav.get_by_role("link", name="Materials")).to_be_visible()
    expect(nav.get_by_role("link", name="Members")).to_have_count(0)
    expect(nav.get_by_role("link", name="Invoices")).to_have_count(0)
    screenshot(phone, "journey-3-colleague-390")
    assert phone.console_errors == []
    response = phone.goto(f"{site}/en/partner/members/")  # administrators' pages stay not found
    assert response.status == 404
    expect(phone.get_by_role("heading", name="We could not find that page")).to_be_visible()
    response = phone.goto(f"{site}/en/partner/invoices/")  # a section without the grant says so
    assert response.status == 403
    expect(phone.get_by_role("heading", name="You don't have access to Invoices")).to_be_visible()
