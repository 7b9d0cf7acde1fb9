"""The editors' set-up in the Wagtail admin: Wagtail's "Editors" write announcements and upload materials,
"Moderators" review and publish; announcements go through the "Announcement approval" workflow.
Idempotent; run by the demo seed, and once in a new installation (or set up the same by hand under
Settings → Groups and Settings → Workflows)."""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    Workflow,
    WorkflowContentType,
    WorkflowTask,
)

from .models import Announcement, Material, MaterialCategory, Product

WORKFLOW_NAME = "Announcement approval"
TASK_NAME = "Marketing review"

EDITOR_PERMISSIONS = {
    Announcement: ["add", "change", "delete", "view"],
    Product: ["add", "change", "delete", "view"],
    MaterialCategory: ["add", "change", "view"],
}
MODERATOR_PERMISSIONS = {
    Announcement: ["add", "change", "delete", "view", "publish", "lock", "unlock"],
    Product: ["add", "change", "delete", "view"],
    MaterialCategory: ["add", "change", "delete", "view"],
}
MATERIAL_COLLECTION_PERMISSIONS = ["add_material", "change_material", "delete_material"]


def _grant(group: Group, permissions: dict) -> None:
    for model, actions in permissions.items():
        content_type = ContentType.objects.get_for_model(model)
        codenames = [f"{action}_{model._meta.model_name}" for action in actions]
        group.permissions.add(*Permission.objects.filter(content_type=content_type, codename__in=codenames))


def editor_setup() -> Workflow:
    """Give Editors and Moderators their permissions and put announcements under the approval workflow."""
    editors, _ = Group.objects.get_or_create(name="Editors")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    _grant(editors, EDITOR_PERMISSIONS)
    _grant(moderators, MODERATOR_PERMISSIONS)

    root = Collection.get_first_root_node()
    material_type = ContentType.objects.get_for_model(Material)
    for group in (editors, moderators):
        for permission in Permission.objects.filter(
            content_type=material_type, codename__in=MATERIAL_COLLECTION_PERMISSIONS
        ):
            GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=permission)

    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
        task.groups.set([moderators])
    workflow, created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    if created:
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowContentType.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(Announcement), defaults={"workflow": workflow}
    )
    return workflow
