"""Portal → Zendesk: the transactional outbox, delivered by the shared engine (partner_area/platform/outbox.py) in order
per support request. A sweep shares one client and stops at the first failed attempt (Zendesk down or rate
limiting): the rest waits its turn."""

import dataclasses
import logging

from django.utils import timezone

from partner_area.platform import outbox as engine

from .client import (
    ZendeskError,
    ZendeskRejected,
    ZendeskUnavailable,
    zendesk_answers,
    zendesk_client,
    zendesk_is_configured,
    zendesk_session,
)
from .models import Operation, ZendeskOutboxMessage

__all__ = ["Operation", "zendesk_enqueue", "outbox_deliver_due", "outbox_resume_if_back", "outbox_sweep_soon"]

logger = logging.getLogger(__name__)

KEY = "zendesk"  # handlers: @engine.handler(outbox=KEY, operation=...) in push.py, imported in ZendeskConfig.ready()

OUTBOX = engine.Outbox(
    key=KEY,
    name="Zendesk",
    model=ZendeskOutboxMessage,
    ordering_fields=("support_request_id",),
    error=ZendeskError,
    rejected=ZendeskRejected,
    unavailable=ZendeskUnavailable,  # ZendeskRateLimited is one, with the retry_after the engine honours
    settings_prefix="ZENDESK_OUTBOX",
    client=lambda: zendesk_client(),
    task="integrations.zendesk.tasks.zendesk_deliver_request",
    logger=logger,
    select_related=("support_request",),
)


def zendesk_enqueue(*, support_request, operation: str, payload: dict | None = None) -> ZendeskOutboxMessage:
    """Write a change for Zendesk inside the transaction that makes it; a worker is nudged once it commits
    (the periodic sweep catches anything missed, and everything waits while Zendesk is not configured)."""
    message = ZendeskOutboxMessage.objects.create(
        support_request=support_request, operation=operation, payload=payload or {}, next_attempt_at=timezone.now()
    )
    if zendesk_is_configured():
        engine.nudge_on_commit(OUTBOX, support_request.pk)
    return message


def outbox_deliver_due(*, support_request_id: int | None = None, limit: int = 200) -> int:
    """Deliver due messages (of one request, or all), oldest first, with one client; returns how many were
    delivered. Stops at the first failed attempt (Zendesk down or rate limiting): the rest waits its turn."""
    if not zendesk_is_configured():
        return 0
    filters = {} if support_request_id is None else {"support_request_id": support_request_id}
    with zendesk_session() as client:
        return engine.deliver_due(OUTBOX, limit=limit, client=client, stop_at_failure=True, **filters)


def outbox_resume_if_back() -> int:
    """Deliveries waiting for Zendesk become due as soon as its health check answers (3 s timeout)."""
    return engine.resume_if_back(OUTBOX, lambda: bool(zendesk_answers()))


def outbox_sweep_soon() -> None:
    """Once the current transaction commits, ask a worker to sweep the whole outbox (after staff released many)."""
    if zendesk_is_configured():
        engine.nudge_on_commit(dataclasses.replace(OUTBOX, task="integrations.zendesk.tasks.zendesk_deliver_outbox"))
