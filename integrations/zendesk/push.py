"""What each outbox operation does in Zendesk (through zenpy). Every handler is safe to repeat: a ticket is
looked up by its external id before it is created, and a retried comment is looked for before it is added."""

from django.conf import settings
from django.db.models import Case, F, Value, When
from django.utils import timezone
from zenpy.lib.api_objects import Comment, Organization, Ticket
from zenpy.lib.api_objects import User as ZendeskUser

from partner_area.companies.models import Company
from partner_area.platform.outbox import handler
from partner_area.support.models import Status, SupportAttachment, SupportComment, SupportRequest

from .client import ZendeskRejected, ZendeskUnavailable, zendesk_errors
from .inbound import same_text
from .models import Operation, ZendeskOutboxMessage
from .outbox import KEY


def ticket_external_id(support_request: SupportRequest) -> str:
    return f"{settings.ZENDESK_TICKET_EXTERNAL_ID_PREFIX}{support_request.pk}"


def organization_sync(client, company: Company) -> int:
    """The company's Zendesk organisation (external id = registration number), created or updated."""
    organization = client.organizations.create_or_update(
        Organization(name=company.legal_name, external_id=company.registration_number)
    )
    if str(organization.id) != company.zendesk_organization_id:
        Company.objects.filter(pk=company.pk).update(zendesk_organization_id=str(organization.id))
    return organization.id


def end_user_sync(client, user, organization_id: int | None) -> int:
    """The portal user's Zendesk end user (external id = portal user id), created or updated."""
    # No role is sent: a new user becomes an end user, and an existing agent with the same address stays one.
    fields = {"name": (user.get_full_name() or user.email)[:255], "email": user.email, "external_id": str(user.pk)}
    if organization_id:
        fields["organization_id"] = organization_id
    return client.users.create_or_update(ZendeskUser(**fields)).id


def _upload_tokens(client, attachments) -> list[str]:
    tokens = []
    for attachment in attachments:
        with attachment.file.open("rb") as file:
            upload = client.attachments.upload(
                file.read(), target_name=attachment.filename, content_type=attachment.content_type
            )
        SupportAttachment.unscoped.filter(pk=attachment.pk).update(zendesk_token=upload.token[:64])
        tokens.append(upload.token)
    return tokens


def _comment(body: str, *, author_id: int | None, tokens: list[str]) -> Comment:
    """A public comment; only the fields that have a value are sent."""
    comment = Comment(body=body, public=True)
    if author_id:
        comment.author_id = author_id
    if tokens:
        comment.uploads = tokens
    return comment


def _people(client, support_request: SupportRequest) -> tuple[int | None, int | None]:
    if support_request.requester_id is None:
        return None, None
    organization_id = organization_sync(client, support_request.company)
    return organization_id, end_user_sync(client, support_request.requester, organization_id)


def _existing_ticket_id(client, support_request: SupportRequest) -> int | None:
    for ticket in client.tickets(external_id=ticket_external_id(support_request)):
        return ticket.id
    return None


def _ticket(support_request: SupportRequest, **fields) -> Ticket:
    """A ticket for this request: subject, external id, priority and the portal's tags."""
    return Ticket(
        subject=support_request.subject,
        external_id=ticket_external_id(support_request),
        priority=support_request.priority,
        tags=["brello_portal", f"category_{support_request.category}", f"source_{support_request.source}"],
        **fields,
    )


def _new_ticket(client, support_request: SupportRequest) -> int:
    organization_id, user_id = _people(client, support_request)
    first = support_request.comments.order_by("created_at", "pk").first()
    tokens = _upload_tokens(client, first.attachments.all() if first else ())
    ticket = _ticket(support_request)
    if user_id:
        ticket.requester_id = ticket.submitter_id = user_id
        ticket.organization_id = organization_id
    else:
        # The public contact form: Zendesk finds or creates the end user by address (an existing user's
        # name is left alone), and answers them by e-mail.
        ticket.requester = ZendeskUser(name=support_request.contact_name, email=support_request.contact_email)
        del ticket.requester_id  # zenpy's setter leaves an empty requester_id that must not be sent beside it
    if settings.ZENDESK_CATEGORY_FIELD_ID:
        ticket.custom_fields = [{"id": settings.ZENDESK_CATEGORY_FIELD_ID, "value": support_request.category}]
    ticket.comment = _comment(support_request.description, author_id=user_id, tokens=tokens)
    created = client.tickets.create(ticket)
    if first and (first_id := _comment_id_from(created)):
        SupportComment.unscoped.filter(pk=first.pk, zendesk_comment_id=None).update(zendesk_comment_id=first_id)
    return (getattr(created, "ticket", None) or created).id


