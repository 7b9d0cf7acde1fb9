"""The quick figures on the partner home. Each figure belongs to a section; a member sees only the figures
of sections they may open. Other parts of the partner area add theirs with `register_home_figure`
(invoices: outstanding and overdue balance; support: open requests); until they do, the home shows an
empty state for that section."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partner_area.companies.models import Membership, Section

from .selectors import materials_new_count


@dataclass
class HomeFigure:
    label: str
    value: str
    url: str = ""
    tone: str = ""  # "", "warning" or "danger"


FigureProvider = Callable[[Membership], list[HomeFigure]]
_providers: dict[str, FigureProvider] = {}

# The sections whose figures the home shows, in order, and what it says while a section has none yet.
FIGURE_SECTIONS = {
    Section.INVOICES: _("Your outstanding and overdue balance will show here."),
    Section.SUPPORT: _("Your open support requests will show here."),
    Section.MATERIALS: "",
}


def register_home_figure(section: str) -> Callable[[FigureProvider], FigureProvider]:
    def decorator(provider: FigureProvider) -> FigureProvider:
        _providers[section] = provider
        return provider

    return decorator


def figure_sections_for(membership: Membership) -> list[str]:
    return [section for section in FIGURE_SECTIONS if membership.has_section(section)]


def home_figures(*, membership: Membership) -> list[dict]:
    """[{section, figures, empty_text}] for each section with figures this member may see."""
    blocks = []
    for section in figure_sections_for(membership):
        provider = _providers.get(section)
        blocks.append(
            {
                "section": Section(section),
                "figures": provider(membership) if provider else [],
                "empty_text": FIGURE_SECTIONS[section],
            }
        )
    return blocks


@register_home_figure(Section.MATERIALS)
def new_materials_figure(membership: Membership) -> list[HomeFigure]:
    count = materials_new_count(membership=membership)
    return [HomeFigure(label=str(_("New materials")), value=str(count), url=reverse("partner:materials"))]
