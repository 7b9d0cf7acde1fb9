"""Writes of the Support section. Each one stores the change, audits it and writes a Zendesk outbox row in the
same transaction; a worker delivers it (or waits until Zendesk is configured)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from partner_area.companies.models import Membership
from partner_area.platform.audit.services import audit_record
from partner_area.platform.ports.zendesk import ZendeskOperation, zendesk_send_later

from .attachments import attachments_store, checked_attachments
from .models import OPEN_STATUSES, Category, Priority, Source, Status, SupportComment, SupportRequest
from .selectors import support_request_get


def _visible(membership: Membership, support_request: SupportRequest) -> SupportRequest:
    """The same request, re-read (and locked) through the member's visibility: 404 for anything they cannot see."""
    visible = support_request_get(membership=membership, request_id=support_request.pk)
    return SupportRequest.objects.for_company(membership.company).select_for_update().get(pk=visible.pk)


@transaction.atomic
def support_request_create(
    *,
    membership: Membership,
    subject: str,
    description: str,
    category: str = Category.QUESTION,
    priority: str = Priority.NORMAL,
    attachments=(),
    source: str = Source.PORTAL,
    request=None,
) -> SupportRequest:
    """Store a partner's request as "received" (raises ValidationError on bad input, saving nothing).

    Every entry point of a member (the Support section, the home contact form) comes here; the description is
    also the first message of the conversation.
    """
    files = checked_attachments(attachments)
    if source == Source.PUBLIC:
        raise ValidationError(_("Requests from the public contact form have no company."), code="invalid_source")
    support_request = SupportRequest(
        company=membership.company,
        requester=membership.user,
        source=source,
        subject=(subject or "").strip(),
        description=(description or "").strip(),
        category=category,
        priority=priority,
    )
    support_request.full_clean()
    support_request.save()
    first = _first_message(support_request, author=membership.user, author_name=str(membership.user))
    attachments_store(support_request=support_request, comment=first, files=files)
    audit_record(
        request=request,
        actor=membership.user,
        action="support.request_create",
        company=membership.company,
        target=support_request,
        details={
            "category": support_request.category,
            "priority": support_request.priority,
            "source": support_request.source,
            "attachments": len(files),
        },
    )
    zendesk_send_later(support_request=support_request, operation=ZendeskOperation.TICKET_CREATE)
    return support_request


def _first_message(support_request: SupportRequest, *, author, author_name: str) -> SupportComment:
    comment = SupportComment(
        support_request=support_request, author=author, author_name=author_name[:150], body=support_request.description
    )
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def support_public_request_create(
    *, name: str, email: str, company_name: str, message: str, request=None
) -> SupportRequest:
    """A request from an anonymous visitor (the public contact form); it belongs to no company and Zendesk
    answers the visitor by e-mail."""
    name, company_name, message = (name or "").strip(), (company_name or "").strip(), (message or "").strip()
    sender = company_name or name
    support_request = SupportRequest(
        company=None,
        requester=None,
        source=Source.PUBLIC,
        contact_name=name,
        contact_email=(email or "").strip().lower(),
        contact_company=company_name,
        subject=(_("Contact form: %(sender)s") % {"sender": sender})[:150] if sender else "",
        description=message,
    )
    errors = {}
    if not name:
        errors["contact_name"] = _("Please enter your name.")
    if not support_request.contact_email:
        errors["contact_email"] = _("Please enter your e-mail address.")
    try:
        support_request.full_clean()
    except ValidationError as error:
        errors = {**error.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    support_request.save()
    _first_message(support_request, author=None, author_name=name)
    audit_record(
        request=request,
        actor=None,
        action="support.public_request_create",
        target=support_request,
        details={"email": support_request.contact_email, "company": company_name},
    )
    zendesk_send_later(support_request=support_request, operation=ZendeskOperation.TICKET_CREATE)
    return support_request


@transaction.atomic
def support_reply_add(
    *, membership: Membership, support_request: SupportRequest, body: str, attachments=(), request=None
) -> SupportComment:
    """Add the member's reply to the conversation (refused once the request is closed)."""
    support_request = _visible(membership, support_request)
    if not support_request.can_reply:
        raise ValidationError(
            _("This request is closed and can no longer be answered. Please open a new request."), code="closed"
        )
    files = checked_attachments(attachments)
    comment = SupportComment(
        support_request=support_request,
        author=membership.user,
        author_name=str(membership.user)[:150],
        body=(body or "").strip(),
    )
    comment.full_clean()
    comment.save()
    attachments_store(support_request=support_request, comment=comment, files=files)
    # Zendesk reopens a ticket when its requester answers; the portal shows the same at once.
    reopen = support_request.status in (Status.PENDING, Status.SOLVED)
    if reopen:
        support_request.status = Status.OPEN
    support_request.save(update_fields=["status", "updated_at"])
    audit_record(
        request=request,
        actor=membership.user,
        action="support.reply_add",
        company=membership.company,
        target=support_request,
        details={"comment": comment.pk, "attachments": len(files)},
    )
    zendesk_send_later(
        support_request=support_request,
        operation=ZendeskOperation.COMMENT_CREATE,
        payload={"comment": comment.pk, "reopen": reopen},
    )
    return comment


@transaction.atomic
def support_request_solve(*, membership: Membership, support_request: SupportRequest, request=None) -> SupportRequest:
    """The member marks the request solved."""
    support_request = _visible(membership, support_request)
    if support_request.status not in OPEN_STATUSES:
        raise ValidationError(_("Only an open request can be marked as solved."), code="not_open")
    return _set_status(support_request, Status.SOLVED, membership=membership, action="support.solve", request=request)


@transaction.atomic
def support_request_reopen(*, membership: Membership, support_request: SupportRequest, request=None) -> SupportRequest:
    """The member reopens a solved request (a closed one cannot be reopened: open a new request instead)."""
    support_request = _visible(membership, support_request)
    if not support_request.can_reopen:
        raise ValidationError(
            _("Only a solved request can be reopened. For a closed request, please open a new one."),
            code="not_solved",
        )
    status = Status.OPEN if support_request.zendesk_ticket_id else Status.RECEIVED
    return _set_status(support_request, status, membership=membership, action="support.reopen", request=request)


def _set_status(support_request, status, *, membership, action, request) -> SupportRequest:
    previous = support_request.status
    support_request.status = status
    support_request.save(update_fields=["status", "updated_at"])
    audit_record(
        request=request,
        actor=membership.user,
        action=action,
        company=membership.company,
        target=support_request,
        details={"from": previous, "to": status},
    )
    zendesk_status = "solved" if status == Status.SOLVED else "open"
    zendesk_send_later(
        support_request=support_request, operation=ZendeskOperation.TICKET_STATUS, payload={"status": zendesk_status}
    )
    return support_request
