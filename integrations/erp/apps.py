from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ErpConfig(AppConfig):
    name = "integrations.erp"
    label = "erp"
    verbose_name = _("ERP sync")

    def ready(self):
        from partner_area.platform import metrics
        from partner_area.platform.health import peer_check
        from partner_area.platform.outbox import OutboxStatus
        from partner_area.platform.ports.erp import erp_health, erp_outbox_connect

        # The outbox handlers (@handler(outbox="erp", ...)) register on import: companies.py (company.create,
        # company.update, contact.upsert) and invoices.py (invoice.pay). Loaded here, so every process (web,
        # worker, beat) has them and no feature has to import an integration for it.
        from . import companies, invoices, pull  # noqa: F401
        from .models import OutboxMessage, SyncCursor
        from .outbox import outbox_enqueue, outbox_redeliver

        erp_outbox_connect(writer=outbox_enqueue, redeliver=outbox_redeliver)

        peer_check("erp", erp_health)
        metrics.outbox_source(
            metrics.OutboxSource(
                peer="erp", model=OutboxMessage, pending=OutboxStatus.PENDING, failed=OutboxStatus.FAILED
            )
        )
        metrics.pull_source("erp", lambda: dict(SyncCursor.objects.values_list("entity", "last_success_at")))
