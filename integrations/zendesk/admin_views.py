"""Staff view of the Zendesk sync: configuration, the pull's cursor, outbox depth and failed deliveries
(with retry)."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy

from integrations.staff_views import SyncStaffView, outbox_depth

from .client import zendesk_is_configured
from .models import OutboxStatus, ZendeskCursor, ZendeskOutboxMessage
from .outbox import outbox_retry
from .pull import CURSOR_NAME

VIEW_PERMISSION = "zendesk.view_zendeskoutboxmessage"
CHANGE_PERMISSION = "zendesk.change_zendeskoutboxmessage"


def zendesk_sync_overview() -> dict:
    """Everything the staff page shows, in a fixed number of queries."""
    return {
        "configured": zendesk_is_configured(),
        "cursor": ZendeskCursor.objects.filter(name=CURSOR_NAME).first(),
        **outbox_depth(ZendeskOutboxMessage, pending=OutboxStatus.PENDING, failed=OutboxStatus.FAILED),
        "failed": ZendeskOutboxMessage.objects.filter(status=OutboxStatus.FAILED)
        .select_related("support_request")
        .order_by("-id")[:50],
    }


class ZendeskSyncView(SyncStaffView):
    template_name = "zendesk/sync_overview.html"
    page_title = gettext_lazy("Zendesk sync")
    header_icon = "help"
    view_permission = VIEW_PERMISSION
    change_permission = CHANGE_PERMISSION

    def overview(self) -> dict:
        return zendesk_sync_overview()

    def post(self, request):
        if message_id := request.POST.get("retry", ""):
            self.retry_failed(
                model=ZendeskOutboxMessage,
                message_id=message_id,
                failed=OutboxStatus.FAILED,
                retry=outbox_retry,
                action="zendesk.outbox_retry",
            )
        return redirect(reverse("zendesk_sync"))
