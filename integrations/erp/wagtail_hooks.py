from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import VIEW_PERMISSION, ErpSyncView
from .company_panel import company_erp_panel


@hooks.register("register_admin_urls")
def register_erp_urls():
    return [path("erp-sync/", ErpSyncView.as_view(), name="erp_sync")]


class ErpSyncMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(VIEW_PERMISSION)


@hooks.register("register_settings_menu_item")
def register_erp_menu_item():
    return ErpSyncMenuItem(_("ERP sync"), reverse("erp_sync"), icon_name="resubmit", order=900)


hooks.register("company_admin_panels", company_erp_panel)
