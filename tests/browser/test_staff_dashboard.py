"""The Wagtail dashboard on a desktop and a phone: the waiting applications panel is in the first screen and its
first application opens the review page, where the status is prominent."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.organizations.factories_staff import application, partner_manager

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_the_waiting_applications_are_one_click_from_the_dashboard(site, browser, width, height):
    application(legal_name="Jaunais Partneris SIA")
    django_client = Client()
    django_client.force_login(partner_manager())
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=width < 600)
    context.add_cookies([{"name": "sessionid", "value": django_client.cookies["sessionid"].value, "url": site}])
    page = context.new_page()

    page.goto(f"{site}/admin/")
    link = page.locator("#partner-applications-waiting-section").get_by_role("link", name="Jaunais Partneris SIA")
    expect(link).to_be_visible()
    box = link.bounding_box()
    assert box["y"] + box["height"] <= height, box
    heading = page.get_by_role("heading", name="Partner applications waiting for review")
    assert heading.evaluate("h => h.scrollWidth <= h.clientWidth && h.getBoundingClientRect().right <= innerWidth")
    screenshot(page, f"staff-{width}-dashboard")

    link.click()
    status = page.locator(".partner-status")
    expect(status).to_contain_text("Pending review")
    assert status.bounding_box()["height"] >= 44
    screenshot(page, f"staff-{width}-review")
    context.close()
