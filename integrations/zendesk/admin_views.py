"""Staff view of the Zendesk sync: whether Zendesk answers, the pull's cursor, deliveries being retried and parked
ones (retry, retry all, discard)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from integrations.staff_views import DeliveryRow, SyncStaffView, company_url
from partner_area.platform import outbox as engine

from .client import rate_limit_wait, zendesk_answers, zendesk_is_configured
from .models import ZendeskCursor
from .outbox import OUTBOX, outbox_sweep_soon
from .pull import CURSOR_NAME

VIEW_PERMISSION = "zendesk.view_zendeskoutboxmessage"
CHANGE_PERMISSION = "zendesk.change_zendeskoutboxmessage"


def zendesk_deliveries_describe(outbox_messages: list) -> list[DeliveryRow]:
    """Each message named after its support request and company (loaded with the messages: no query here)."""
    rows = []
    for message in outbox_messages:
        support_request = message.support_request
        company = support_request.company
        label = _("%(action)s: “%(subject)s”") % {
            "action": message.get_operation_display(),
            "subject": support_request.subject,
        }
        rows.append(
            DeliveryRow(
                message,
                label,
                company=company.legal_name if company else support_request.contact_company,
                url=company_url(company.pk if company else None),
            )
        )
    return rows


def zendesk_sync_overview() -> dict:
    return {
        "configured": zendesk_is_configured(),
        "cursor": ZendeskCursor.objects.filter(name=CURSOR_NAME).first(),
        "rate_limited_for": rate_limit_wait(),
    }


class ZendeskSyncView(SyncStaffView):
    template_name = "zendesk/sync_overview.html"
    page_title = gettext_lazy("Zendesk sync")
    header_icon = "help"
    view_permission = VIEW_PERMISSION
    change_permission = CHANGE_PERMISSION
    url_name = "zendesk_sync"
    audit_prefix = "zendesk"
    outbox = OUTBOX
    rows_select_related = ("support_request__company",)

    def overview(self) -> dict:
        return zendesk_sync_overview()

    def describe(self, outbox_messages: list) -> list[DeliveryRow]:
        return zendesk_deliveries_describe(outbox_messages)

    def peer_answers(self) -> bool | None:
        return zendesk_answers()

    def pull_queue(self) -> None:
        from .tasks import zendesk_pull_tickets

        zendesk_pull_tickets.delay()

    def nudge(self, message) -> None:
        if message is None:
            outbox_sweep_soon()
        elif zendesk_is_configured():
            engine.nudge_on_commit(OUTBOX, message.support_request_id)
