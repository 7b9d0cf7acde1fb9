"""Moving announcements out of the materials app keeps every row: a database migrated up to the old layout,
with announcements, reads, deliveries, a Wagtail revision, a workflow and an editor's permission, comes out
of `migrate` with the same rows, and the revision, workflow and permission still point at the same
announcements."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Transactional: the migrations run outside a test transaction. The tests that follow get the demo database back
# from tests/conftest.py.
pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_THE_MOVE = [("materials", "0002_latvian_versions"), ("announcements", None)]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    # The models as the database now has them (every migration applied so far, in every app).
    return MigrationExecutor(connection)._create_project_state(with_applied_migrations=True).apps


@pytest.fixture
def latest():
    """Whatever a test does to the schema, the next test finds it fully migrated again."""
    yield
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_the_move_keeps_announcements_reads_deliveries_revisions_and_permissions(latest):
    old = _migrate(BEFORE_THE_MOVE)
    OldContentType = old.get_model("contenttypes", "ContentType")
    old_type = OldContentType.objects.get(app_label="materials", model="announcement")
    User = old.get_model("accounts", "User")
    reader = User.objects.create(email="reader@example.lv")
    Announcement = old.get_model("materials", "Announcement")
    announcement = Announcement.objects.create(
        title="Spring prices", summary="New partner prices.", title_lv="Pavasara cenas", live=True
    )
    announcement.audience_tiers = ["gold"]
    announcement.save()
    old.get_model("materials", "AnnouncementRead").objects.create(announcement=announcement, user=reader)
    old.get_model("materials", "AnnouncementDelivery").objects.create(
        announcement=announcement, user=reader, email=reader.email, status="sent"
    )
    revision = old.get_model("wagtailcore", "Revision").objects.create(
        content_type=old_type,
        base_content_type=old_type,
        object_id=str(announcement.pk),
        content={},
        created_at=announcement.created_at,
    )
    Workflow = old.get_model("wagtailcore", "Workflow")
    workflow = Workflow.objects.create(name="Announcement approval")
    old.get_model("wagtailcore", "WorkflowContentType").objects.create(content_type=old_type, workflow=workflow)
    Permission = old.get_model("auth", "Permission")
    permission = Permission.objects.get(content_type=old_type, codename="publish_announcement")
    editors = old.get_model("auth", "Group").objects.create(name="Announcement moderators")
    editors.permissions.add(permission)

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    from django.contrib.auth.models import Group
    from wagtail.models import Revision, WorkflowContentType

    from partner_area.announcements.models import Announcement as MovedAnnouncement

    moved = MovedAnnouncement.objects.get(pk=announcement.pk)
    assert (moved.title, moved.audience_tiers) == ("Spring prices", ["gold"])
    assert moved.reads.get().user_id == reader.pk
    assert moved.deliveries.get().status == "sent"
    content_type = ContentType.objects.get_for_model(MovedAnnouncement)
    assert content_type.pk == old_type.pk
    assert not ContentType.objects.filter(app_label="materials", model="announcement").exists()
    assert Revision.objects.get(pk=revision.pk).content_object == moved
    assert WorkflowContentType.objects.get(content_type=content_type).workflow_id == workflow.pk
    assert Group.objects.get(name="Announcement moderators").permissions.get().codename == "publish_announcement"
    assert content_type.permission_set.filter(codename="publish_announcement").count() == 1
