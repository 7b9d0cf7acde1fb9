from django.db.models import QuerySet
from django.http import Http404

from partner_area.organizations.models import Membership

from .models import OPEN_STATUSES, SupportRequest


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
