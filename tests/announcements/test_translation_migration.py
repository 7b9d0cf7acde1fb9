"""Announcements become Wagtail translations without losing a Latvian text: a database with announcements in the
`_lv` layout (one fully in Latvian, one with only a Latvian title, one without Latvian, a draft whose Latvian
text exists only in its pending revision) comes out of `migrate` with an English row per announcement that
keeps its reads, and a Latvian translation wherever there was Latvian text, live like its announcement;
migrating back folds the translations into the `_lv` columns again."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import Collection

# serialized_rollback: the flush after a transactional test would take the rows data migrations made
# (root collection, locales, sites) from the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("announcements", "0003_announcementread_tenant_managers")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return MigrationExecutor(connection)._create_project_state(with_applied_migrations=True).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def latest():
    """Whatever a test does to the schema, the next test finds it fully migrated again."""
    yield
    _migrate(_latest())


def test_latvian_texts_become_latvian_translations_and_back(latest):
    old = _migrate(BEFORE)
    if Collection.get_first_root_node() is None:  # an earlier transactional test may have emptied the database
        Collection.add_root(name="Root")
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

    back = _migrate(BEFORE)
    Announcement = back.get_model("announcements", "Announcement")
    assert sorted(Announcement.objects.values_list("title", "title_lv", "summary_lv")) == [
        ("Draft news", "Draft news", "Soon."),
        ("Only English", "", ""),
        ("Spring prices", "Pavasara cenas", "Jaunas partneru cenas."),
        ("Training days", "Apmācību dienas", "Join us."),
    ]
    assert title_only.pk in Announcement.objects.values_list("pk", flat=True)
