"""The shared header on a desktop and on the smallest phone, in English and Latvian (whose labels are longer):
one row at 1280 px; at 360 px the Menu button stays on the brand's row, nothing scrolls sideways, and the menu
opens and closes from the keyboard. On a sub-page the partner menu marks its section."""

import re

import pytest
from playwright.sync_api import expect

from partner_area.companies.models import Role
from tests.factories import PASSWORD, CompanyFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ALL_SECTIONS = ["dashboard", "invoices", "support", "materials"]

# The header's height and the box of each thing shown on its bar (hidden ones, such as the folded menu, skipped).
HEADER_LAYOUT = """() => {
  const header = document.querySelector('.site-header');
  const selector = '.brand, .nav-toggle, .main-menu li, .lang-switch li, .site-nav__tools > a, .account-menu summary';
  const boxes = [...header.querySelectorAll(selector)]
    .filter((el) => el.getClientRects().length > 0)
    .map((el) => { const r = el.getBoundingClientRect(); return {name: el.className || el.textContent.trim(),
      top: r.top, bottom: r.bottom, left: r.left, right: r.right}; });
  return {height: header.getBoundingClientRect().height, boxes};
}"""


@pytest.fixture
def site(transactional_db, live_server, settings):
    settings.ERP_BACKEND = "tests.erp_engine.fake.FakeErpGateway"
    return live_server.url


@pytest.fixture
def org_admin(transactional_db):
    company = CompanyFactory(legal_name="Ziemeļu Izplatīšana SIA")
    return MembershipFactory(company=company, role=Role.ADMIN, sections=ALL_SECTIONS, user__first_name="Anna")


def _log_in(page, site, member):
    page.goto(f"{site}/en/partner/account/login/")
    page.locator("#id_username").fill(member.user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"/en/partner/$"))


def _assert_one_row(page, label):
    layout = page.evaluate(HEADER_LAYOUT)
    boxes = layout["boxes"]
    assert len(boxes) >= 4, (label, boxes)
    # One row: the bar keeps its single-row height and every visible item shares the same band.
    assert layout["height"] <= 66, (label, layout)
    centres = [(b["top"] + b["bottom"]) / 2 for b in boxes]
    assert max(centres) - min(centres) <= 8, (label, boxes)


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def small_phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.console_errors = errors
    yield page
    context.close()


@pytest.mark.parametrize(("lang", "log_in"), [("en", "Log in"), ("lv", "Pieslēgties")])
def test_public_header_is_one_row_at_desktop_width(site, desktop, lang, log_in):
    desktop.goto(f"{site}/{lang}/")
    expect(desktop.get_by_role("link", name=log_in, exact=True)).to_be_visible()
    expect(desktop.locator(".nav-toggle")).to_be_hidden()
    _assert_one_row(desktop, f"public {lang}")
    # The language switch shows codes, but its links keep the languages' names.
    expect(desktop.get_by_role("link", name="Latviešu")).to_be_visible()
    expect(desktop.get_by_role("link", name="English")).to_be_visible()


@pytest.mark.parametrize(("lang", "become"), [("en", "Become a partner"), ("lv", "Kļūt par partneri")])
@pytest.mark.parametrize("path", ["account/login/", "account/password-reset/", "register/"])
def test_logged_out_partner_pages_show_the_public_header(site, desktop, lang, become, path):
    desktop.goto(f"{site}/{lang}/partner/{path}")
    expect(desktop.locator("#site-nav").get_by_role("link", name=become, exact=True)).to_be_visible()
    expect(desktop.locator(".main-menu li").first).to_be_visible()  # the public site's menu
    expect(desktop.locator(".main-menu a[href*='/partner/']")).to_have_count(0)
    _assert_one_row(desktop, f"{path} {lang}")
    # The language switch stays on this page.
    other = "lv" if lang == "en" else "en"
    name = "Latviešu" if other == "lv" else "English"
    expect(desktop.get_by_role("link", name=name)).to_have_attribute("href", f"/{other}/partner/{path}")


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_partner_header_is_one_row_at_desktop_width(site, desktop, org_admin, lang):
    _log_in(desktop, site, org_admin)
    desktop.goto(f"{site}/{lang}/partner/support/new/")
    _assert_one_row(desktop, f"partner {lang}")
    nav = desktop.locator(".main-menu")
    current = nav.locator('a[aria-current="page"]')
    expect(current).to_have_count(1)
    expect(current).to_have_attribute("href", f"/{lang}/partner/support/")
    # The current section is visibly marked (a bar under it), the others are not.
    assert current.evaluate("el => getComputedStyle(el).boxShadow") != "none"
    assert nav.locator("a:not([aria-current])").first.evaluate("el => getComputedStyle(el).boxShadow") == "none"


