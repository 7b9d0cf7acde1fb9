"""Staff view of the Zendesk sync: configuration, the pull's cursor, outbox depth and failed deliveries
(with retry)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from partner_area.audit.services import audit_record

from .client import zendesk_is_configured
from .models import OutboxStatus, ZendeskCursor, ZendeskOutboxMessage
from .outbox import outbox_retry
from .pull import CURSOR_NAME

VIEW_PERMISSION = "zendesk.view_zendeskoutboxmessage"
CHANGE_PERMISSION = "zendesk.change_zendeskoutboxmessage"


def zendesk_sync_overview() -> dict:
    """Everything the staff page shows, in a fixed number of queries."""
    depth = dict(
        ZendeskOutboxMessage.objects.exclude(status=OutboxStatus.DELIVERED)
        .values_list("status")
        .annotate(count=Count("id"))
        .values_list("status", "count")
    )
    return {
        "configured": zendesk_is_configured(),
        "cursor": ZendeskCursor.objects.filter(name=CURSOR_NAME).first(),
        "pending": depth.get(OutboxStatus.PENDING, 0),
        "failed_count": depth.get(OutboxStatus.FAILED, 0),
        "failed": ZendeskOutboxMessage.objects.filter(status=OutboxStatus.FAILED)
        .select_related("support_request")
        .order_by("-id")[:50],
    }


class ZendeskSyncView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "zendesk/sync_overview.html"
    page_title = gettext_lazy("Zendesk sync")
    header_icon = "help"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(VIEW_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(zendesk_sync_overview())
        context["can_change"] = self.request.user.has_perm(CHANGE_PERMISSION)
        return context

    def post(self, request):
        if not request.user.has_perm(CHANGE_PERMISSION):
            raise PermissionDenied
        if message_id := request.POST.get("retry"):
            if not message_id.isdigit():
                raise Http404("No such delivery")
            message = get_object_or_404(ZendeskOutboxMessage, pk=message_id, status=OutboxStatus.FAILED)
            outbox_retry(message=message)
            audit_record(
                request=request,
                action="zendesk.outbox_retry",
                target=message,
                details={"error": message.last_error[:500]},
            )
            messages.success(request, _("The delivery will be tried again."))
        return redirect(reverse("zendesk_sync"))
