"""The signed-webhook check both peers share (integrations.signatures): refusals the endpoints' own tests do not
cover, answered the same way by the ERP and the Zendesk webhook."""

import base64
import hashlib
import hmac
import json
import time

import pytest
from django.core.cache import cache

from integrations.erp import webhook as erp_webhook
from integrations.zendesk import webhook as zendesk_webhook

SECRET = "shared-check-secret"
ENDPOINTS = {
    "erp": ("/integrations/erp/webhook/", erp_webhook.SIGNING, {"entity": "invoices"}),
    "zendesk": ("/integrations/zendesk/webhook/", zendesk_webhook.SIGNING, {"ticket_id": "42"}),
}


@pytest.fixture(autouse=True)
def _secrets(settings, monkeypatch):
    settings.ERP_WEBHOOK_SECRET = SECRET
    settings.ZENDESK_WEBHOOK_SECRET = SECRET
    cache.clear()
    # what an accepted call queues is the endpoints' own tests' business
    monkeypatch.setattr(erp_webhook.erp_pull, "delay", lambda entity: None)
    monkeypatch.setattr(zendesk_webhook.zendesk_sync_ticket, "delay", lambda ticket_id: None)


def post(client, endpoint: str, *, timestamp: str, signature: str | None = None):
    url, scheme, body = ENDPOINTS[endpoint]
    raw = json.dumps(body).encode()
    headers = {
        scheme.timestamp_header: timestamp,
        scheme.signature_header: signature if signature is not None else scheme.signature_for(timestamp, raw, SECRET),
    }
    return client.post(url, raw, content_type="application/json", headers=headers)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("timestamp", ["", "nan", "inf", "-inf", "1e999", "9" * 400])
def test_a_missing_non_finite_or_impossible_timestamp_is_a_400(client, endpoint, timestamp):
    response = post(client, endpoint, timestamp=timestamp)
    assert (response.status_code, response.json()) == (400, {"detail": "Missing or malformed timestamp."})


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_signature_with_characters_no_digest_has_is_a_403(client, endpoint):
    response = post(client, endpoint, timestamp=str(int(time.time())), signature="é" * 44)
    assert (response.status_code, response.json()) == (403, {"detail": "Bad signature."})


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_stale_and_replayed_requests_get_the_same_answers_from_both(client, endpoint):
    stale = post(client, endpoint, timestamp=str(int(time.time()) - 3600))
    assert (stale.status_code, stale.json()) == (400, {"detail": "Stale request."})
    timestamp = str(int(time.time()))
    assert post(client, endpoint, timestamp=timestamp).status_code == 202
    replay = post(client, endpoint, timestamp=timestamp)
    assert (replay.status_code, replay.json()) == (409, {"detail": "Replayed request."})


def test_the_erp_takes_whole_seconds_only_and_zendesk_also_takes_fractions_and_iso_8601(client):
    fraction = f"{time.time():.3f}"
    assert post(client, "erp", timestamp=fraction).status_code == 400
    assert post(client, "zendesk", timestamp=fraction).status_code == 202
    iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    assert post(client, "zendesk", timestamp=iso).status_code == 202


def test_the_wire_formats_are_the_documented_ones():
    erp = hmac.new(b"k", b"1700000000.{}", hashlib.sha256).hexdigest()
    zendesk = base64.b64encode(hmac.new(b"k", b"1700000000{}", hashlib.sha256).digest()).decode()
    assert erp_webhook.signature_for("1700000000", b"{}", "k") == erp
    assert zendesk_webhook.signature_for("1700000000", b"{}", "k") == zendesk
