"""The periodic pull: Zendesk's cursor-based incremental ticket export catches whatever a missed webhook
dropped. Only tickets the portal created are applied; the cursor advances after each applied page."""

import logging
import time

from django.conf import settings
from django.utils import timezone

from partner_area.support.models import SupportRequest

from .client import ZendeskError, ZendeskRejected, zendesk_errors, zendesk_session
from .inbound import ticket_apply
from .models import ZendeskCursor

CURSOR_NAME = "tickets"

logger = logging.getLogger(__name__)


def _apply_page(client, tickets) -> int:
    by_id = {str(ticket.id): ticket for ticket in tickets}
    requests = SupportRequest.unscoped.filter(zendesk_ticket_id__in=list(by_id))
    applied = 0
    for support_request in requests:
        ticket = by_id[support_request.zendesk_ticket_id]
        if getattr(ticket, "status", None) == "deleted":
            continue  # an agent deleted it; the portal keeps the conversation as it was
        try:
            with zendesk_errors():
                comments = list(client.tickets.comments(ticket=ticket.id))
        except ZendeskRejected:
            # One unreadable ticket must not stop the export for every other one.
            logger.warning("Zendesk refused the comments of ticket %s; skipped", ticket.id, exc_info=True)
            continue
        ticket_apply(support_request=support_request, ticket=ticket, comments=comments, client=client)
        applied += 1
    return applied


def zendesk_pull(*, max_pages: int = 20) -> int:
    """Read the export from the saved cursor (or from the look-back window the first time); returns how many
    of the portal's tickets were applied. Raises ZendeskError after recording it on the cursor."""
    cursor, _ = ZendeskCursor.objects.get_or_create(name=CURSOR_NAME)
    cursor.last_attempt_at = timezone.now()
    cursor.save(update_fields=["last_attempt_at"])
    with zendesk_session() as client:
        applied = _pull_pages(client, cursor, max_pages)
    ZendeskCursor.objects.filter(pk=cursor.pk).update(
        last_error="", last_success_at=timezone.now(), tickets_applied=cursor.tickets_applied + applied
    )
    return applied


def _pull_pages(client, cursor: ZendeskCursor, max_pages: int) -> int:
    applied = 0
    try:
        with zendesk_errors():
            if cursor.cursor:
                page = client.tickets.incremental(cursor=cursor.cursor)
            else:
                page = client.tickets.incremental(
                    start_time=int(time.time()) - settings.ZENDESK_PULL_INITIAL_LOOKBACK_SECONDS
                )
        for _page_number in range(max_pages):
            applied += _apply_page(client, page.values or [])
            after = getattr(page, "after_cursor", None)
            if after:
                cursor.cursor = after
                cursor.save(update_fields=["cursor"])
            if getattr(page, "end_of_stream", True) or not after:
                break
            with zendesk_errors():
                page = client.tickets.incremental(cursor=after)
    except ZendeskError as error:
        ZendeskCursor.objects.filter(pk=cursor.pk).update(last_error=str(error)[:2000])
        raise
    return applied
