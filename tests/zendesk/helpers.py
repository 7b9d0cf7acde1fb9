import json
import time
from datetime import UTC, datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from integrations.zendesk.webhook import signature_for
from tests.materials.helpers import pdf_bytes, png_bytes

from .conftest import WEBHOOK_SECRET


def pdf(name="invoice copy.pdf"):
    return SimpleUploadedFile(name, pdf_bytes("Brello"), content_type="application/pdf")


def png(name="screenshot.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def iso_timestamp(at: float | None = None) -> str:
    return datetime.fromtimestamp(time.time() if at is None else at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def signed_headers(body: bytes, *, timestamp: str | None = None, secret: str = WEBHOOK_SECRET) -> dict:
    timestamp = timestamp or iso_timestamp()
    return {
        "HTTP_X_ZENDESK_WEBHOOK_SIGNATURE_TIMESTAMP": timestamp,
        "HTTP_X_ZENDESK_WEBHOOK_SIGNATURE": signature_for(timestamp, body, secret),
    }


def ticket_event(ticket_id: int) -> bytes:
    """The body of the trigger the README describes."""
    return json.dumps({"ticket_id": str(ticket_id), "event": "ticket_updated"}).encode()


def post_webhook(client, body: bytes, headers: dict):
    return client.post(reverse("zendesk_webhook"), body, content_type="application/json", **headers)
