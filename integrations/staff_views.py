"""What the staff sync pages (ERP, Zendesk) share: permissions; whether the peer answers, checked live; the
outbox's deliveries still being tried and the parked ones, each named after what it changes and linked to the
company; and the audited actions on them (retry one, retry all, discard one after a confirmation, pull now)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Model, Q
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from partner_area.platform import outbox as engine
from partner_area.platform.audit.services import audit_record
from partner_area.platform.outbox import OutboxStatus

ROWS = 50  # of each kind of delivery on the page; the counts above the tables cover all of them


@dataclass(frozen=True)
class DeliveryRow:
    """One outbox message as staff see it: what it changes, in words, and where to look at it."""

    message: Model
    label: str
    company: str = ""
    url: str = ""


def company_url(company_id: int | None) -> str:
    return reverse("partner_profiles:inspect", args=[company_id]) if company_id else ""


def outbox_overview(
    outbox: engine.Outbox, describe: Callable[[list], list[DeliveryRow]], select_related: tuple[str, ...] = ()
) -> dict:
    """The outbox's counts, the deliveries being retried or waiting for the peer, and the parked ones: a fixed
    number of queries whatever the number of messages (`describe` loads what the rows name in bulk, or uses what
    `select_related` brought along)."""
    model = outbox.model
    counts = model.objects.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.FAILED]).aggregate(
        pending=Count("id", filter=Q(status=OutboxStatus.PENDING)),
        waiting_for_peer=Count("id", filter=Q(status=OutboxStatus.PENDING, waiting_for_peer=True)),
        failed_count=Count("id", filter=Q(status=OutboxStatus.FAILED)),
    )
    tried = model.objects.filter(status=OutboxStatus.PENDING).filter(Q(attempts__gt=0) | Q(waiting_for_peer=True))
    failed = model.objects.filter(status=OutboxStatus.FAILED).order_by("-id")
    if select_related:
        tried, failed = tried.select_related(*select_related), failed.select_related(*select_related)
    tried_rows, failed_rows = list(tried.order_by("next_attempt_at", "id")[:ROWS]), list(failed[:ROWS])
    rows = iter(describe(tried_rows + failed_rows))
    return {
        **counts,
        "retrying": [next(rows) for _message in tried_rows],
        "failed": [next(rows) for _message in failed_rows],
    }


class SyncStaffView(WagtailAdminTemplateMixin, TemplateView):
    """A staff page about one peer system: visible with `view_permission`, actions need `change_permission`.
    Subclasses say which outbox, how to name its messages, how to ask the peer whether it answers and how to
    queue a pull; `audit_prefix` names their audit actions (<prefix>.outbox_retry, …)."""

    view_permission = ""
    change_permission = ""
    url_name = ""
    audit_prefix = ""
    outbox: engine.Outbox
    rows_select_related: tuple[str, ...] = ()  # what `describe` reads of each message, loaded with it
    discard_template = "integrations/discard_confirm.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.view_permission):
            raise PermissionDenied
        if request.method == "POST" and not request.user.has_perm(self.change_permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    # --- what a subclass provides ----------------------------------------------------------------------
    def overview(self) -> dict:
        raise NotImplementedError

    def describe(self, messages: list) -> list[DeliveryRow]:
        raise NotImplementedError

    def peer_answers(self) -> bool | None:
        """Whether the peer answers right now (short timeout); None when it is not configured."""
        raise NotImplementedError

    def pull_queue(self) -> None:
        """Queue a pull from the peer now (raises when the task queue cannot be reached)."""
        raise NotImplementedError

    def nudge(self, message: Model | None) -> None:
        """Ask a worker to deliver now, after a retry."""
        engine.nudge_on_commit(self.outbox)

    def other_post(self, request) -> bool:
        """Handle a subclass's own form; True when it did."""
        return False

    # --- the page ---------------------------------------------------------------------------------------
    confirming: DeliveryRow | None = None  # the parked delivery staff are asked to confirm discarding

    def get(self, request, *args, **kwargs):
        if discard_id := request.GET.get("discard"):
            (self.confirming,) = self.describe([self._failed(discard_id)])
            self.template_name = self.discard_template
        return super().get(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        if self.confirming is None:
            return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.url_name), "label": self.page_title},
            {"url": "", "label": _("Discard a delivery")},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = self.request.user.has_perm(self.change_permission)
        context["page_url"] = reverse(self.url_name)
        if self.confirming is not None:
            context["row"] = self.confirming
            return context
        context.update(self.overview())
        context.update(outbox_overview(self.outbox, self.describe, self.rows_select_related))
        context["answers"] = self.peer_answers()
        return context

    def post(self, request, *args, **kwargs):
        if message_id := request.POST.get("retry"):
            self.retry_one(message_id)
        elif "retry_all" in request.POST:
            self.retry_all()
        elif message_id := request.POST.get("discard"):
            self.discard(message_id)
        elif "pull" in request.POST:
            self.pull_now()
        elif not self.other_post(request):
            return HttpResponseBadRequest(_("Nothing was done: the form was not recognised."))
        return redirect(reverse(self.url_name))

    def _failed(self, message_id: str) -> Model:
        if not message_id.isdigit():
            raise Http404("No such delivery")
        return get_object_or_404(self.outbox.model, pk=message_id, status=OutboxStatus.FAILED)

    def _audit(self, action: str, *, target: Model | None = None, **details) -> None:
        audit_record(request=self.request, action=f"{self.audit_prefix}.{action}", target=target, details=details)

    def retry_one(self, message_id: str) -> None:
        """Give a parked delivery another round of attempts, and say so in the audit log."""
        message = self._failed(message_id)
        engine.retry(self.outbox, message)
        self.nudge(message)
        self._audit("outbox_retry", target=message, error=message.last_error[:500])
        messages.success(self.request, _("The delivery will be tried again."))

    def retry_all(self) -> None:
        count = engine.retry(self.outbox)
        if count:
            self.nudge(None)
            self._audit("outbox_retry_all", count=count)
        messages.success(self.request, _("Parked deliveries to be tried again: %(count)d.") % {"count": count})

    def discard(self, message_id: str) -> None:
        message = self._failed(message_id)
        engine.discard(self.outbox, message)
        self.nudge(None)  # later messages about the same object are no longer held back
        self._audit("outbox_discard", target=message, error=message.last_error[:500])
        messages.success(self.request, _("The delivery was discarded; it will not be sent."))

    def pull_now(self) -> None:
        try:
            self.pull_queue()
        except Exception:  # noqa: BLE001 - a broker outage is told to staff, not a 500
            messages.error(
                self.request, _("The task queue cannot be reached, so nothing was queued. Try again in a minute.")
            )
            return
        self._audit("pull_requested")
        messages.success(self.request, _("A pull is queued; this page shows its result once a worker has run it."))
