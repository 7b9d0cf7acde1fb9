"""The public contact form: CSRF, a size limit and a rate limit, each with what the visitor sees."""

import pytest
from django.test import Client
from django.urls import reverse

from partner_area.support.models import SupportRequest

pytestmark = pytest.mark.django_db


def _contact(**changes):
    data = {"name": "Jānis", "email": "janis@kokapstrade.lv", "company_name": "", "message": "Hello", "website_url": ""}
    return {**data, **changes}


def test_the_public_contact_form_needs_csrf():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("contact"), _contact())
    assert response.status_code == 403
    assert not SupportRequest.unscoped.filter(contact_email="janis@kokapstrade.lv").exists()


def test_a_huge_public_message_is_refused_with_a_message(client):
    response = client.post(reverse("contact"), _contact(message="x" * 100_000))
    assert response.status_code == 200
    assert response.context["form"].errors["message"]
    assert not SupportRequest.unscoped.exists()


def test_the_public_contact_form_is_rate_limited(client, settings):
    settings.RATELIMIT_FORMS = "2/h"
    statuses = [client.post(reverse("contact"), _contact(email=f"p{n}@kokapstrade.lv")).status_code for n in range(3)]
    assert statuses[:2] == [302, 302]
    assert statuses[2] == 429 or statuses[2] == 403
