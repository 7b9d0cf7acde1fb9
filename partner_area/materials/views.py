"""Partner pages: announcements, the materials library and downloads."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from partner_area.companies.access import partner_required
from partner_area.platform.sections import Section

from . import selectors, services
from .forms import MaterialFilterForm


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


@require_GET
@partner_required(section=Section.MATERIALS)
def materials(request):
    membership = request.membership
    form = MaterialFilterForm(request.GET or None, choices=selectors.material_filter_choices(membership=membership))
    filters = form.filters()
    visible = selectors.material_search(selectors.materials_for(membership=membership), **filters)
    new_since = services.materials_visit_record(membership=membership)
    context = {
        "form": form,
        "filters": filters,
        "groups": selectors.materials_grouped(visible, only_product=filters.get("product", "")),
        "new_since": new_since,
        "result_count": visible.count(),
    }
    template = "materials/_results.html" if request.htmx and not request.htmx.boosted else "materials/materials.html"
    return render(request, template, context)


@require_GET
@partner_required(section=Section.MATERIALS)
def material_download(request, material_id: int):
    material = selectors.material_for(membership=request.membership, material_id=material_id)
    if material is None:
        raise Http404("No such material")
    try:
        response = services.material_file_response(material=material)
    except FileNotFoundError:
        messages.error(request, _("This file is not available right now. Please try again later."))
        return redirect("partner:materials")
    services.material_download_record(material=material, membership=request.membership)
    return response


@require_GET
@partner_required(section=Section.MATERIALS)
def material_thumbnail(request, material_id: int):
    material = selectors.material_for(membership=request.membership, material_id=material_id)
    if material is None or not material.thumbnail:
        raise Http404("No preview")
    try:
        with material.thumbnail.open("rb") as preview:
            data = preview.read()
    except FileNotFoundError as error:
        raise Http404("No preview") from error
    response = HttpResponse(data, content_type="image/webp")
    response["Cache-Control"] = "private, max-age=3600"
    return response
