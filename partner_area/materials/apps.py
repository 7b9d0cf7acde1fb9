from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaterialsConfig(AppConfig):
    name = "partner_area.materials"
    label = "materials"
    verbose_name = _("Materials")

    def ready(self):
        from wagtail.permission_policies.collections import CollectionPermissionPolicy
        from wagtail.permissions import register_permission_policy

        from partner_area.platform.translations import translations_follow_their_source

        from . import home  # noqa: F401  registers the new-materials figure on the partner home
        from .models import FeaturedVideo, Material, MaterialCategory

        # Editors get add/change/delete on materials per collection (Settings → Groups), like documents.
        register_permission_policy(Material, CollectionPermissionPolicy(Material))
        translations_follow_their_source(MaterialCategory, FeaturedVideo)
