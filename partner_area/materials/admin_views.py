"""Editors' view of a material's file in the Wagtail admin (local storage)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404
from wagtail.permissions import policy_registry

from .models import Material


def material_file_admin(request, name: str):
    """A material's file (or thumbnail) for editors who may work on materials; local storage only."""
    policy = policy_registry.get_by_type(Material)
    if not policy.user_has_any_permission(request.user, ["add", "change", "delete"]):
        raise PermissionDenied
    material = Material.objects.filter(Q(file=name) | Q(thumbnail=name)).first()
    if material is None:
        raise Http404("No such file")
    field = material.file if material.file.name == name else material.thumbnail
    return FileResponse(field.open("rb"), filename=name.rsplit("/", 1)[-1])