@handler(outbox=KEY, operation=Operation.TICKET_CREATE)
def ticket_create(message: ZendeskOutboxMessage, client) -> None:
    support_request = message.support_request
    if support_request.zendesk_ticket_id:
        return
    with zendesk_errors():
        ticket_id = _existing_ticket_id(client, support_request) or _new_ticket(client, support_request)
    SupportRequest.unscoped.filter(pk=support_request.pk).update(
        zendesk_ticket_id=str(ticket_id),
        status=Case(When(status=Status.RECEIVED, then=Value(Status.SENT)), default=F("status")),
        updated_at=timezone.now(),
    )


def _comment_already_added(client, ticket_id: int, comment: SupportComment, user_id: int) -> int | None:
    """After a failed attempt Zendesk may have stored the comment anyway: find it instead of adding it twice."""
    for zendesk_comment in client.tickets.comments(ticket=ticket_id):
        if zendesk_comment.author_id == user_id and same_text(zendesk_comment.body, comment.body):
            return zendesk_comment.id
    return None


def _comment_id_from(result) -> int | None:
    audit = getattr(result, "audit", None)
    for event in getattr(audit, "events", None) or ():
        event_type = event.get("type") if isinstance(event, dict) else getattr(event, "type", None)
        if event_type == "Comment":
            return event.get("id") if isinstance(event, dict) else getattr(event, "id", None)
    return None


@handler(outbox=KEY, operation=Operation.COMMENT_CREATE)
def comment_create(message: ZendeskOutboxMessage, client) -> None:
    support_request = message.support_request
    comment = SupportComment.unscoped.filter(pk=message.payload.get("comment")).first()
    if comment is None or comment.zendesk_comment_id:
        return
    if not support_request.zendesk_ticket_id:
        raise ZendeskUnavailable("The ticket does not exist in Zendesk yet.")
    ticket_id = int(support_request.zendesk_ticket_id)
    with zendesk_errors():
        organization_id, requester_id = _people(client, support_request)
        author_id = requester_id
        if comment.author_id and comment.author_id != support_request.requester_id:
            # An org admin answering a colleague's request writes as themselves.
            author_id = end_user_sync(client, comment.author, organization_id)
        found = _comment_already_added(client, ticket_id, comment, author_id) if message.last_attempt_at else None
        if found is None:
            tokens = _upload_tokens(client, comment.attachments.all())
            ticket = Ticket(id=ticket_id)
            ticket.comment = _comment(comment.body, author_id=author_id, tokens=tokens)
            if message.payload.get("reopen"):
                ticket.status = "open"
            try:
                with zendesk_errors():
                    found = _comment_id_from(client.tickets.update(ticket))
            except ZendeskRejected:
                if getattr(client.tickets(id=ticket_id), "status", None) != "closed":
                    raise
                reply = _comment(comment.body, author_id=author_id, tokens=tokens)
                _follow_up(client, support_request, ticket_id, reply, organization_id, requester_id)
                return
    if found and not SupportComment.unscoped.filter(zendesk_comment_id=found).exists():
        SupportComment.unscoped.filter(pk=comment.pk).update(zendesk_comment_id=found)


def _follow_up(client, support_request, closed_id: int, comment: Comment, organization_id, requester_id) -> None:
    """Zendesk closed the ticket before the partner's reply arrived (closed tickets take no comments): the reply
    opens a follow-up ticket linked to the closed one, and the request follows the new ticket from now on."""
    ticket = _ticket(support_request, via_followup_source_id=closed_id)
    if support_request.requester_id:
        ticket.requester_id = requester_id
        ticket.submitter_id = comment.author_id
        ticket.organization_id = organization_id
    ticket.comment = comment
    created = client.tickets.create(ticket)
    SupportRequest.unscoped.filter(pk=support_request.pk).update(
        zendesk_ticket_id=str((getattr(created, "ticket", None) or created).id), updated_at=timezone.now()
    )


@handler(outbox=KEY, operation=Operation.TICKET_STATUS)
def ticket_status(message: ZendeskOutboxMessage, client) -> None:
    support_request = message.support_request
    if not support_request.zendesk_ticket_id:
        raise ZendeskUnavailable("The ticket does not exist in Zendesk yet.")
    ticket_id, status = int(support_request.zendesk_ticket_id), message.payload["status"]
    with zendesk_errors():
        update = Ticket(id=ticket_id, status=status)
        # Zendesk solves only an assigned ticket: one nobody took yet is assigned to the portal's API user.
        if status == "solved" and not getattr(client.tickets(id=ticket_id), "assignee_id", None):
            update.assignee_id = client.users.me().id
        client.tickets.update(update)
