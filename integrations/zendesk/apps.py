from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ZendeskConfig(AppConfig):
    name = "integrations.zendesk"
    label = "zendesk"
    verbose_name = _("Zendesk sync")

    def ready(self):
        from partner_area.platform import metrics
        from partner_area.platform.health import peer_check
        from partner_area.platform.outbox import OutboxStatus
        from partner_area.platform.ports.zendesk import zendesk_outbox_connect

        from . import push  # noqa: F401  registers the outbox handlers (@handler(outbox="zendesk", ...))
        from .client import zendesk_answers
        from .models import ZendeskCursor, ZendeskOutboxMessage
        from .outbox import zendesk_enqueue

        zendesk_outbox_connect(zendesk_enqueue)

        peer_check("zendesk", zendesk_answers)
        metrics.outbox_source(
            metrics.OutboxSource(
                peer="zendesk",
                model=ZendeskOutboxMessage,
                pending=OutboxStatus.PENDING,
                failed=OutboxStatus.FAILED,
            )
        )
        metrics.pull_source("zendesk", lambda: dict(ZendeskCursor.objects.values_list("name", "last_success_at")))
