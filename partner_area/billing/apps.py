from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "partner_area.billing"
    label = "billing"
    verbose_name = _("Invoices")

    def ready(self):
        # Registers the outbox handler that records confirmed payments in the ERP (Celery workers included).
        from integrations.erp import invoices  # noqa: F401

        from . import home  # noqa: F401  registers the outstanding/overdue figures on the partner home
