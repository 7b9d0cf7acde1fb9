from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnouncementsConfig(AppConfig):
    name = "partner_area.announcements"
    label = "announcements"
    verbose_name = _("Announcements")

    def ready(self):
        from partner_area.platform.translations import translations_follow_their_source

        from .models import Announcement

        translations_follow_their_source(Announcement)
