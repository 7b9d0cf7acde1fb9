"""Zendesk → portal: one ticket's status and public conversation applied to its support request. The webhook
and the incremental pull both come here; applying the same ticket twice changes nothing."""

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from partner_area.platform.outbox import OutboxStatus
from partner_area.support.models import Status, SupportAttachment, SupportComment, SupportRequest

from .client import ZendeskRejected, zendesk_client, zendesk_errors, zendesk_session
from .models import ZendeskOutboxMessage

logger = logging.getLogger(__name__)

#: Zendesk ticket status → the partner's view of it
STATUS_MAP = {
    "new": Status.SENT,
    "open": Status.OPEN,
    "pending": Status.PENDING,
    "hold": Status.OPEN,  # on hold waits for a third party; for the partner it is still being worked on
    "solved": Status.SOLVED,
    "closed": Status.CLOSED,
}
BODY_MAX = 10_000


def ticket_sync(*, ticket_id: int, client=None) -> bool:
    """Fetch one ticket and its comments and apply them; False when the ticket is not one of the portal's."""
    support_request = SupportRequest.unscoped.filter(zendesk_ticket_id=str(ticket_id)).first()
    if support_request is None:
        return False
    with zendesk_session(client) as client:
        with zendesk_errors():
            ticket = client.tickets(id=int(ticket_id))
            comments = list(client.tickets.comments(ticket=int(ticket_id)))
        ticket_apply(support_request=support_request, ticket=ticket, comments=comments, client=client)
    return True


def same_text(a: str, b: str) -> bool:
    return " ".join((a or "").split()) == " ".join((b or "").split())


def _parse_time(value):
    try:
        return parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        return None


class _AuthorNames:
    """Agents' display names, one look-up per agent per run; a failed look-up falls back to a generic name."""

    def __init__(self, client):
        self.client, self.names = client, {}

    def __call__(self, user_id) -> str:
        if user_id not in self.names:
            try:
                with zendesk_errors():
                    self.names[user_id] = (getattr(self.client.users(id=user_id), "name", "") or "")[:150]
            except Exception:  # noqa: BLE001 - a name is cosmetic; the comment itself must still arrive
                logger.warning("Could not read Zendesk user %s", user_id, exc_info=True)
                self.names[user_id] = ""
        return self.names[user_id] or _("Brello support")


@transaction.atomic
def ticket_apply(*, support_request: SupportRequest, ticket, comments, client) -> None:
    support_request = SupportRequest.unscoped.select_for_update().get(pk=support_request.pk)
    changed = False
    status = STATUS_MAP.get(getattr(ticket, "status", None) or "")
    # While the portal still has a change on its way to Zendesk (a solve, a reopen), Zendesk's older status
    # would undo it: the next event after delivery brings the status back in line.
    waiting = ZendeskOutboxMessage.objects.filter(support_request=support_request, status=OutboxStatus.PENDING).exists()
    if status and status != support_request.status and not waiting:
        support_request.status = status
        changed = True

    known = set(support_request.comments.exclude(zendesk_comment_id=None).values_list("zendesk_comment_id", flat=True))
    unmatched = list(support_request.comments.filter(zendesk_comment_id=None, from_zendesk=False))
    author_name = _AuthorNames(client)
    latest = support_request.comments.aggregate(latest=Max("created_at"))["latest"]
    for zendesk_comment in comments:
        if not zendesk_comment.id or zendesk_comment.id in known or not zendesk_comment.public:
            continue  # internal notes never enter the portal
        body = (zendesk_comment.body or "")[:BODY_MAX]
        echo = next((c for c in unmatched if same_text(c.body, body)), None)
        if echo is not None:  # the portal's own message coming back
            SupportComment.unscoped.filter(pk=echo.pk).update(zendesk_comment_id=zendesk_comment.id)
            unmatched.remove(echo)
            continue
        # The requester answering in Zendesk (by e-mail) is the partner; anyone else is one of Brello's agents.
        by_requester = bool(support_request.requester_id) and zendesk_comment.author_id == getattr(
            ticket, "requester_id", None
        )
        requester = support_request.requester if by_requester else None
        comment = SupportComment.unscoped.create(
            support_request=support_request,
            author=requester,
            author_name=str(requester)[:150] if requester else author_name(zendesk_comment.author_id),
            body=body,
            public=True,
            from_zendesk=True,
            zendesk_comment_id=zendesk_comment.id,
        )
        # Zendesk's time (to the second), never before a message already in the thread: the order stays Zendesk's.
        written = max(filter(None, [_parse_time(getattr(zendesk_comment, "created_at", None)), latest]), default=None)
        written = written or timezone.now()
        SupportComment.unscoped.filter(pk=comment.pk).update(created_at=written)
        latest = written
        _attachments_apply(support_request, comment, zendesk_comment)
        changed = True
    if changed:
        support_request.save(update_fields=["status", "updated_at"])  # updated_at is auto_now


def _attachments_apply(support_request, comment, zendesk_comment) -> None:
    """Agents' files are listed with their Zendesk address; the portal downloads them only when asked."""
    for attachment in getattr(zendesk_comment, "attachments", None) or ():
        SupportAttachment.unscoped.create(
            support_request=support_request,
            comment=comment,
            filename=(getattr(attachment, "file_name", "") or "file")[:255],
            content_type=(getattr(attachment, "content_type", "") or "application/octet-stream")[:100],
            size=max(0, int(getattr(attachment, "size", 0) or 0)),
            zendesk_attachment_id=getattr(attachment, "id", None),
            zendesk_content_url=(getattr(attachment, "content_url", "") or "")[:500],
        )


def attachment_fetch(*, zendesk_attachment_id: int, max_bytes: int, client=None) -> bytes:
    """The content of an agent's file, read from Zendesk with a timeout and a size limit."""
    with zendesk_errors():  # an unconfigured account fails in zenpy's constructor: the same "not available now"
        client = client or zendesk_client()
        attachment = client.attachments(id=int(zendesk_attachment_id))
        if int(getattr(attachment, "size", 0) or 0) > max_bytes:
            raise ZendeskRejected(f"The file is larger than {max_bytes} bytes.")
        response = client.attachments.session.get(attachment.content_url, stream=True, timeout=settings.ZENDESK_TIMEOUT)
        response.raise_for_status()
        content = bytearray()
        for chunk in response.iter_content(chunk_size=65536):
            content.extend(chunk)
            if len(content) > max_bytes:
                response.close()
                raise ZendeskRejected(f"The file is larger than {max_bytes} bytes.")
    return bytes(content)
