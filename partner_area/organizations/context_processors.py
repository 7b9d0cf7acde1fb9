from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .access import can_use_portal, membership_for
from .models import Section

SECTION_URLS = {
    Section.DASHBOARD: "partner:dashboard",
    Section.INVOICES: "partner:invoices",
    Section.SUPPORT: "partner:support",
    Section.MATERIALS: "partner:materials",
}


def partner_navigation(request) -> dict:
    """The partner area's navigation: only the sections this person may open."""
    if request.path_info.split("/")[2:3] != ["partner"]:
        return {}
    membership = membership_for(request)
    if not can_use_portal(membership):
        return {"partner_membership": membership, "partner_nav": []}
    items = [
        {"url": reverse("partner:home"), "label": _("Home"), "key": "home"},
        {"url": reverse("partner:announcements"), "label": _("News"), "key": "announcements"},
    ]
    for section, url_name in SECTION_URLS.items():
        if membership.has_section(section):
            items.append({"url": reverse(url_name), "label": section.label, "key": section.value})
    if membership.is_admin:
        items.append({"url": reverse("partner:members"), "label": _("Members"), "key": "members"})
    items.append({"url": reverse("partner:company"), "label": _("Company"), "key": "company"})  # read-only for users
    return {"partner_membership": membership, "partner_nav": items}
