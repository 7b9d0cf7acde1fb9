"""The partner home: greeting, the tiles of the sections this member may open, targeted announcements, the quick
figures (loaded with htmx) and the featured video."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from partner_area.announcements.selectors import announcements_latest
from partner_area.companies.access import partner_required
from partner_area.materials.selectors import featured_video_for_home
from partner_area.platform.sections import SECTIONS, figure_sections_for, home_figures, sections_for


@partner_required()
def home(request):
    membership = request.membership
    tiles = [
        {"section": section, "url": SECTIONS[section].url_name, "description": SECTIONS[section].description}
        for section in sections_for(membership)
    ]
    announcements, unread_count = announcements_latest(membership=membership, limit=5)
    context = {
        "membership": membership,
        "tiles": tiles,
        "announcements": announcements,
        "unread_count": unread_count,
        "show_figures": bool(figure_sections_for(membership)),
        "video": featured_video_for_home(request=request),
    }
    return render(request, "home/home.html", context)


@require_GET
@partner_required()
def home_figures_block(request):
    """The home's quick figures, loaded with htmx: only sections the member may open (404 if none)."""
    if not figure_sections_for(request.membership):
        raise Http404("No figures for this member")
    return render(request, "home/figures.html", {"blocks": home_figures(membership=request.membership)})
