"""Registration limits: mistakes do not lock people out; many successful registrations or a flood of posts do."""

import re

import pytest
from django.test import override_settings

from partner_area.companies.models import Company
from tests.numbers import lv_registration_number

from .test_registration import URL, application

pytestmark = pytest.mark.django_db


def _valid(n: int) -> dict:
    return application(
        email=f"person{n}@partner{n}.lv", registration_number=lv_registration_number(300 + n), vat_number=""
    )


@override_settings(RATELIMIT_REGISTRATION="3/h")
def test_submissions_with_errors_do_not_use_up_the_registration_limit(client):
    for _ in range(6):
        response = client.post(URL, application(registration_number="1"))
        assert response.status_code == 200
    response = client.post(URL, application())
    assert response.status_code == 302
    assert Company.objects.count() == 1


@override_settings(RATELIMIT_REGISTRATION="2/h")
def test_successful_registrations_are_limited_per_address_and_the_form_keeps_its_data(client):
    for n in range(2):
        assert client.post(URL, _valid(n)).status_code == 302
        client.logout()

    response = client.post(URL, _valid(9))

    assert response.status_code == 429
    html = response.content.decode()
    assert "Several companies have just been registered from your network" in html
    # The window's end depends on the clock: "about 1 minute" is as right as "about 34 minutes".
    assert re.search(r"Please try again in about \d+ minutes?\.", html)
    assert 'value="Baltic Integrators SIA"' in html
    assert Company.objects.count() == 2


@override_settings(RATELIMIT_REGISTRATION_ATTEMPTS="3/h")
def test_a_flood_of_posts_is_stopped_and_told_how_long_to_wait(client):
    for _ in range(3):
        client.post(URL, application(registration_number="1"))
    response = client.post(URL, application())
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many attempts" in html
    assert "Please try again in about" in html
    assert 0 < int(response["Retry-After"]) <= 3600
    assert Company.objects.count() == 0
