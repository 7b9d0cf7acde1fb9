"""The ERP's part of a company's admin page: its deliveries still waiting or parked, and when the ERP refused one,
the way to correct the data and deliver again."""

from django.template.loader import render_to_string

from partner_area.platform.outbox import OutboxStatus

from .models import OutboxMessage


def company_erp_panel(*, company, request) -> str:
    """HTML for the company's admin page, or "" when nothing about it waits for the ERP."""
    messages = list(
        OutboxMessage.objects.filter(entity_type="company", entity_id=str(company.pk))
        .exclude(status__in=[OutboxStatus.DELIVERED, OutboxStatus.DISCARDED])
        .order_by("id")[:20]
    )
    if not messages:
        return ""
    context = {
        "company": company,
        "deliveries": messages,
        "parked": any(message.status == OutboxStatus.FAILED for message in messages),
        "can_change": request.user.has_perm("organizations.change_company"),
    }
    return render_to_string("erp/_company_deliveries.html", context, request=request)
