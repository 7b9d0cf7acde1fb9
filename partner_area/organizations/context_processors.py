from django.urls import reverse
from django.utils.translation import gettext_lazy

from .access import can_use_portal, membership_for
from .models import Section

SECTION_URLS = {
    Section.DASHBOARD: "partner:dashboard",
    Section.INVOICES: "partner:invoices",
    Section.SUPPORT: "partner:support",
    Section.MATERIALS: "partner:materials",
}


def _mark_current(items: list[dict], *, path: str) -> None:
    """Mark the one item whose section contains ``path`` (its own page or any sub-page).

    Home is the area's root, so it is current only on its own page; every other item
    covers everything under its URL (``/support/`` covers ``/support/12/`` and ``/support/new/``).
    The longest matching URL wins, so a nested section never leaves its parent highlighted too.
    """
    home = items[0]["url"] if items else None
    best = None
    for item in items:
        url = item["url"]
        matches = path == url or (url != home and path.startswith(url))
        if matches and (best is None or len(url) > len(best["url"])):
            best = item
    for item in items:
        item["current"] = item is best


def partner_navigation(request) -> dict:
    """The partner area's navigation: only the sections this person may open."""
    if request.path_info.split("/")[2:3] != ["partner"]:
        return {}
    membership = membership_for(request)
    if not can_use_portal(membership):
        return {"partner_membership": membership, "partner_nav": []}
    items = [
        {"url": reverse("partner:home"), "label": gettext_lazy("Home"), "key": "home"},
        {"url": reverse("partner:announcements"), "label": gettext_lazy("News"), "key": "announcements"},
    ]
    for section, url_name in SECTION_URLS.items():
        if membership.has_section(section):
            items.append({"url": reverse(url_name), "label": section.label, "key": section.value})
    if membership.is_admin:
        items.append({"url": reverse("partner:members"), "label": gettext_lazy("Members"), "key": "members"})
    # Read-only for users.
    items.append({"url": reverse("partner:company"), "label": gettext_lazy("Company"), "key": "company"})
    _mark_current(items, path=request.path)
    return {"partner_membership": membership, "partner_nav": items}
