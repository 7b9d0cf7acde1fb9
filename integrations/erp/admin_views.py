"""Staff view of the ERP sync: configuration, pulls, lag, outbox depth, failed deliveries (with retry), conflicts
and rejected records."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from integrations.staff_views import SyncStaffView, outbox_depth
from partner_area.audit.services import audit_record

from .gateway import erp_is_configured
from .models import OutboxMessage, OutboxStatus, RejectedRecord, SyncConflict, SyncCursor, SyncEntity
from .outbox import outbox_retry

VIEW_PERMISSION = "erp.view_outboxmessage"
CHANGE_PERMISSION = "erp.change_outboxmessage"


def erp_sync_overview() -> dict:
    """Everything the staff sync page shows, in a fixed number of queries."""
    cursors = {cursor.entity: cursor for cursor in SyncCursor.objects.all()}
    now = timezone.now()
    entities = []
    for entity, label in SyncEntity.choices:
        cursor = cursors.get(entity)
        last = cursor.last_success_at if cursor else None
        entities.append(
            {"label": label, "cursor": cursor, "last_success_at": last, "lag": (now - last) if last else None}
        )
    return {
        "configured": erp_is_configured(),
        "entities": entities,
        **outbox_depth(OutboxMessage, pending=OutboxStatus.PENDING, failed=OutboxStatus.FAILED),
        "failed": OutboxMessage.objects.filter(status=OutboxStatus.FAILED).order_by("-id")[:50],
        "conflicts": SyncConflict.objects.filter(resolved_at__isnull=True)[:50],
        "rejected": RejectedRecord.objects.all()[:20],
    }


class ErpSyncView(SyncStaffView):
    template_name = "erp/sync_overview.html"
    page_title = gettext_lazy("ERP sync")
    header_icon = "resubmit"
    view_permission = VIEW_PERMISSION
    change_permission = CHANGE_PERMISSION

    def overview(self) -> dict:
        return erp_sync_overview()

    def post(self, request):
        message_id, conflict_id = request.POST.get("retry", ""), request.POST.get("resolve", "")
        if message_id or not conflict_id:
            self.retry_failed(
                model=OutboxMessage,
                message_id=message_id,
                failed=OutboxStatus.FAILED,
                retry=outbox_retry,
                action="erp.outbox_retry",
            )
        else:
            if not conflict_id.isdigit():
                raise Http404("No such conflict")
            conflict = get_object_or_404(SyncConflict, pk=conflict_id, resolved_at__isnull=True)
            conflict.resolved_at = timezone.now()
            conflict.save(update_fields=["resolved_at"])
            audit_record(
                request=request, action="erp.conflict_reviewed", target=conflict, details={"field": conflict.field}
            )
            messages.success(request, _("The conflict is marked as reviewed."))
        return redirect(reverse("erp_sync"))
