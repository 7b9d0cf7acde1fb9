"""What the staff sync pages (ERP, Zendesk) share: permissions, the outbox depth and the audited retry."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Model
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from partner_area.audit.services import audit_record


def outbox_depth(model: type[Model], *, pending: str, failed: str) -> dict:
    """How many messages wait and how many are parked as failed, in one query."""
    counts = dict(
        model.objects.filter(status__in=[pending, failed])
        .values_list("status")
        .annotate(count=Count("id"))
        .values_list("status", "count")
    )
    return {"pending": counts.get(pending, 0), "failed_count": counts.get(failed, 0)}


class SyncStaffView(WagtailAdminTemplateMixin, TemplateView):
    """A staff page about one peer system: visible with `view_permission`, actions need `change_permission`."""

    view_permission = ""
    change_permission = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.view_permission):
            raise PermissionDenied
        if request.method == "POST" and not request.user.has_perm(self.change_permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def overview(self) -> dict:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.overview())
        context["can_change"] = self.request.user.has_perm(self.change_permission)
        return context

    def retry_failed(self, *, model: type[Model], message_id: str, failed: str, retry, action: str) -> None:
        """Give a parked delivery another round of attempts, and say so in the audit log."""
        if not message_id.isdigit():
            raise Http404("No such delivery")
        message = get_object_or_404(model, pk=message_id, status=failed)
        retry(message=message)
        audit_record(request=self.request, action=action, target=message, details={"error": message.last_error[:500]})
        messages.success(self.request, _("The delivery will be tried again."))
