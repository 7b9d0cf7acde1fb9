from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "partner_area.performance"
    label = "performance"
    verbose_name = _("Performance")

    def ready(self) -> None:
        from . import fragments, signals  # noqa: F401 - connect the tree and the dashboard fragments to Company