def _assert_menu_button_on_first_row(page, button_name):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    menu = page.get_by_role("button", name=button_name)
    expect(menu).to_be_visible()
    brand, button = page.locator(".brand").bounding_box(), menu.bounding_box()
    # Same row as the brand, inside the screen, and the header is one row high while the menu is closed.
    assert button["y"] < brand["y"] + brand["height"] and brand["y"] < button["y"] + button["height"]
    assert button["x"] + button["width"] <= 360
    assert page.locator(".site-header").bounding_box()["height"] <= 66


def test_latvian_header_fits_the_smallest_phone(site, small_phone, org_admin):
    page = small_phone
    page.goto(f"{site}/lv/")
    _assert_menu_button_on_first_row(page, "Izvēlne")

    # By keyboard: Tab past the skip link and the brand to the Menu button, open it, and Escape closes it.
    menu = page.get_by_role("button", name="Izvēlne")
    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("link", name="Pieslēgties", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="English")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()

    _log_in(page, site, org_admin)
    page.goto(f"{site}/lv/partner/company/contacts/new/")
    _assert_menu_button_on_first_row(page, "Izvēlne")
    page.get_by_role("button", name="Izvēlne").click()
    current = page.get_by_role("navigation", name="Partneru zona").locator('a[aria-current="page"]')
    expect(current).to_have_attribute("href", "/lv/partner/company/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.console_errors == []


def test_phone_menu_keyboard_focus_never_hides_behind_the_open_menu(site, phone, org_admin):
    """At 390 px the open menu covers the page: Tab past its last item closes it (the focused link is then
    visible); Escape in the account menu ("Anna") closes just that and returns to its button, a second Escape
    closes the menu."""
    page = phone
    _log_in(page, site, org_admin)
    page.goto(f"{site}/lv/partner/")
    menu = page.get_by_role("button", name="Izvēlne")
    nav = page.locator("#site-nav")
    account = page.locator(".account-menu")
    anna = account.locator("summary")

    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")  # into the menu: it stays open
    expect(page.get_by_role("navigation", name="Partneru zona").get_by_role("link").first).to_be_focused()
    expect(nav).to_have_class(re.compile(r"\bis-open\b"))

    # Tab on from the last item (the closed account menu's button) leaves the menu: it closes.
    anna.focus()
    expect(nav).to_have_class(re.compile(r"\bis-open\b"))
    page.keyboard.press("Tab")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav).not_to_have_class(re.compile(r"\bis-open\b"))
    focused = page.evaluate_handle("document.activeElement")
    assert focused.evaluate("el => !document.getElementById('site-nav').contains(el)")
    assert focused.evaluate("el => el.getClientRects().length > 0")  # a visible element of the page, not hidden

    # Escape in the account menu: first closes it and goes back to "Anna", then closes the whole menu.
    menu.focus()
    page.keyboard.press("Enter")
    anna.focus()
    page.keyboard.press("Enter")
    expect(account).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Mans konts")).to_be_focused()
    page.keyboard.press("Escape")
    expect(account).not_to_have_attribute("open", "")
    expect(anna).to_be_focused()
    expect(menu).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()

    # Tab past the open account menu's last item ("Iziet") closes both.
    page.keyboard.press("Enter")
    anna.focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Iziet").focus()
    page.keyboard.press("Tab")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(account).not_to_have_attribute("open", "")
    assert page.console_errors == []
