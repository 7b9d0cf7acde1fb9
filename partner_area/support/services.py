from django.db import transaction

from partner_area.audit.services import audit_record
from partner_area.organizations.models import Membership

from .models import Category, Priority, SupportRequest


@transaction.atomic
def support_request_create(
    *,
    membership: Membership,
    subject: str,
    description: str,
    category: str = Category.QUESTION,
    priority: str = Priority.NORMAL,
    request=None,
) -> SupportRequest:
    """Store a partner's request as "received" (raises ValidationError on bad input, saving nothing).

    Every entry point (the Support section, the home contact form, later the public contact form) comes here.
    """
    support_request = SupportRequest(
        company=membership.company,
        requester=membership.user,
        subject=(subject or "").strip(),
        description=(description or "").strip(),
        category=category,
        priority=priority,
    )
    support_request.full_clean()
    support_request.save()
    audit_record(
        request=request,
        actor=membership.user,
        action="support.request_create",
        company=membership.company,
        target=support_request,
        details={"category": support_request.category, "priority": support_request.priority},
    )
    # The Zendesk issue enqueues delivery here (outbox, on commit); until then the request stays "received"
    # and is shown as such. Without Zendesk settings it keeps waiting and is delivered once they are added.
    return support_request
