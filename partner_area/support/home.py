"""The Support figure on the partner home: the member's open requests."""

from django.urls import reverse
from django.utils.translation import gettext as _

from partner_area.companies.models import Membership
from partner_area.platform.sections import HomeFigure, Section, register_home_figure

from .selectors import support_open_count


@register_home_figure(Section.SUPPORT)
def open_requests_figure(membership: Membership) -> list[HomeFigure]:
    count = support_open_count(membership=membership)
    return [HomeFigure(label=_("Open support requests"), value=str(count), url=reverse("partner:support"))]
