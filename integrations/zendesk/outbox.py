"""Portal → Zendesk: the transactional outbox and its delivery, in order per support request."""

import logging
from datetime import timedelta

from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .client import (
    ZendeskError,
    ZendeskRateLimited,
    ZendeskRejected,
    zendesk_client,
    zendesk_is_configured,
    zendesk_session,
)
from .models import Operation, OutboxStatus, ZendeskOutboxMessage

__all__ = ["Operation", "zendesk_enqueue", "outbox_deliver_due", "outbox_retry"]

logger = logging.getLogger(__name__)

RETRYING = "retrying"


def zendesk_enqueue(*, support_request, operation: str, payload: dict | None = None) -> ZendeskOutboxMessage:
    """Write a change for Zendesk inside the transaction that makes it; a worker is nudged once it commits
    (the periodic sweep catches anything missed, and everything waits while Zendesk is not configured)."""
    message = ZendeskOutboxMessage.objects.create(
        support_request=support_request, operation=operation, payload=payload or {}, next_attempt_at=timezone.now()
    )
    if zendesk_is_configured():
        transaction.on_commit(lambda: _nudge_worker(support_request.pk))
    return message


def _nudge_worker(support_request_id: int) -> None:
    from .tasks import zendesk_deliver_request

    try:
        zendesk_deliver_request.delay(support_request_id)
    except Exception:  # noqa: BLE001 - a broker outage must not fail the user's request; the sweep delivers later
        logger.warning("Could not nudge the Zendesk worker; the periodic sweep will deliver.", exc_info=True)


def backoff(attempts: int) -> timedelta:
    """Exponential backoff with full jitter, capped (Celery's own helper)."""
    seconds = get_exponential_backoff_interval(
        factor=settings.ZENDESK_OUTBOX_BACKOFF_SECONDS,
        retries=attempts,
        maximum=settings.ZENDESK_OUTBOX_BACKOFF_CAP_SECONDS,
        full_jitter=True,
    )
    return timedelta(seconds=seconds)


def _older_undelivered_exists(message: ZendeskOutboxMessage) -> bool:
    return (
        ZendeskOutboxMessage.objects.filter(support_request_id=message.support_request_id, id__lt=message.id)
        .exclude(status=OutboxStatus.DELIVERED)
        .exists()
    )


def deliver_message(message_id: int, client=None) -> str:
    """Deliver one message if it is due and nothing older about the same request waits. Returns its status, or
    RETRYING after a failed attempt that will be repeated later."""
    from .push import HANDLERS

    with transaction.atomic():
        message = (
            ZendeskOutboxMessage.objects.select_for_update(skip_locked=True)
            .select_related("support_request")
            .filter(pk=message_id)
            .first()
        )
        if message is None or message.status != OutboxStatus.PENDING:
            return message.status if message else "locked"
        if message.next_attempt_at > timezone.now() or _older_undelivered_exists(message):
            return message.status
        try:
            with transaction.atomic():  # a savepoint: a failed handler leaves nothing half-written
                HANDLERS[message.operation](message, client or zendesk_client())
        except Exception as error:  # noqa: BLE001 - bad data or a bug must not jam the queue: count it, park it
            if not isinstance(error, ZendeskError):
                logger.exception("Zendesk delivery of %s failed unexpectedly", message)
            message.attempts += 1
            message.last_error = str(error)[:2000]
            if isinstance(error, ZendeskRejected) or message.attempts >= settings.ZENDESK_OUTBOX_MAX_ATTEMPTS:
                message.status = OutboxStatus.FAILED
                logger.error("Zendesk delivery parked as failed: %s: %s", message, error)
            elif isinstance(error, ZendeskRateLimited):
                message.next_attempt_at = timezone.now() + timedelta(seconds=error.retry_after)
            else:
                message.next_attempt_at = timezone.now() + backoff(message.attempts)
            message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            return RETRYING if message.status == OutboxStatus.PENDING else message.status
        message.status = OutboxStatus.DELIVERED
        message.delivered_at = timezone.now()
        message.attempts += 1
        message.last_error = ""
        message.save(update_fields=["status", "delivered_at", "attempts", "last_error"])
        return message.status


def outbox_deliver_due(*, support_request_id: int | None = None, limit: int = 200) -> int:
    """Deliver due messages (of one request, or all), oldest first, with one client; returns how many were
    delivered. Stops at the first failed attempt (Zendesk down or rate limiting): the rest waits its turn."""
    if not zendesk_is_configured():
        return 0
    due = ZendeskOutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=timezone.now())
    if support_request_id is not None:
        due = due.filter(support_request_id=support_request_id)
    delivered = 0
    with zendesk_session() as client:
        for message_id in due.order_by("id").values_list("id", flat=True)[:limit]:
            status = deliver_message(message_id, client)
            if status == RETRYING:
                break
            delivered += status == OutboxStatus.DELIVERED
    return delivered


def outbox_retry(*, message: ZendeskOutboxMessage) -> None:
    """Staff: give a failed message another round of attempts."""
    ZendeskOutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.FAILED).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    if zendesk_is_configured():
        transaction.on_commit(lambda: _nudge_worker(message.support_request_id))
