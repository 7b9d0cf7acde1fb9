from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.translation import get_language, get_language_info, gettext_lazy

from partner_area.companies.access import can_use_portal, membership_for
from partner_area.platform.sections import SECTIONS, sections_for


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


def _language_links(request) -> list[dict]:
    """This page in each language, for the public header's language switch (it is not a CMS page); the query
    (e.g. where to go after logging in) is kept."""
    current = get_language()
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": translate_url(request.path, code) + (f"?{request.GET.urlencode()}" if request.GET else ""),
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]


def partner_navigation(request) -> dict:
    """The partner area's navigation: only the sections this person may open."""
    if request.path_info.split("/")[2:3] != ["partner"]:
        return {}
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        # Logged-out visitors (log in, password reset, registration) get the public site's header.
        return {"partner_membership": None, "partner_nav": [], "language_links": _language_links(request)}
    membership = membership_for(request)
    if not can_use_portal(membership):
        return {"partner_membership": membership, "partner_nav": []}
    items = [
        {"url": reverse("partner:home"), "label": gettext_lazy("Home"), "key": "home"},
        {"url": reverse("partner:announcements"), "label": gettext_lazy("News"), "key": "announcements"},
    ]
    for section in sections_for(membership):
        items.append({"url": reverse(SECTIONS[section].url_name), "label": section.label, "key": section.value})
    if membership.is_admin:
        items.append({"url": reverse("partner:members"), "label": gettext_lazy("Members"), "key": "members"})
    # Read-only for users.
    items.append({"url": reverse("partner:company"), "label": gettext_lazy("Company"), "key": "company"})
    _mark_current(items, path=request.path)
    return {"partner_membership": membership, "partner_nav": items}
