"""Celery tasks: thin wrappers around the outbox, the ticket sync and the pull."""

from celery import shared_task

from .client import ZendeskUnavailable, zendesk_is_configured
from .inbound import ticket_sync
from .outbox import outbox_deliver_due
from .pull import zendesk_pull


@shared_task(name="zendesk.deliver_outbox")
def zendesk_deliver_outbox() -> int:
    """Periodic sweep: deliver every due outbox message."""
    return outbox_deliver_due()


@shared_task(name="zendesk.deliver_request")
def zendesk_deliver_request(support_request_id: int) -> int:
    """Deliver one request's due messages right after they were written."""
    return outbox_deliver_due(support_request_id=support_request_id)


@shared_task(
    name="zendesk.sync_ticket",
    autoretry_for=(ZendeskUnavailable,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def zendesk_sync_ticket(ticket_id: int) -> bool:
    """A webhook said this ticket changed: fetch and apply it."""
    if not zendesk_is_configured():
        return False
    return ticket_sync(ticket_id=ticket_id)


@shared_task(name="zendesk.pull", autoretry_for=(ZendeskUnavailable,), retry_backoff=True, max_retries=3)
def zendesk_pull_tickets() -> int:
    """Periodic: read the incremental ticket export."""
    if not zendesk_is_configured():
        return 0
    return zendesk_pull()
