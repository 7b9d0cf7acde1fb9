"""The "Partner content" menu of the Wagtail admin, composed here, above the features: announcements and the
materials library each define their own snippet admin, and editors find them under one heading."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from partner_area.announcements.wagtail_hooks import AnnouncementViewSet
from partner_area.materials.wagtail_hooks import (
    FeaturedVideoViewSet,
    MaterialCategoryViewSet,
    MaterialViewSet,
    ProductViewSet,
)


class PartnerContentGroup(SnippetViewSetGroup):
    menu_label = _("Partner content")
    menu_icon = "doc-full-inverse"
    menu_order = 240
    items = (AnnouncementViewSet, MaterialViewSet, ProductViewSet, MaterialCategoryViewSet, FeaturedVideoViewSet)


register_snippet(PartnerContentGroup)
