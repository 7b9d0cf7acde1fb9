"""The public contact form at /<lang>/contact/: anonymous visitors write to Brello; spam and floods are held off."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from partner_area.companies.models import Role
from partner_area.support.models import Source, Status, SupportRequest
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _message(**fields):
    data = {
        "name": "Jānis Bērziņš",
        "email": "janis@kokapstrade.lv",
        "company_name": "Kokapstrāde SIA",
        "message": "We would like to resell Brello 360. Who can we talk to?",
        "website_url": "",
    }
    return {**data, **fields}


def test_the_contact_page_exists_in_english_and_latvian():
    assert reverse("contact") == "/en/contact/"
    with translation.override("lv"):
        assert reverse("contact") == "/lv/contact/"
    client = Client()
    for language in ("en", "lv"):
        response = client.get(f"/{language}/contact/")
        page = response.content.decode()
        assert response.status_code == 200 and f'<html lang="{language}">' in page
        assert 'name="csrfmiddlewaretoken"' in page and 'name="website_url"' in page
        # The language switch points at this page in the other language, not at a home page.
        assert 'href="/en/contact/" hreflang="en"' in page and 'href="/lv/contact/" hreflang="lv"' in page


def test_a_visitors_message_becomes_a_received_request_without_a_company(client):
    response = client.post(reverse("contact"), _message())
    assert response.status_code == 302 and response["Location"] == reverse("contact_sent")
    support_request = SupportRequest.unscoped.get()
    assert (support_request.source, support_request.status, support_request.company, support_request.requester) == (
        Source.PUBLIC, Status.RECEIVED, None, None,
    )  # fmt: skip
    assert (support_request.contact_name, support_request.contact_email, support_request.contact_company) == (
        "Jānis Bērziņš", "janis@kokapstrade.lv", "Kokapstrāde SIA",
    )  # fmt: skip
    assert "resell Brello 360" in support_request.description
    assert "your message is on its way" in client.get(response["Location"]).content.decode()


def test_with_htmx_success_is_a_full_redirect(client):
    response = client.post(reverse("contact"), _message(), headers={"HX-Request": "true"})
    assert response.status_code == 200 and response["HX-Redirect"] == reverse("contact_sent")


def test_errors_are_shown_next_to_the_fields_and_the_text_is_kept(client):
    response = client.post(reverse("contact"), _message(name="", email="not-an-address"))
    page = response.content.decode()
    assert response.status_code == 200
    assert {"name", "email"} <= set(response.context["form"].errors)
    assert "We would like to resell Brello 360. Who can we talk to?</textarea>" in page
    assert not SupportRequest.unscoped.exists()


def test_an_undeliverable_address_is_refused(client):
    response = client.post(reverse("contact"), _message(email="someone@example.com"))
    assert "email" in response.context["form"].errors
    assert not SupportRequest.unscoped.exists()


def test_a_bot_filling_the_honeypot_creates_nothing(client):
    response = client.post(reverse("contact"), _message(website_url="http://spam.example"))
    assert response.status_code == 200
    assert not SupportRequest.unscoped.exists()


def test_messages_are_rate_limited(client, settings):
    settings.RATELIMIT_FORMS = "2/h"
    for n in range(2):
        assert client.post(reverse("contact"), _message(email=f"person{n}@kokapstrade.lv")).status_code == 302
    response = client.post(reverse("contact"), _message(email="person9@kokapstrade.lv"))
    assert response.status_code == 429
    assert SupportRequest.unscoped.count() == 2


def test_the_page_is_never_stored_by_a_cache(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300  # the CMS page cache is on, as in production
    first, second = client.get(reverse("contact")), Client().get(reverse("contact"))
    for response in (first, second):
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert "X-Page-Cache" not in response
    token = 'name="csrfmiddlewaretoken" value="'
    tokens = {r.content.decode().split(token)[1].split('"')[0] for r in (first, second)}
    assert len(tokens) == 2  # each visitor gets their own CSRF token, not a cached one


def test_csrf_is_enforced(settings):
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("contact"), _message()).status_code == 403
    page = client.get(reverse("contact")).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert client.post(reverse("contact"), _message(csrfmiddlewaretoken=token)).status_code == 302


def test_a_logged_in_partner_is_pointed_to_the_support_section(client):
    member = MembershipFactory(role=Role.USER, sections=["support"])
    client.force_login(member.user)
    page = client.get(reverse("contact")).content.decode()
    assert reverse("partner:support_new") in page and 'name="message"' not in page


def test_a_logged_in_person_without_the_support_grant_gets_the_form(client):
    member = MembershipFactory(role=Role.USER, sections=["materials"])
    client.force_login(member.user)
    assert 'name="message"' in client.get(reverse("contact")).content.decode()


def test_the_public_site_footer_links_to_the_contact_form(client, public_site):
    for language in ("en", "lv"):
        page = client.get(f"/{language}/").content.decode()
        assert f'href="/{language}/contact/"' in page
