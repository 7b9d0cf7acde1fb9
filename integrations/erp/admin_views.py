"""Staff view of the ERP sync: pulls, lag, outbox depth, failed deliveries (with retry), conflicts and
rejected records."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from partner_area.audit.services import audit_record

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
    depth = dict(
        OutboxMessage.objects.exclude(status=OutboxStatus.DELIVERED)
        .values_list("status")
        .annotate(count=Count("id"))
        .values_list("status", "count")
    )
    return {
        "entities": entities,
        "pending": depth.get(OutboxStatus.PENDING, 0),
        "failed_count": depth.get(OutboxStatus.FAILED, 0),
        "failed": OutboxMessage.objects.filter(status=OutboxStatus.FAILED).order_by("-id")[:50],
        "conflicts": SyncConflict.objects.filter(resolved_at__isnull=True)[:50],
        "rejected": RejectedRecord.objects.all()[:20],
    }


class ErpSyncView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "erp/sync_overview.html"
    page_title = gettext_lazy("ERP sync")
    header_icon = "resubmit"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(VIEW_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(erp_sync_overview())
        context["can_change"] = self.request.user.has_perm(CHANGE_PERMISSION)
        return context

    def post(self, request):
        if not request.user.has_perm(CHANGE_PERMISSION):
            raise PermissionDenied
        message_id, conflict_id = request.POST.get("retry", ""), request.POST.get("resolve", "")
        if not (message_id or conflict_id).isdigit():
            raise Http404("No such delivery or conflict")
        if message_id:
            message = get_object_or_404(OutboxMessage, pk=message_id, status=OutboxStatus.FAILED)
            outbox_retry(message=message)
            audit_record(
                request=request, action="erp.outbox_retry", target=message, details={"error": message.last_error[:500]}
            )
            messages.success(request, _("The delivery will be tried again."))
        else:
            conflict = get_object_or_404(SyncConflict, pk=conflict_id, resolved_at__isnull=True)
            conflict.resolved_at = timezone.now()
            conflict.save(update_fields=["resolved_at"])
            audit_record(
                request=request, action="erp.conflict_reviewed", target=conflict, details={"field": conflict.field}
            )
            messages.success(request, _("The conflict is marked as reviewed."))
        return redirect(reverse("erp_sync"))
