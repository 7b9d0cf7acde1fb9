"""Staff view of the ERP sync: whether the ERP answers, pulls and their lag, deliveries being retried and parked
ones (retry, retry all, discard), the sync invariant check, conflicts and rejected records."""

from django.contrib import messages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from integrations.staff_views import DeliveryRow, SyncStaffView, company_url
from partner_area.billing.models import Invoice
from partner_area.billing.services import PAY_OPERATION
from partner_area.companies.models import Company
from partner_area.platform.audit.services import audit_record
from partner_area.platform.ports.erp import erp_health, erp_is_configured

from .conflicts import sync_conflict_open_get, sync_conflict_review
from .models import RejectedRecord, SyncCheckRun, SyncConflict, SyncCursor, SyncEntity
from .outbox import OUTBOX

VIEW_PERMISSION = "erp.view_outboxmessage"
CHANGE_PERMISSION = "erp.change_outboxmessage"

OPERATION_LABELS = {
    "company.create": gettext_lazy("Link or create the company in the ERP"),
    "company.update": gettext_lazy("Send the company's contact details"),
    "contact.upsert": gettext_lazy("Send a contact person"),
    PAY_OPERATION: gettext_lazy("Record a confirmed payment"),
}


def erp_deliveries_describe(outbox_messages: list) -> list[DeliveryRow]:
    """Each message named after what it changes, with its company, in two queries whatever their number."""

    def ids(entity_type: str) -> set[int]:
        return {int(m.entity_id) for m in outbox_messages if m.entity_type == entity_type and m.entity_id.isdigit()}

    companies = Company.objects.in_bulk(ids("company"))
    invoices = Invoice.unscoped.select_related("company").in_bulk(ids("invoice"))
    rows = []
    for message in outbox_messages:
        action = OPERATION_LABELS.get(message.operation, message.operation)
        key = int(message.entity_id) if message.entity_id.isdigit() else None
        company = companies.get(key) if message.entity_type == "company" else None
        invoice = invoices.get(key) if message.entity_type == "invoice" else None
        if invoice is not None:
            company = invoice.company
            label = _("%(action)s: invoice %(number)s") % {"action": action, "number": invoice.number}
        elif company is not None:
            label = str(action)
        else:
            label = _("%(action)s: %(entity)s #%(id)s (no longer in the portal)") % {
                "action": action,
                "entity": message.entity_type,
                "id": message.entity_id,
            }
        rows.append(
            DeliveryRow(
                message,
                label,
                company=company.legal_name if company else "",
                url=company_url(company.pk if company else None),
            )
        )
    return rows


def erp_sync_overview() -> dict:
    """The pulls, the last check, the conflicts and the rejected records, in a fixed number of queries."""
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
        "check": SyncCheckRun.objects.select_related("requested_by").first(),
        "conflicts": SyncConflict.objects.filter(resolved_at__isnull=True)[:50],
        "rejected": RejectedRecord.objects.all()[:20],
    }


def _check_queue(task, run: SyncCheckRun) -> None:
    try:
        task.delay(run.pk)
    except Exception as error:  # noqa: BLE001 - a broker outage is shown on the page, not a 500
        SyncCheckRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(), error=_("The task queue could not be reached: %(error)s") % {"error": error}
        )


class ErpSyncView(SyncStaffView):
    template_name = "erp/sync_overview.html"
    page_title = gettext_lazy("ERP sync")
    header_icon = "resubmit"
    view_permission = VIEW_PERMISSION
    change_permission = CHANGE_PERMISSION
    url_name = "erp_sync"
    audit_prefix = "erp"
    outbox = OUTBOX

    def overview(self) -> dict:
        return erp_sync_overview()

    def describe(self, outbox_messages: list) -> list[DeliveryRow]:
        return erp_deliveries_describe(outbox_messages)

    def peer_answers(self) -> bool | None:
        return erp_health()

    def pull_queue(self) -> None:
        from .tasks import erp_pull_all

        erp_pull_all.delay()

    def other_post(self, request) -> bool:
        if "check" in request.POST:
            self.check_start()
        elif conflict_id := request.POST.get("resolve", ""):
            self.conflict_reviewed(conflict_id)
        else:
            return False
        return True

    def check_start(self) -> None:
        """Queue the sync invariant check; the page shows its differences once a worker has run it."""
        from .tasks import erp_check_run

        if not erp_is_configured():
            messages.error(self.request, _("No ERP is configured: there is nothing to compare with."))
            return
        run = SyncCheckRun.objects.create(requested_by=self.request.user)
        audit_record(request=self.request, action="erp.check_requested", target=run)
        transaction.on_commit(lambda: _check_queue(erp_check_run, run))
        messages.success(self.request, _("The check is queued; its result appears on this page when it is done."))

    def conflict_reviewed(self, conflict_id: str) -> None:
        conflict = sync_conflict_open_get(conflict_id=conflict_id)
        sync_conflict_review(conflict=conflict, by=self.request.user, request=self.request)
        messages.success(self.request, _("The conflict is marked as reviewed."))
