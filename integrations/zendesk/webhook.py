"""POST /integrations/zendesk/webhook/ — Zendesk tells the portal that a ticket changed.

Zendesk signs each call: X-Zendesk-Webhook-Signature = base64(HMAC-SHA256(signing secret, timestamp + raw body))
with the timestamp from X-Zendesk-Webhook-Signature-Timestamp. Calls older than 5 minutes, with a bad signature,
or seen before are refused. The body names the ticket ({"ticket_id": "{{ticket.id}}"} from a trigger, or an
event's {"detail": {"id": ...}}); the ticket itself is then fetched through the API, never taken from the body."""

import base64
import hashlib
import hmac
import json
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .tasks import zendesk_sync_ticket

logger = logging.getLogger(__name__)


def signature_for(timestamp: str, body: bytes, secret: str) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _timestamp_seconds(value: str) -> float | None:
    """Zendesk sends ISO 8601 (2026-11-23T14:00:00Z); Unix seconds are accepted too."""
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return seconds if math.isfinite(seconds) else None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    return parsed.timestamp() if parsed and parsed.tzinfo else None


def _ticket_id(payload) -> int | None:
    if not isinstance(payload, dict):
        return None
    candidates = [payload.get("ticket_id")]
    for key in ("ticket", "detail"):
        if isinstance(payload.get(key), dict):
            candidates.append(payload[key].get("id"))
    for candidate in candidates:
        try:
            ticket_id = int(str(candidate))
        except (TypeError, ValueError):
            continue
        if ticket_id > 0:
            return ticket_id
    return None


@csrf_exempt  # authenticated by the HMAC signature, not a session
@require_POST
def zendesk_webhook(request):
    secret = settings.ZENDESK_WEBHOOK_SECRET
    if not secret:
        return JsonResponse({"detail": "The Zendesk webhook is not configured."}, status=404)
    timestamp = request.headers.get("X-Zendesk-Webhook-Signature-Timestamp", "")
    signature = request.headers.get("X-Zendesk-Webhook-Signature", "")
    sent_at = _timestamp_seconds(timestamp)
    if sent_at is None:
        return JsonResponse({"detail": "Missing or malformed timestamp."}, status=400)
    if abs(time.time() - sent_at) > settings.ZENDESK_WEBHOOK_MAX_AGE_SECONDS:
        return JsonResponse({"detail": "Stale request."}, status=400)
    if not hmac.compare_digest(signature.encode(), signature_for(timestamp, request.body, secret).encode()):
        return JsonResponse({"detail": "Bad signature."}, status=403)
    # A replay carries the same signature: remember each for as long as it could pass the age check.
    seen_key = "zendesk-webhook:" + hashlib.sha256(signature.encode()).hexdigest()
    if not cache.add(seen_key, 1, timeout=settings.ZENDESK_WEBHOOK_MAX_AGE_SECONDS * 2):
        return JsonResponse({"detail": "Replayed request."}, status=409)
    try:
        ticket_id = _ticket_id(json.loads(request.body or b"{}"))
    except ValueError:
        ticket_id = None
    if ticket_id is None:
        return JsonResponse({"detail": 'The body must be JSON naming the ticket: {"ticket_id": ...}.'}, status=400)
    try:
        zendesk_sync_ticket.delay(ticket_id)
    except Exception:  # noqa: BLE001 - the periodic pull catches the change if the queue or Zendesk fails now
        logger.warning("Could not sync Zendesk ticket %s now; the pull will.", ticket_id, exc_info=True)
    return JsonResponse({"status": "queued", "ticket_id": ticket_id}, status=202)
