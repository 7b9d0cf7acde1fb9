from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "partner_area.billing"
    label = "billing"
    verbose_name = _("Invoices")

    def ready(self):
        from . import (
            home,  # noqa: F401  registers the outstanding/overdue figures on the partner home
            signals,  # noqa: F401  saved or deleted invoices forget the cached figures
        )
