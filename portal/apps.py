from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Brello 360 Partner Portal"

    def ready(self):
        from partner_area.platform.metrics import connect_event_counters

        from .requestid import connect_signals

        connect_event_counters()
        connect_signals()
