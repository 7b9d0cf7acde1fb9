"""The editors' set-up for the materials library in the Wagtail admin: Wagtail's "Editors" and "Moderators"
edit products and categories and upload materials (collection permissions on the root collection).
Idempotent; run by the demo seed, and once in a new installation (or set up the same by hand under
Settings → Groups). Announcements have theirs in partner_area/announcements/editors.py."""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Collection, GroupCollectionPermission

from .models import Material, MaterialCategory, Product

EDITOR_PERMISSIONS = {
    Product: ["add", "change", "delete", "view"],
    MaterialCategory: ["add", "change", "view"],
}
MODERATOR_PERMISSIONS = {
    Product: ["add", "change", "delete", "view"],
    MaterialCategory: ["add", "change", "delete", "view"],
}
MATERIAL_COLLECTION_PERMISSIONS = ["add_material", "change_material", "delete_material"]


def group_permissions_grant(*, group: Group, permissions: dict) -> None:
    """Give `group` the `{model: [action, ...]}` model permissions."""
    for model, actions in permissions.items():
        content_type = ContentType.objects.get_for_model(model)
        codenames = [f"{action}_{model._meta.model_name}" for action in actions]
        group.permissions.add(*Permission.objects.filter(content_type=content_type, codename__in=codenames))


def editor_setup() -> None:
    """Give Editors and Moderators their permissions on products, categories and materials."""
    editors, _ = Group.objects.get_or_create(name="Editors")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    group_permissions_grant(group=editors, permissions=EDITOR_PERMISSIONS)
    group_permissions_grant(group=moderators, permissions=MODERATOR_PERMISSIONS)

    root = Collection.get_first_root_node()
    material_type = ContentType.objects.get_for_model(Material)
    for group in (editors, moderators):
        for permission in Permission.objects.filter(
            content_type=material_type, codename__in=MATERIAL_COLLECTION_PERMISSIONS
        ):
            GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=permission)
