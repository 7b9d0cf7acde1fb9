from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ZendeskConfig(AppConfig):
    name = "integrations.zendesk"
    label = "zendesk"
    verbose_name = _("Zendesk sync")
