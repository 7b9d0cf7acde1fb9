"""Portal → ERP: the transactional outbox and its delivery."""

import logging
import random
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .gateway import ErpError, ErpRejected, get_erp_gateway
from .models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

HANDLERS = {}


def handler(operation: str):
    def register(function):
        HANDLERS[operation] = function
        return function

    return register


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
    transaction.on_commit(_nudge_worker)
    return message


def _nudge_worker() -> None:
    from .tasks import erp_deliver_outbox

    try:
        erp_deliver_outbox.delay()
    except Exception:  # noqa: BLE001 - a broker outage must not fail the user's request; the sweep delivers later
        logger.warning("Could not nudge the outbox worker; the periodic sweep will deliver.", exc_info=True)


def backoff(attempts: int) -> timedelta:
    """Exponential backoff with full jitter, capped."""
    base, cap = settings.ERP_OUTBOX_BACKOFF_SECONDS, settings.ERP_OUTBOX_BACKOFF_CAP_SECONDS
    return timedelta(seconds=random.uniform(base, min(cap, base * 2**attempts)))  # noqa: S311 - jitter, not crypto


def _older_undelivered_exists(message: OutboxMessage) -> bool:
    return (
        OutboxMessage.objects.filter(entity_type=message.entity_type, entity_id=message.entity_id, id__lt=message.id)
        .exclude(status=OutboxStatus.DELIVERED)
        .exists()
    )


def deliver_message(message_id: int) -> str:
    """Deliver one message if it is due and nothing older about the same entity waits; returns its status."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=message_id).first()
        if message is None or message.status != OutboxStatus.PENDING:
            return message.status if message else "locked"
        if message.next_attempt_at > timezone.now() or _older_undelivered_exists(message):
            return message.status
        try:
            HANDLERS[message.operation](message, get_erp_gateway())
        except ErpError as error:
            message.attempts += 1
            message.last_error = str(error)[:2000]
            if isinstance(error, ErpRejected) or message.attempts >= settings.ERP_OUTBOX_MAX_ATTEMPTS:
                message.status = OutboxStatus.FAILED
                logger.error("ERP delivery parked as failed: %s: %s", message, error)
            else:
                message.next_attempt_at = timezone.now() + backoff(message.attempts)
            message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            return message.status
        message.status = OutboxStatus.DELIVERED
        message.delivered_at = timezone.now()
        message.attempts += 1
        message.last_error = ""
        message.save(update_fields=["status", "delivered_at", "attempts", "last_error"])
        return message.status


def outbox_deliver_due(limit: int = 200) -> int:
    """Deliver due messages, oldest first; returns how many were delivered."""
    due = list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    return sum(deliver_message(message_id) == OutboxStatus.DELIVERED for message_id in due)


def outbox_retry(*, message: OutboxMessage) -> None:
    """Staff: give a failed message another round of attempts."""
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.FAILED).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    transaction.on_commit(_nudge_worker)
