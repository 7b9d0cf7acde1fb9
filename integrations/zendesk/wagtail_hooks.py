from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import VIEW_PERMISSION, ZendeskSyncView


@hooks.register("register_admin_urls")
def register_zendesk_urls():
    return [path("zendesk-sync/", ZendeskSyncView.as_view(), name="zendesk_sync")]


class ZendeskSyncMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(VIEW_PERMISSION)


@hooks.register("register_settings_menu_item")
def register_zendesk_menu_item():
    return ZendeskSyncMenuItem(_("Zendesk sync"), reverse("zendesk_sync"), icon_name="help", order=910)
