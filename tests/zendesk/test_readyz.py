"""/readyz lists Zendesk's health (through zenpy against the Zendesk-API stand-in) apart from the portal's own."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


def test_readyz_reports_zendesk_failing_without_making_the_portal_unready(client, zendesk):
    cache.delete("readyz-peers")
    assert client.get("/readyz").json()["peers"]["zendesk"] == "ok"
    zendesk.fail_next(503, times=3)
    cache.delete("readyz-peers")
    answer = client.get("/readyz")
    assert (answer.status_code, answer.json()["peers"]["zendesk"]) == (200, "unavailable")
