from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsPagesConfig(AppConfig):
    name = "cms_pages"
    verbose_name = _("Public pages")

    def ready(self) -> None:
        from . import signals  # noqa: F401
