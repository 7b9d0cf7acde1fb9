"""The partner area's sections: the one list of them, and the quick figures each shows on the partner home.

Everything that names the sections reads `SECTIONS`: the grants (`can_<section>` on memberships and invitations,
partner_area/companies/models.py), the navigation, the home's tiles and its figures. A new section is one
`Section` value and one `SectionInfo` here (plus its grant's migration).

Features add their home figures with `@register_home_figure(Section.X)` in their AppConfig.ready() (invoices:
outstanding and overdue balance; support: open requests; materials: new materials); until one does, the home
shows that section's empty text.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Section(models.TextChoices):
    """Parts of the partner area an org admin can grant to a user."""

    DASHBOARD = "dashboard", _("Dashboard")
    INVOICES = "invoices", _("Invoices")
    SUPPORT = "support", _("Support")
    MATERIALS = "materials", _("Materials")


@dataclass(frozen=True)
class SectionInfo:
    url_name: str  # the section's page
    description: Promise | str  # the home tile's line
    has_figures: bool = False  # whether the home shows a block of quick figures for it
    figures_empty_text: Promise | str = ""  # what that block says while the section has no figures


SECTIONS: dict[Section, SectionInfo] = {
    Section.DASHBOARD: SectionInfo(
        url_name="partner:dashboard",
        description=_("Direct and indirect turnover across your partner network."),
    ),
    Section.INVOICES: SectionInfo(
        url_name="partner:invoices",
        description=_("Your invoices, what is paid and what is still to pay."),
        has_figures=True,
        figures_empty_text=_("Your outstanding and overdue balance will show here."),
    ),
    Section.SUPPORT: SectionInfo(
        url_name="partner:support",
        description=_("Ask Brello for help and follow the conversation."),
        has_figures=True,
        figures_empty_text=_("Your open support requests will show here."),
    ),
    Section.MATERIALS: SectionInfo(
        url_name="partner:materials",
        description=_("Brochures, price lists and training by product."),
        has_figures=True,
    ),
}


class GrantHolder(Protocol):
    """A membership (partner_area/companies): what the home figures need of one."""

    def has_section(self, section: str) -> bool: ...


def sections_for(holder: GrantHolder) -> list[Section]:
    """The sections this member may open, in the registry's order."""
    return [section for section in SECTIONS if holder.has_section(section)]


@dataclass
class HomeFigure:
    label: str
    value: str
    url: str = ""
    tone: str = ""  # "", "warning" or "danger"


FigureProvider = Callable[[GrantHolder], list[HomeFigure]]
_providers: dict[str, FigureProvider] = {}


def register_home_figure(section: str) -> Callable[[FigureProvider], FigureProvider]:
    def decorator(provider: FigureProvider) -> FigureProvider:
        _providers[section] = provider
        return provider

    return decorator


def figure_sections_for(holder: GrantHolder) -> list[Section]:
    return [section for section in sections_for(holder) if SECTIONS[section].has_figures]


def home_figures(*, membership: GrantHolder) -> list[dict]:
    """[{section, figures, empty_text}] for each section with figures this member may see."""
    blocks = []
    for section in figure_sections_for(membership):
        provider = _providers.get(section)
        blocks.append(
            {
                "section": section,
                "figures": provider(membership) if provider else [],
                "empty_text": SECTIONS[section].figures_empty_text,
            }
        )
    return blocks
