"""The Materials figure on the partner home: how many materials are new to this member (registered from
MaterialsConfig.ready(); the registry is partner_area/platform/sections.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from partner_area.platform.sections import HomeFigure, Section, register_home_figure

from .selectors import materials_new_count


@register_home_figure(Section.MATERIALS)
def new_materials_figure(membership) -> list[HomeFigure]:
    count = materials_new_count(membership=membership)
    return [HomeFigure(label=str(_("New materials")), value=str(count), url=reverse("partner:materials"))]
