"""Support on a phone: a partner opens a request with a file, sees it listed as received, opens it and adds a reply
that appears in the conversation. Also: the public contact form, and screenshots at 390 and 1280 px."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from partner_area.companies.models import Role
from partner_area.support.models import SupportAttachment, SupportComment, SupportRequest
from partner_area.support.services import support_request_create
from tests.factories import PASSWORD, CompanyFactory, MembershipFactory
from tests.materials.helpers import pdf_bytes, png_bytes

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def support_site(transactional_db, live_server, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private-media")
    company = CompanyFactory(legal_name="Phone Partners SIA")
    member = MembershipFactory(
        company=company, role=Role.USER, sections=["support"], user__first_name="Ilze", user__last_name="Kalniņa"
    )
    return {"url": live_server.url, "member": member}


def _log_in(page, site, member):
    page.goto(f"{site}/en/partner/account/login/")
    page.locator("#id_username").fill(member.user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Welcome, Ilze")).to_be_visible()


def _no_sideways_scroll(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_partner_opens_a_request_with_a_file_and_replies(support_site, phone):
    site = support_site["url"]
    _log_in(phone, site, support_site["member"])

    phone.get_by_role("button", name="Menu").click()
    phone.get_by_role("navigation", name="Partner area").get_by_role("link", name="Support").click()
    expect(phone.get_by_role("heading", name="No support requests yet")).to_be_visible()
    phone.get_by_role("link", name="New request").first.click()

    expect(phone.get_by_role("heading", name="New support request")).to_be_visible()
    phone.get_by_label("Subject").fill("Export to Excel fails")
    phone.get_by_label("Category").select_option(label="Technical problem")
    phone.get_by_label("Priority").select_option(label="High")
    phone.get_by_label("Attachments").set_input_files(
        [{"name": "error report.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("Error 500")}]
    )
    # Forgetting the description: the form comes back with the error, the typed text and the chosen file kept.
    phone.get_by_role("button", name="Send request").click()
    expect(phone.locator("#id_description_error")).to_contain_text("This field is required")
    expect(phone.locator(".error-summary")).to_be_focused()  # announced, and the next Tab is the form
    expect(phone.get_by_label("Subject")).to_have_value("Export to Excel fails")
    assert phone.evaluate("document.getElementById('id_attachments').files.length") == 1
    _no_sideways_scroll(phone, 390)
    screenshot(phone, "support-1-new-with-error-390")

    phone.get_by_label("Description").fill("Clicking Export shows an error page since this morning.")
    # Hold the upload in flight: the form shows it is busy and cannot be sent twice.
    held = []
    phone.route(
        "**/support/new/", lambda route: held.append(route) if route.request.method == "POST" else route.fallback()
    )
    send = phone.get_by_role("button", name="Send request")
    send.click()
    expect(phone.locator(".submit-busy")).to_be_visible()
    expect(phone.locator(".submit-busy")).to_contain_text("Sending your request…")
    expect(send).to_be_disabled()
    assert len(held) == 1
    held[0].continue_()

    expect(phone.get_by_role("heading", name="Export to Excel fails")).to_be_visible()
    expect(phone.locator(".message--success")).to_contain_text("has been received")
    expect(phone.locator(".support-head__status")).to_have_text("Received")
    expect(phone.get_by_role("link", name="error report.pdf")).to_be_visible()
    support_request = SupportRequest.unscoped.get()
    assert SupportAttachment.unscoped.get(support_request=support_request).filename == "error report.pdf"

    phone.get_by_role("link", name="All requests").click()
    row = phone.locator(".support-table tbody tr", has_text="Export to Excel fails")
    expect(row).to_contain_text("Received")
    _no_sideways_scroll(phone, 390)
    screenshot(phone, "support-2-list-390")
    # Choosing a status filters in place.
    phone.get_by_label("Status").select_option(label="Solved")
    expect(phone.get_by_role("heading", name="No requests with this status")).to_be_visible()
    expect(phone).to_have_url(f"{site}/en/partner/support/?status=solved")
    phone.get_by_label("Status").select_option(label="Received")
    expect(row).to_contain_text("Received")

    row.get_by_role("link").click()
    phone.get_by_label("Your reply").fill("It also happens with CSV.")
    phone.get_by_label("Attachments").set_input_files(
        [{"name": "csv error.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    phone.get_by_role("button", name="Send reply").click()

    expect(phone.locator(".message--success")).to_contain_text("Your reply has been added")
    expect(phone.locator(".conversation__item")).to_have_count(2)
    reply = SupportComment.unscoped.filter(support_request=support_request).latest("pk")
    item = phone.locator(f"#comment-{reply.pk}")
    expect(item).to_contain_text("It also happens with CSV.")
    expect(item.get_by_role("link", name="csv error.png")).to_be_visible()
    expect(item).to_be_in_viewport()
    assert phone.evaluate("document.getElementById('id_attachments').files.length") == 0  # sent, not kept
    expect(phone.get_by_label("Your reply")).to_have_value("")
    _no_sideways_scroll(phone, 390)
    screenshot(phone, "support-3-detail-390")
    assert phone.console_errors == []


def test_visitor_sends_the_public_contact_form(support_site, phone):
    site = support_site["url"]
    phone.goto(f"{site}/en/")
    phone.get_by_role("link", name="Send us a message").click()
    expect(phone.get_by_role("heading", name="Contact us", level=1)).to_be_visible()
    _no_sideways_scroll(phone, 390)
    screenshot(phone, "support-4-contact-390")

    phone.get_by_label("Your name").fill("Jānis Bērziņš")
    phone.get_by_label("E-mail").fill("janis@kokapstrade.lv")
    phone.get_by_label("Company").fill("Kokapstrāde SIA")
    phone.get_by_label("Message").fill("We would like to resell Brello 360.")
    # By keyboard: the honeypot is skipped, the next stop is the send button.
    phone.get_by_label("Message").press("Tab")
    expect(phone.get_by_role("button", name="Send message")).to_be_focused()
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", name="Thank you — your message is on its way")).to_be_visible()
    assert SupportRequest.unscoped.get().contact_email == "janis@kokapstrade.lv"

    phone.goto(f"{site}/lv/contact/")
    expect(phone.locator("html")).to_have_attribute("lang", "lv")
    _no_sideways_scroll(phone, 390)
    assert phone.console_errors == []


def test_support_pages_at_desktop_width(support_site, browser):
    """Screenshots at 1280 px of the list, the new form, the detail page and the public contact page."""
    member = support_site["member"]
    support_request = support_request_create(
        membership=member, subject="Invoice PDF is empty", description="The PDF of invoice 2026-114 has no lines."
    )
    SupportComment.unscoped.create(
        support_request=support_request,
        author_name="Anna from Brello",
        body="Thank you, we are looking into it. Could you tell us which browser you use?",
        from_zendesk=True,
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    site = support_site["url"]
    _log_in(page, site, member)
    for path, name in (
        ("/en/partner/support/", "support-5-list-1280"),
        ("/en/partner/support/new/", "support-6-new-1280"),
        (f"/en/partner/support/{support_request.pk}/", "support-7-detail-1280"),
        ("/en/contact/", "support-8-contact-partner-1280"),
    ):
        page.goto(f"{site}{path}")
        expect(page.locator("h1")).to_be_visible()
        _no_sideways_scroll(page, 1280)
        screenshot(page, name)
    context.clear_cookies()
    page.goto(f"{site}/en/contact/")
    screenshot(page, "support-9-contact-1280")
    context.close()
    assert errors == []


def test_support_pages_fit_the_smallest_phone(support_site, browser):
    """At 360 px (in Latvian, whose labels are longer) nothing scrolls sideways."""
    member = support_site["member"]
    support_request = support_request_create(
        membership=member,
        subject="Rēķina PDF ir tukšs un neatveras pārlūkprogrammā",
        description="x" * 300,
        attachments=[SimpleUploadedFile("ļoti-garš-faila-nosaukums-bez-atstarpēm-rēķins.pdf", pdf_bytes("x"))],
    )
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    site = support_site["url"]
    _log_in(page, site, member)
    for path in (
        "/lv/partner/support/",
        "/lv/partner/support/new/",
        f"/lv/partner/support/{support_request.pk}/",
        "/lv/contact/",
    ):
        page.goto(f"{site}{path}")
        expect(page.locator("h1")).to_be_visible()
        _no_sideways_scroll(page, 360)
    screenshot(page, "support-10-contact-partner-lv-360")
    context.close()
