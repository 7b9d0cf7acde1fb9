"""Partner pages: the materials library and downloads."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from partner_area.companies.access import partner_required
from partner_area.platform.sections import Section

from . import selectors, services
from .forms import MaterialFilterForm


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
