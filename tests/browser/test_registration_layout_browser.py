"""The registration form's layout: on a phone the inputs take the screen's width; on a desktop the two controls of a
row line up even when only one has help text."""

import pytest

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _box(page, selector):
    return page.locator(selector).bounding_box()


def test_registration_inputs_use_the_phone_width(site, phone):
    phone.goto(f"{site}/lv/partner/register/")
    assert _box(phone, "#id_legal_name")["width"] >= 320  # was ≈ 260 of 390 px: a card in a card in a card
    assert _box(phone, "#id_password2")["width"] >= 320
    screenshot(phone, "registration-lv-layout-390")


def test_a_row_lines_up_its_controls_on_the_desktop(site, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{site}/lv/partner/register/")
    for left, right in (("#id_country", "#id_registration_number"), ("#id_password1", "#id_password2")):
        a, b = _box(page, left), _box(page, right)
        assert abs(a["y"] - b["y"]) < 1 and abs(a["height"] - b["height"]) < 1, (left, a, right, b)
    screenshot(page, "registration-lv-layout-1280")
    context.close()
