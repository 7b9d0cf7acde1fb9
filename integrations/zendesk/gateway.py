"""The zenpy adapter of the Zendesk port (partner_area/platform/ports/zendesk.py): what support pages ask
Zendesk while a person waits. ZENDESK_BACKEND names it; get_zendesk_gateway() builds it."""

from .client import zendesk_client
from .inbound import attachment_fetch


class ZenpyGateway:
    """ZendeskGateway over the zenpy client configured from settings (client.zendesk_client)."""

    def __init__(self, *, timeout: float | None = None):
        self.timeout = timeout

    def attachment_content(self, *, zendesk_attachment_id: int, max_bytes: int) -> bytes:
        client = zendesk_client(timeout=self.timeout) if self.timeout is not None else None
        return attachment_fetch(zendesk_attachment_id=zendesk_attachment_id, max_bytes=max_bytes, client=client)
