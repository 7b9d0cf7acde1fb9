"""The editors' set-up for announcements in the Wagtail admin: Wagtail's "Editors" write announcements,
"Moderators" review and publish them; announcements go through the "Announcement approval" workflow.
Idempotent; run by the demo seed, and once in a new installation (or set up the same by hand under
Settings → Groups and Settings → Workflows)."""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from wagtail.models import GroupApprovalTask, Workflow, WorkflowContentType, WorkflowTask

from .models import Announcement

WORKFLOW_NAME = "Announcement approval"
TASK_NAME = "Marketing review"

EDITOR_ACTIONS = ["add", "change", "delete", "view"]
MODERATOR_ACTIONS = ["add", "change", "delete", "view", "publish", "lock", "unlock"]


def _grant(group: Group, actions: list[str]) -> None:
    content_type = ContentType.objects.get_for_model(Announcement)
    codenames = [f"{action}_announcement" for action in actions]
    group.permissions.add(*Permission.objects.filter(content_type=content_type, codename__in=codenames))


def announcement_editor_setup() -> Workflow:
    """Give Editors and Moderators their announcement permissions and put announcements under the approval
    workflow."""
    editors, _ = Group.objects.get_or_create(name="Editors")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    _grant(editors, EDITOR_ACTIONS)
    _grant(moderators, MODERATOR_ACTIONS)

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
