"""Issue #18 on the demo data in Latvian, at a phone's 390 × 844 and a desktop's 1280 × 800: the partner home's five
top tasks are links inside the first screen, the dashboard's first screen shows the key figures, no partner page
scrolls sideways from 360 to 1280 px, and the featured video asks nobody outside the portal until it is clicked."""

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from partner_area.accounts.seed import DEMO_PASSWORD
from partner_area.billing.models import Invoice

from .conftest import ADMIN_EMAIL, ARTIFACTS, seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SIZES = {"phone": (390, 844), "desktop": (1280, 800)}
# The five top tasks: what's new, turnover, overdue invoices, ask for help, find and download a material.
TOP_TASKS = [
    'a[href$="/lv/partner/announcements/"]',
    'a[href$="/lv/partner/dashboard/"]',
    'a[href$="/lv/partner/invoices/?status=overdue"]',
    'a[href$="/lv/partner/support/new/"]',
    'a[href$="/lv/partner/materials/"]',
]


@pytest.fixture
def demo(transactional_db, live_server, settings, tmp_path):
    membership, support_request = seed_demo(settings, tmp_path)
    invoice = Invoice.unscoped.filter(company=membership.company).order_by("-invoice_date").first()
    pages = {
        "partner-home": "/lv/partner/",
        "dashboard": "/lv/partner/dashboard/",
        "invoices": "/lv/partner/invoices/",
        "invoice": f"/lv/partner/invoices/{invoice.pk}/",
        "materials": "/lv/partner/materials/",
        "support": "/lv/partner/support/",
        "support-detail": f"/lv/partner/support/{support_request.pk}/",
        "members": "/lv/partner/members/",
        "company": "/lv/partner/company/",
    }
    return {"url": live_server.url, "pages": pages}


# Links and buttons of the content that stick out of the window, even where a box scrolls them into reach.
CLIPPED_CONTROLS = """() => [...document.querySelectorAll('main a, main button')].filter(element => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && (box.right > document.documentElement.clientWidth + 0.5 || box.left < -0.5);
}).map(element => element.textContent.trim())"""


def _page(browser, width, height):
    mobile = width < 600
    context = browser.new_context(
        viewport={"width": width, "height": height}, device_scale_factor=2 if mobile else 1, is_mobile=mobile
    )
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    return page


def _log_in(page, site):
    page.goto(f"{site}/lv/partner/account/login/")
    page.locator("#id_username").fill(ADMIN_EMAIL)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"/lv/partner/$"))


def _first_screen(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), caret="initial")


