"""POST /integrations/erp/webhook/ — an ERP that can push tells the portal to pull one entity now.

Contract: body JSON {"entity": "companies" | "contacts" | "invoices"}; headers
X-Brello-Timestamp (Unix seconds) and X-Brello-Signature = hex HMAC-SHA256 of "<timestamp>.<raw body>"
with ERP_WEBHOOK_SECRET. Requests older than 5 minutes, or seen before, are refused."""

import hashlib
import hmac
import json
import time

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import SyncEntity
from .tasks import erp_pull


def signature_for(timestamp: str, body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


@csrf_exempt  # authenticated by the HMAC signature, not a session
@require_POST
def erp_webhook(request):
    secret = settings.ERP_WEBHOOK_SECRET
    if not secret:
        return JsonResponse({"detail": "The ERP webhook is not configured."}, status=404)
    timestamp = request.headers.get("X-Brello-Timestamp", "")
    signature = request.headers.get("X-Brello-Signature", "")
    try:
        age = abs(time.time() - int(timestamp))
    except ValueError:
        return JsonResponse({"detail": "Missing or malformed timestamp."}, status=400)
    if age > settings.ERP_WEBHOOK_MAX_AGE_SECONDS:
        return JsonResponse({"detail": "Stale request."}, status=400)
    if not hmac.compare_digest(signature, signature_for(timestamp, request.body, secret)):
        return JsonResponse({"detail": "Bad signature."}, status=403)
    # A replayed request carries the same signature: remember each for as long as it could be valid.
    if not cache.add(f"erp-webhook:{signature}", 1, timeout=settings.ERP_WEBHOOK_MAX_AGE_SECONDS * 2):
        return JsonResponse({"detail": "Replayed request."}, status=409)
    try:
        entity = json.loads(request.body or b"{}").get("entity")
    except (ValueError, AttributeError):
        return JsonResponse({"detail": "Body must be JSON.", "errors": {"entity": ["Required."]}}, status=400)
    if entity not in SyncEntity.values:
        return JsonResponse(
            {"detail": "Invalid input.", "errors": {"entity": [f"One of: {', '.join(SyncEntity.values)}."]}},
            status=400,
        )
    erp_pull.delay(entity)
    return JsonResponse({"status": "queued", "entity": entity}, status=202)
