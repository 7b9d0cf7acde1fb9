"""POST /integrations/erp/webhook/ — an ERP that can push tells the portal to pull one entity now.

Contract: body JSON {"entity": "companies" | "contacts" | "invoices"}; headers
X-Brello-Timestamp (Unix seconds) and X-Brello-Signature = hex HMAC-SHA256 of "<timestamp>.<raw body>"
with ERP_WEBHOOK_SECRET. Requests older than 5 minutes, or seen before, are refused."""

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from integrations.signatures import (
    SignatureRefused,
    SigningScheme,
    hex_digest,
    signed_request_verify,
    whole_unix_seconds,
)
from partner_area.platform.jsonbody import json_body

from .models import SyncEntity
from .tasks import erp_pull

SIGNING = SigningScheme(
    timestamp_header="X-Brello-Timestamp",
    signature_header="X-Brello-Signature",
    separator=b".",
    encode=hex_digest,
    parse_timestamp=whole_unix_seconds,
    cache_prefix="erp-webhook:",
)
signature_for = SIGNING.signature_for


@csrf_exempt  # authenticated by the HMAC signature, not a session
@require_POST
def erp_webhook(request):
    secret = settings.ERP_WEBHOOK_SECRET
    if not secret:
        return JsonResponse({"detail": "The ERP webhook is not configured."}, status=404)
    try:
        signed_request_verify(request, scheme=SIGNING, secret=secret, max_age=settings.ERP_WEBHOOK_MAX_AGE_SECONDS)
    except SignatureRefused as refused:
        return JsonResponse({"detail": refused.detail}, status=refused.status)
    try:
        entity = json_body(request.body, empty={}).get("entity")
    except (ValueError, AttributeError):
        return JsonResponse({"detail": "Body must be JSON.", "errors": {"entity": ["Required."]}}, status=400)
    if entity not in SyncEntity.values:
        return JsonResponse(
            {"detail": "Invalid input.", "errors": {"entity": [f"One of: {', '.join(SyncEntity.values)}."]}},
            status=400,
        )
    erp_pull.delay(entity)
    return JsonResponse({"status": "queued", "entity": entity}, status=202)
