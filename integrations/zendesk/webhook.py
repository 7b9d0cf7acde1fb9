"""POST /integrations/zendesk/webhook/ — Zendesk tells the portal that a ticket changed.

Zendesk signs each call: X-Zendesk-Webhook-Signature = base64(HMAC-SHA256(signing secret, timestamp + raw body))
with the timestamp from X-Zendesk-Webhook-Signature-Timestamp. Calls older than 5 minutes, with a bad signature,
or seen before are refused. The body names the ticket ({"ticket_id": "{{ticket.id}}"} from a trigger, or an
event's {"detail": {"id": ...}}); the ticket itself is then fetched through the API, never taken from the body."""

import logging

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from integrations.signatures import (
    SignatureRefused,
    SigningScheme,
    base64_digest,
    iso_or_unix_seconds,
    signed_request_verify,
)
from partner_area.platform.jsonbody import json_body

from .tasks import zendesk_sync_ticket

logger = logging.getLogger(__name__)

SIGNING = SigningScheme(
    timestamp_header="X-Zendesk-Webhook-Signature-Timestamp",
    signature_header="X-Zendesk-Webhook-Signature",
    separator=b"",
    encode=base64_digest,
    parse_timestamp=iso_or_unix_seconds,  # Zendesk sends ISO 8601; Unix seconds are accepted too
    cache_prefix="zendesk-webhook:",
)
signature_for = SIGNING.signature_for


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
    try:
        signed_request_verify(request, scheme=SIGNING, secret=secret, max_age=settings.ZENDESK_WEBHOOK_MAX_AGE_SECONDS)
    except SignatureRefused as refused:
        return JsonResponse({"detail": refused.detail}, status=refused.status)
    try:
        ticket_id = _ticket_id(json_body(request.body, empty={}))
    except ValueError:
        ticket_id = None
    if ticket_id is None:
        return JsonResponse({"detail": 'The body must be JSON naming the ticket: {"ticket_id": ...}.'}, status=400)
    try:
        zendesk_sync_ticket.delay(ticket_id)
    except Exception:  # noqa: BLE001 - the periodic pull catches the change if the queue or Zendesk fails now
        logger.warning("Could not sync Zendesk ticket %s now; the pull will.", ticket_id, exc_info=True)
    return JsonResponse({"status": "queued", "ticket_id": ticket_id}, status=202)
