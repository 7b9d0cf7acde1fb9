"""The audience as editors see it in the Wagtail admin: one panel and one form check, shared by every
model with an audience (announcements, materials)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

AUDIENCE_EMPTY = _("Choose “All partners”, or at least one tier, country, product or company.")


def audience_panel() -> MultiFieldPanel:
    return MultiFieldPanel(
        [
            FieldPanel("audience_all"),
            FieldRowPanel([FieldPanel("audience_tiers"), FieldPanel("audience_countries")]),
            FieldPanel("audience_products"),
            FieldPanel("audience_companies"),
            FieldPanel("admins_only"),
        ],
        heading=_("Audience"),
        help_text=_(
            "All partners, or: companies that match every part you fill in (tiers, countries, products), "
            "plus the specific companies. “Org admins only” leaves out the other users."
        ),
    )


class AudienceFormMixin:
    """Editors must say who the object is for: an empty audience would reach nobody."""

    def clean(self):
        cleaned = super().clean()
        parts = ("audience_tiers", "audience_countries", "audience_products", "audience_companies")
        if not cleaned.get("audience_all") and not any(cleaned.get(part) for part in parts):
            self.add_error("audience_all", AUDIENCE_EMPTY)
        return cleaned
