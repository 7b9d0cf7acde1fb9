from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ZendeskConfig(AppConfig):
    name = "integrations.zendesk"
    label = "zendesk"
    verbose_name = _("Zendesk sync")

    def ready(self):
        from portal.health import peer_check

        from .client import zendesk_answers

        peer_check("zendesk", zendesk_answers)
