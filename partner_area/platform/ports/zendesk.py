"""The port: what the portal needs from Zendesk, in the portal's own terms. Support code depends on this module
only. Zendesk is configured when ZENDESK_SUBDOMAIN, ZENDESK_EMAIL and ZENDESK_API_TOKEN are set; the adapter is
then the class ZENDESK_BACKEND names (a dotted path to a ZendeskGateway, by default the zenpy one in
integrations/zendesk). Changes bound for Zendesk never call it directly: they go through zendesk_send_later."""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class ZendeskError(Exception):
    """Zendesk could not do what was asked."""


class ZendeskUnavailable(ZendeskError):
    """Down, slow or failing (5xx, network): worth another try later."""


class ZendeskRateLimited(ZendeskUnavailable):
    """429: try again after the number of seconds Zendesk asked for."""

    def __init__(self, retry_after: int):
        super().__init__(f"Zendesk answered 429 (rate limited): retry after {retry_after} s")
        self.retry_after = retry_after


class ZendeskRejected(ZendeskError):
    """Zendesk refused the request itself (4xx): another try would fail the same way."""


class ZendeskOperation(StrEnum):
    """The changes the portal sends Zendesk about a support request (the integration has a handler for each)."""

    TICKET_CREATE = "ticket_create"
    COMMENT_CREATE = "comment_create"  # payload: {"comment": <SupportComment id>, "reopen": bool}
    TICKET_STATUS = "ticket_status"  # payload: {"status": "solved" | "open"}


class ZendeskGateway(Protocol):
    """What the portal asks Zendesk while a person waits."""

    def attachment_content(self, *, zendesk_attachment_id: int, max_bytes: int) -> bytes:
        """The content of an agent's file. Raises ZendeskRejected when it is larger than `max_bytes` (read with a
        timeout, never more than that into memory), ZendeskUnavailable when Zendesk cannot deliver it now."""


class NoZendeskGateway:
    """While Zendesk is not configured: nothing can be fetched from it (requests wait in the outbox)."""

    def __init__(self, *, timeout: float | None = None):
        pass

    def attachment_content(self, *, zendesk_attachment_id: int, max_bytes: int) -> bytes:
        raise ZendeskUnavailable("Zendesk is not configured.")


def zendesk_is_configured() -> bool:
    """Whether the account's subdomain, API user and token are all set."""
    return bool(settings.ZENDESK_SUBDOMAIN and settings.ZENDESK_EMAIL and settings.ZENDESK_API_TOKEN)


@cache
def _gateway_class(path: str) -> type:
    return import_string(path)


def get_zendesk_gateway(*, timeout: float | None = None) -> ZendeskGateway:
    """The configured Zendesk adapter (ZENDESK_BACKEND), or NoZendeskGateway while Zendesk is not configured.
    `timeout` overrides ZENDESK_TIMEOUT for each call."""
    if not zendesk_is_configured():
        return NoZendeskGateway()
    gateway_class = _gateway_class(settings.ZENDESK_BACKEND)
    return gateway_class(timeout=timeout) if timeout is not None else gateway_class()


# Changes bound for Zendesk. Support writes them here, in its own transaction; the Zendesk integration
# (integrations/zendesk, the edge) stores them in its outbox and delivers them. It plugs itself in from
# ZendeskConfig.ready(), so features never import it.
_outbox_writer = None


def zendesk_outbox_connect(writer) -> None:
    """Called once by the Zendesk integration: writer(support_request=, operation=, payload=)."""
    global _outbox_writer
    _outbox_writer = writer


def zendesk_send_later(*, support_request, operation: ZendeskOperation, payload: dict | None = None):
    """Queue a change of a support request for Zendesk in the caller's transaction (delivered in order after
    commit, retried until it lands; kept until Zendesk is configured)."""
    if _outbox_writer is None:
        raise RuntimeError("The Zendesk integration (integrations.zendesk) is not installed: nothing reaches Zendesk.")
    return _outbox_writer(support_request=support_request, operation=ZendeskOperation(operation), payload=payload)
