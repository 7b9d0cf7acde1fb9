from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "partner_area.companies"
    label = "organizations"
    verbose_name = _("Partner organisations")
