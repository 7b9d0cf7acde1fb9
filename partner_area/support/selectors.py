from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from partner_area.companies.models import Membership

from .models import OPEN_STATUSES, SupportAttachment, SupportComment, SupportRequest


def support_requests_for(*, membership: Membership, status: str | None = None) -> QuerySet[SupportRequest]:
    """The requests this member may see: an org admin the whole company's, a `user` only their own."""
    requests = SupportRequest.objects.for_company(membership.company).select_related("requester")
    if not membership.is_admin:
        requests = requests.filter(requester=membership.user)
    if status:
        requests = requests.filter(status=status)
    return requests


def support_request_get(*, membership: Membership, request_id: int) -> SupportRequest:
    """One visible request; 404 for missing, another company's or a colleague's (for a `user`)."""
    support_request = support_requests_for(membership=membership).filter(pk=request_id).first()
    if support_request is None:
        raise Http404("No such support request")
    return support_request


def support_open_count(*, membership: Membership) -> int:
    return support_requests_for(membership=membership).filter(status__in=OPEN_STATUSES).count()


def support_conversation(*, support_request: SupportRequest) -> QuerySet[SupportComment]:
    """The public messages of one (already authorised) request, oldest first, with their attachments:
    three queries whatever the length. Internal notes from Zendesk are never included."""
    # Through the request's own related managers: the request is already scoped to the member.
    attachments = support_request.attachments.order_by("created_at", "pk")
    return (
        support_request.comments.filter(public=True)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=attachments))
        .order_by("created_at", "pk")
    )


def support_attachment_get(*, membership: Membership, attachment_id: int) -> SupportAttachment:
    """One attachment of a request the member may see, on a public message; 404 for anything else."""
    attachment = (
        SupportAttachment.objects.for_company(membership.company)
        .filter(pk=attachment_id, support_request__in=support_requests_for(membership=membership).values("pk"))
        .filter(Q(comment__isnull=True) | Q(comment__public=True))
        .select_related("support_request")
        .first()
    )
    if attachment is None:
        raise Http404("No such attachment")
    return attachment