def _inside_first_screen(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


@pytest.mark.parametrize("size", SIZES)
def test_the_five_top_tasks_are_links_in_the_first_screen_of_the_home(demo, browser, size):
    page = _page(browser, *SIZES[size])
    _log_in(page, demo["url"])
    page.goto(demo["url"] + "/lv/partner/")
    expect(page.locator(".figure-card").first).to_be_visible()  # the figures have loaded: the layout is final
    for selector in TOP_TASKS:
        link = page.locator(f"main {selector}").first
        expect(link).to_be_visible()
        assert _inside_first_screen(page, link), selector
        assert link.bounding_box()["height"] >= 44, selector  # a tap target
    _first_screen(page, f"ux18-{size}-lv-partner-home-first-screen")
    assert page.console_errors == []


@pytest.mark.parametrize("size", SIZES)
def test_the_dashboard_first_screen_shows_the_key_figures(demo, browser, size):
    page = _page(browser, *SIZES[size])
    _log_in(page, demo["url"])
    page.goto(demo["url"] + "/lv/partner/dashboard/")
    tiles = page.locator(".figure-tile")
    expect(tiles.first).to_be_visible()
    # The turnover in the main currency: direct, indirect and total.
    key_figures = page.locator("#turnover-heading ~ .figure-tiles").first.locator(".figure-tile")
    assert key_figures.count() == 3
    _first_screen(page, f"ux18-{size}-lv-dashboard-first-screen")
    for index in range(key_figures.count()):
        assert _inside_first_screen(page, key_figures.nth(index)), key_figures.nth(index).inner_text()
    assert page.console_errors == []


def test_no_partner_page_scrolls_sideways_from_360_to_1280_px(demo, browser):
    problems = []
    for width in (360, 390, 768, 1024, 1280):
        page = _page(browser, width, 844)
        _log_in(page, demo["url"])
        for name, path in demo["pages"].items():
            page.goto(demo["url"] + path)
            expect(page.locator("h1").first).to_be_visible()
            overflow = page.evaluate("document.documentElement.scrollWidth") - width
            if overflow > 0:
                problems.append((width, name, overflow))
            # Nothing is cut off inside a scrolling box either (the members table's Edit and Deactivate).
            clipped = page.evaluate(CLIPPED_CONTROLS)
            if clipped:
                problems.append((width, name, clipped))
        problems += [(width, error) for error in page.console_errors]
        page.context.close()
    assert problems == []


@pytest.mark.parametrize("size", SIZES)
def test_the_video_asks_nobody_outside_the_portal_until_it_is_clicked(demo, browser, size):
    page = _page(browser, *SIZES[size])
    site_host = urlparse(demo["url"]).hostname
    outside: list[str] = []

    def record(route):
        outside.append(route.request.url)
        route.abort()  # the tests never leave the machine

    page.route(lambda url: urlparse(url).hostname != site_host, record)
    _log_in(page, demo["url"])
    page.goto(demo["url"] + "/lv/partner/")
    expect(page.locator(".figure-card").first).to_be_visible()
    poster = page.get_by_role("button", name=re.compile("Brello 360 divās minūtēs"))
    poster.scroll_into_view_if_needed()
    expect(poster).to_be_visible()
    page.wait_for_timeout(300)
    assert page.locator("iframe").count() == 0
    assert outside == []
    page.screenshot(path=str(ARTIFACTS / f"ux18-{size}-lv-video-poster.png"), caret="initial", full_page=True)

    poster.click()
    frame = page.locator(".home-video iframe")
    expect(frame).to_have_attribute("src", re.compile(r"^https://www\.youtube-nocookie\.com/embed/aqz-KE-bpKQ"))
    expect(frame).to_have_attribute("title", "Brello 360 divās minūtēs")
    expect(frame).to_be_focused()
    page.wait_for_timeout(300)
    assert outside and all(urlparse(url).hostname == "www.youtube-nocookie.com" for url in outside), outside
    # The way out when the player cannot load (blocked, offline): the video on its own site.
    expect(
        page.locator('[aria-labelledby="home-video-heading"]').get_by_role("link", name=re.compile("YouTube"))
    ).to_have_attribute("href", re.compile(r"^https://(www\.)?youtube"))


@pytest.mark.parametrize("size", SIZES)
def test_the_invoices_come_first_and_the_filters_wait_behind_filter_on_a_phone(demo, browser, size):
    page = _page(browser, *SIZES[size])
    _log_in(page, demo["url"])
    page.goto(demo["url"] + "/lv/partner/invoices/")
    number = page.get_by_label("Rēķina numurs")
    first_invoice = page.locator(".invoice-table tbody th a").first
    if size == "phone":
        expect(number).to_be_hidden()
        _first_screen(page, f"ux18-{size}-lv-invoices-first-screen")
        assert _inside_first_screen(page, first_invoice)
        page.locator("summary", has_text="Filtrēt").click()
    else:
        expect(page.locator("summary", has_text="Filtrēt")).to_be_hidden()
    expect(number).to_be_visible()
    number.fill("no-such-invoice")
    expect(page.locator(".invoice-table tbody th a")).to_have_count(0)
    _first_screen(page, f"ux18-{size}-lv-invoices-filtered")
    assert page.console_errors == []
