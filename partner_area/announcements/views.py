"""Partner pages: the announcements list, one announcement, "mark all as read", and unsubscribing."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from partner_area.companies.access import partner_required

from . import selectors, services


@require_GET
@partner_required()
def announcements(request):
    items = list(selectors.announcements_for(membership=request.membership))
    unread_count = sum(not item.is_read for item in items)
    return render(request, "materials/announcements.html", {"announcements": items, "unread_count": unread_count})


@require_http_methods(["POST"])
@partner_required()
def announcements_read(request):
    """Mark every announcement as read (the list's "Mark all as read")."""
    if count := services.announcements_mark_all_read(membership=request.membership):
        messages.success(
            request,
            ngettext("%(count)d announcement marked as read.", "%(count)d announcements marked as read.", count)
            % {"count": count},
        )
    return redirect("partner:announcements")


@require_GET
@partner_required()
def announcement(request, announcement_id: int):
    item = selectors.announcement_for(membership=request.membership, announcement_id=announcement_id)
    if item is None:
        raise Http404("No such announcement")
    was_unread = not item.is_read
    services.announcement_mark_read(announcement=item, user=request.user)
    return render(request, "materials/announcement.html", {"announcement": item, "was_unread": was_unread})


@csrf_exempt  # the signed token is the credential; mail clients post here for one-click unsubscribe
@require_http_methods(["GET", "POST"])
def announcement_unsubscribe(request, token: str):
    """Turn announcement e-mails off from the link in an e-mail, without logging in."""
    if services.unsubscribe_user_id(token) is None:
        raise Http404("Invalid unsubscribe link")
    if request.method == "POST":
        services.announcement_unsubscribe(token=token)
        return render(request, "materials/unsubscribe.html", {"done": True})
    return render(request, "materials/unsubscribe.html", {"done": False})
