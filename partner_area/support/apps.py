from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "partner_area.support"
    label = "support"
    verbose_name = _("Support")

    def ready(self):
        from . import home  # noqa: F401  registers the open-requests figure on the partner home
