"""Announcement migrations keep every row.

Moving announcements out of the materials app: a database migrated up to the old layout, with announcements,
reads, deliveries, a Wagtail revision, a workflow and an editor's permission, comes out of `migrate` with the
same rows, and the revision, workflow and permission still point at the same announcements.

Announcements becoming Wagtail translations: a database in the `_lv` layout (one announcement fully in
Latvian, one with only a Latvian title, one without Latvian, a draft whose Latvian text exists only in its
pending revision) comes out of `migrate` with an English row per announcement that keeps its reads, and a
Latvian translation wherever there was Latvian text, live like its announcement; migrating back folds the
translations into the `_lv` columns again."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Transactional: the migrations run outside a test transaction. The tests that follow get the demo database back
# from tests/conftest.py.
pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_THE_MOVE = [("materials", "0002_latvian_versions"), ("announcements", None)]
BEFORE_TRANSLATIONS = [("announcements", "0003_announcementread_tenant_managers")]


def _migrate(targets, *, content_types_change: bool = False):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    if content_types_change:
        ContentType.objects.clear_cache()  # the move renames content types
    # The models as the database now has them (every migration applied so far, in every app).
    return MigrationExecutor(connection)._create_project_state(with_applied_migrations=True).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def latest():
    """Whatever a test does to the schema, the next test finds it fully migrated again."""
    yield
    _migrate(_latest(), content_types_change=True)


@pytest.fixture
def latest_again():
    """Like `latest`, for a test that changes no content type."""
    yield
    _migrate(_latest())


def test_latvian_texts_become_latvian_translations_and_back(latest_again):
    old = _migrate(BEFORE_TRANSLATIONS)
    Announcement = old.get_model("announcements", "Announcement")
    Company = old.get_model("organizations", "Company")
    company = Company.objects.create(legal_name="Baltic Soft", registration_number="40000000001", country="LV")
    reader = old.get_model("accounts", "User").objects.create(email="reader@example.lv")
    full = Announcement.objects.create(
        title="Spring prices",
        summary="New partner prices.",
        body="<p>See the price list.</p>",
        title_lv="Pavasara cenas",
        summary_lv="Jaunas partneru cenas.",
        body_lv="<p>Skatiet cenu lapu.</p>",
        live=True,
        pinned=True,
        audience_all=False,
        audience_tiers=["gold"],
    )
    # The historical model is no ClusterableModel: its parental relation is written to the table directly.
    Announcement.audience_companies.through.objects.create(announcement_id=full.pk, company_id=company.pk)
    old.get_model("announcements", "AnnouncementRead")._default_manager.create(announcement=full, user=reader)
    title_only = Announcement.objects.create(
        title="Training days", summary="Join us.", body="<p>In May.</p>", title_lv="Apmācību dienas", live=True
    )
    english_only = Announcement.objects.create(title="Only English", summary="No Latvian.", body_lv="<p></p>")
    content_type = old.get_model("contenttypes", "ContentType").objects.get(
        app_label="announcements", model="announcement"
    )
    draft = Announcement.objects.create(title="Draft news", summary="Soon.", live=False, has_unpublished_changes=True)
    revision = old.get_model("wagtailcore", "Revision").objects.create(
        content_type=content_type,
        base_content_type=content_type,
        object_id=str(draft.pk),
        object_str="Draft news",
        created_at=draft.created_at,
        content={"pk": draft.pk, "title": "Draft news", "summary": "Soon.", "body": "", "title_lv": "Drīzumā"},
    )
    Announcement.objects.filter(pk=draft.pk).update(latest_revision=revision)

    new = _migrate(_latest())
    Announcement = new.get_model("announcements", "Announcement")
    rows = {(a.title, a.locale.language_code): a for a in Announcement.objects.select_related("locale")}
    assert set(rows) == {
        ("Spring prices", "en"),
        ("Pavasara cenas", "lv"),
        ("Training days", "en"),
        ("Apmācību dienas", "lv"),
        ("Only English", "en"),
        ("Draft news", "en"),
        ("Draft news", "lv"),  # the translation's own text is the English one until its draft is published
    }
    english, latvian = rows[("Spring prices", "en")], rows[("Pavasara cenas", "lv")]
    assert english.pk == full.pk and english.reads.get().user_id == reader.pk and not latvian.reads.exists()
    assert latvian.translation_key == english.translation_key
    assert (latvian.summary, latvian.body) == ("Jaunas partneru cenas.", "<p>Skatiet cenu lapu.</p>")
    assert latvian.live and latvian.pinned and latvian.audience_tiers == ["gold"]
    assert list(latvian.audience_companies.values_list("pk", flat=True)) == [company.pk]
    # An empty Latvian field reads the English text.
    training = rows[("Apmācību dienas", "lv")]
    assert (training.summary, training.body, training.live) == ("Join us.", "<p>In May.</p>", True)
    assert training.translation_key == rows[("Training days", "en")].translation_key
    assert rows[("Only English", "en")].pk == english_only.pk
    # The Latvian text of the pending draft is the translation's pending draft.
    draft_translation = rows[("Draft news", "lv")]
    assert not draft_translation.live and draft_translation.has_unpublished_changes
    assert draft_translation.latest_revision.content["title"] == "Drīzumā"
    assert draft_translation.latest_revision.object_id == str(draft_translation.pk)
    keys = list(Announcement.objects.values_list("translation_key", "locale_id"))
    assert len(set(keys)) == len(keys) == 7

    back = _migrate(BEFORE_TRANSLATIONS)
    Announcement = back.get_model("announcements", "Announcement")
    assert sorted(Announcement.objects.values_list("title", "title_lv", "summary_lv")) == [
        ("Draft news", "Draft news", "Soon."),
        ("Only English", "", ""),
        ("Spring prices", "Pavasara cenas", "Jaunas partneru cenas."),
        ("Training days", "Apmācību dienas", "Join us."),
    ]
    assert title_only.pk in Announcement.objects.values_list("pk", flat=True)


def test_the_move_keeps_announcements_reads_deliveries_revisions_and_permissions(latest):
    old = _migrate(BEFORE_THE_MOVE, content_types_change=True)
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

    _migrate(_latest(), content_types_change=True)

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
