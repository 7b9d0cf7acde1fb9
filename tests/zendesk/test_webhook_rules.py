"""The Zendesk webhook refuses unsigned, stale and malformed calls; the staff sync page refuses bad ids."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.zendesk.helpers import signed_headers, ticket_event

pytestmark = pytest.mark.django_db


WEBHOOK_SECRET = "review-secret"


def test_the_zendesk_webhook_refuses_missing_and_bad_signatures(client, settings):
    settings.ZENDESK_WEBHOOK_SECRET = WEBHOOK_SECRET
    url = reverse("zendesk_webhook")
    body = ticket_event(42)
    assert client.post(url, body, content_type="application/json").status_code == 400
    headers = signed_headers(body, secret="wrong")
    assert client.post(url, body, content_type="application/json", **headers).status_code == 403
    good = signed_headers(body, secret=WEBHOOK_SECRET)
    tampered = ticket_event(43)
    assert client.post(url, tampered, content_type="application/json", **good).status_code == 403
    stale = signed_headers(body, timestamp=str(int(timezone.now().timestamp()) - 3600), secret=WEBHOOK_SECRET)
    assert client.post(url, body, content_type="application/json", **stale).status_code == 400
    assert client.get(url).status_code == 405


def test_the_zendesk_webhook_answers_404_without_a_secret(client, settings):
    settings.ZENDESK_WEBHOOK_SECRET = ""
    assert client.post(reverse("zendesk_webhook"), ticket_event(1), content_type="application/json").status_code == 404


def test_a_signed_webhook_with_a_non_json_body_is_a_400(client, settings):
    settings.ZENDESK_WEBHOOK_SECRET = WEBHOOK_SECRET
    body = b"\xff\xfenot json"
    response = client.post(
        reverse("zendesk_webhook"), body, content_type="application/json", **signed_headers(body, secret=WEBHOOK_SECRET)
    )
    assert response.status_code == 400


def test_a_webhook_timestamp_that_is_not_a_number_is_refused(client, settings):
    settings.ZENDESK_WEBHOOK_SECRET = WEBHOOK_SECRET
    body = ticket_event(42)
    for timestamp in ("nan", "inf", "-inf"):
        headers = signed_headers(body, timestamp=timestamp, secret=WEBHOOK_SECRET)
        assert (
            client.post(reverse("zendesk_webhook"), body, content_type="application/json", **headers).status_code == 400
        )


def test_zendesk_retry_with_a_bad_id_is_404_not_500(staff_client):
    for value in ("abc", "99999"):
        assert staff_client.post(reverse("zendesk_sync"), {"retry": value}).status_code == 404
