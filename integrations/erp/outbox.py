"""Portal → ERP: the transactional outbox, delivered by the shared engine (partner_area/platform/outbox.py) in order per
entity. Messages about different entities are independent: a failed one is left to its backoff and a sweep goes on
with the next."""

import logging

from django.conf import settings
from django.utils import timezone

from partner_area.platform import outbox as engine
from partner_area.platform.ports.erp import ErpError, ErpRejected, ErpUnavailable, get_erp_gateway

from .models import OutboxMessage

logger = logging.getLogger(__name__)

KEY = "erp"  # handlers: @engine.handler(outbox=KEY, operation=...), imported in ErpConfig.ready()

OUTBOX = engine.Outbox(
    key=KEY,
    name="ERP",
    model=OutboxMessage,
    ordering_fields=("entity_type", "entity_id"),
    error=ErpError,
    rejected=ErpRejected,
    unavailable=ErpUnavailable,
    settings_prefix="ERP_OUTBOX",
    client=lambda: get_erp_gateway(),
    task="integrations.erp.tasks.erp_deliver_outbox",
    logger=logger,
)


def outbox_enqueue(*, operation: str, entity_type: str, entity_id, payload: dict | None = None) -> OutboxMessage:
    """Write a change for the ERP. Call inside the transaction that makes the change, so both commit or
    neither does; a worker is nudged once it commits (the periodic sweep catches anything missed)."""
    message = OutboxMessage.objects.create(
        operation=operation,
        entity_type=entity_type,
        entity_id=str(entity_id),
        payload=payload or {},
        next_attempt_at=timezone.now(),
    )
    engine.nudge_on_commit(OUTBOX)
    return message


def outbox_deliver_due(limit: int = 200) -> int:
    """Deliver due messages, oldest first, each with its own gateway; returns how many were delivered."""
    return engine.deliver_due(OUTBOX, limit=limit)


def outbox_resume_if_back() -> int:
    """Deliveries waiting for the ERP become due as soon as its health check answers (short timeout)."""
    return engine.resume_if_back(OUTBOX, lambda: get_erp_gateway(timeout=settings.ERP_INTERACTIVE_TIMEOUT).health())


def outbox_retry(*, message: OutboxMessage) -> None:
    """Staff: give a failed message another round of attempts."""
    engine.retry(OUTBOX, message)
    engine.nudge_on_commit(OUTBOX)


def outbox_redeliver(*, entity_type: str, entity_id) -> int:
    """Another round for the parked deliveries about one entity (the port's erp_redeliver)."""
    parked = OutboxMessage.objects.filter(
        entity_type=entity_type, entity_id=str(entity_id), status=engine.OutboxStatus.FAILED
    )
    messages = list(parked)
    for message in messages:
        outbox_retry(message=message)
    return len(messages)
