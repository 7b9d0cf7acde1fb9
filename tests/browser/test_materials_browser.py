"""A partner user on a phone: home shows the pinned announcement, Materials filters by product, a file
downloads through the authorising view."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from partner_area.companies.models import Role
from tests.announcements.helpers import make_announcement
from tests.factories import PASSWORD, CompanyFactory, MembershipFactory
from tests.materials.helpers import make_category, make_material, make_product, pdf_bytes

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def library(transactional_db, live_server, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private-media")
    company = CompanyFactory(legal_name="Phone Partners SIA")
    member = MembershipFactory(company=company, role=Role.USER, sections=["materials"], user__first_name="Ilze")
    crm, hr = make_product(name="Brello CRM"), make_product(name="Brello HR")
    brochures = make_category(name="Brochures")
    make_announcement(title="Spring price update", summary="New partner prices from 1 April.", pinned=True)
    make_announcement(title="An older note", summary="Something else.")
    make_material(
        title="CRM brochure",
        category=brochures,
        products=[crm],
        upload=SimpleUploadedFile("CRM brochure.pdf", pdf_bytes("CRM")),
    )
    make_material(title="HR brochure", category=brochures, products=[hr])
    return {"url": live_server.url, "member": member, "crm": crm}


def test_partner_opens_home_filters_materials_and_downloads(library, phone):
    site = library["url"]
    phone.goto(f"{site}/en/partner/account/login/")
    phone.locator("#id_username").fill(library["member"].user.email)
    phone.locator("#id_password").fill(PASSWORD)
    phone.get_by_role("button", name="Log in").click()

    expect(phone.get_by_role("heading", name="Welcome, Ilze")).to_be_visible()
    pinned = phone.locator(".announcement-item--pinned")
    expect(pinned).to_contain_text("Spring price update")
    expect(pinned).to_contain_text("Unread")
    expect(phone.locator(".figure-card")).to_contain_text("New materials")
    screenshot(phone, "materials-1-home-390")

    phone.get_by_role("button", name="Menu").click()
    phone.get_by_role("navigation", name="Partner area").get_by_role("link", name="Materials").click()
    expect(phone.get_by_role("heading", name="Materials", exact=True)).to_be_visible()
    expect(phone.locator(".material-card", has_text="HR brochure")).to_be_visible()

    phone.get_by_label("Product").select_option(label="Brello CRM")
    expect(phone.locator(".material-card", has_text="HR brochure")).to_have_count(0)
    expect(phone).to_have_url(f"{site}/en/partner/materials/?q=&product={library['crm'].slug}&category=&language=")
    card = phone.locator(".material-card", has_text="CRM brochure")
    expect(card).to_be_visible()
    screenshot(phone, "materials-2-filtered-390")

    with phone.expect_download() as download_info:
        card.get_by_role("link", name="Download").click()
    download = download_info.value
    assert download.suggested_filename == "crm-brochure.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF-")
    assert phone.console_errors == []
