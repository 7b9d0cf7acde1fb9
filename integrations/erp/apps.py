from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ErpConfig(AppConfig):
    name = "integrations.erp"
    label = "erp"
    verbose_name = _("ERP sync")

    def ready(self):
        # The outbox handlers register themselves on import: load them in every process (web, worker, beat).
        from portal.health import peer_check

        from . import companies, invoices, pull  # noqa: F401
        from .gateway import erp_health

        peer_check("erp", erp_health)
