"""Celery tasks: thin wrappers around the outbox, the ticket sync and the pull. A task Zendesk rate limits is
retried when Zendesk's Retry-After says, not on Celery's own backoff (the incremental export allows 10 calls a
minute: retrying at +1 s and +4 s only spends the next minute's allowance)."""

from celery import shared_task

from partner_area.platform import outbox as engine

from .client import ZendeskRateLimited, ZendeskUnavailable, zendesk_is_configured
from .inbound import ticket_sync
from .outbox import outbox_deliver_due, outbox_resume_if_back
from .pull import zendesk_pull

RATE_LIMITED_MAX_RETRIES = 20  # waiting out Retry-After is not a failure: allow many more of those


def _retry_later(task, error: ZendeskUnavailable):
    """Raise the task's retry: after Retry-After when rate limited, else after a capped, jittered backoff."""
    if isinstance(error, ZendeskRateLimited):
        return task.retry(exc=error, countdown=error.retry_after, max_retries=RATE_LIMITED_MAX_RETRIES)
    countdown = engine.jittered_backoff(task.request.retries, base=1, cap=300).total_seconds()
    return task.retry(exc=error, countdown=countdown)


@shared_task(name="zendesk.deliver_outbox")
def zendesk_deliver_outbox() -> int:
    """Periodic sweep: resume what waits for Zendesk once it answers, then deliver every due outbox message."""
    if not zendesk_is_configured():
        return 0
    outbox_resume_if_back()
    return outbox_deliver_due()


@shared_task(name="zendesk.deliver_request")
def zendesk_deliver_request(support_request_id: int) -> int:
    """Deliver one request's due messages right after they were written."""
    return outbox_deliver_due(support_request_id=support_request_id)


@shared_task(bind=True, name="zendesk.sync_ticket", max_retries=5)
def zendesk_sync_ticket(self, ticket_id: int) -> bool:
    """A webhook said this ticket changed: fetch and apply it."""
    if not zendesk_is_configured():
        return False
    try:
        return ticket_sync(ticket_id=ticket_id)
    except ZendeskUnavailable as error:
        raise _retry_later(self, error) from error


@shared_task(bind=True, name="zendesk.pull", max_retries=3)
def zendesk_pull_tickets(self) -> int:
    """Periodic: read the incremental ticket export."""
    if not zendesk_is_configured():
        return 0
    try:
        return zendesk_pull()
    except ZendeskUnavailable as error:
        raise _retry_later(self, error) from error
