"""Material categories and the featured video become Wagtail translations without losing a Latvian text: a
database with categories (one with a Latvian name, one without) and a material comes out of `migrate` with an
English row per category, a Latvian translation where there was a Latvian name, and the material on its
category; the partner home's video, with its Latvian title, becomes a FeaturedVideo in English with a Latvian
translation, chosen by the setting. Migrating back folds the translations into the `_lv` columns again."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Transactional: the migrations run outside a test transaction. The tests that follow get the demo database back
# from tests/conftest.py.
pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("materials", "0003_announcements_move_out")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    # The models as the database now has them (every migration applied so far, in every app).
    return MigrationExecutor(connection)._create_project_state(with_applied_migrations=True).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def latest():
    """Whatever a test does to the schema, the next test finds it fully migrated again."""
    yield
    _migrate(_latest())


def test_latvian_category_names_become_latvian_translations_and_back(latest):
    old = _migrate(BEFORE)
    Category = old.get_model("materials", "MaterialCategory")
    brochures = Category.objects.create(name="Brochures", name_lv="Brošūras", slug="brochure", sort_order=1)
    Category.objects.create(name="Case studies", slug="case-studies", sort_order=2)
    material = old.get_model("materials", "Material").objects.create(
        title="CRM brochure", file="materials/crm.pdf", category=brochures
    )

    new = _migrate(_latest())
    Category = new.get_model("materials", "MaterialCategory")
    rows = {(c.slug, c.locale.language_code): c for c in Category.objects.select_related("locale")}
    assert set(rows) == {("brochure", "en"), ("brochure", "lv"), ("case-studies", "en")}
    english, latvian = rows[("brochure", "en")], rows[("brochure", "lv")]
    assert (english.pk, english.name, latvian.name) == (brochures.pk, "Brochures", "Brošūras")
    assert latvian.translation_key == english.translation_key and latvian.sort_order == 1
    assert new.get_model("materials", "Material").objects.get(pk=material.pk).category_id == english.pk

    back = _migrate(BEFORE)
    Category = back.get_model("materials", "MaterialCategory")
    assert sorted(Category.objects.values_list("slug", "name", "name_lv")) == [
        ("brochure", "Brochures", "Brošūras"),
        ("case-studies", "Case studies", ""),
    ]


def test_the_featured_video_and_its_latvian_title_become_a_translated_snippet_and_back(latest):
    before = [("materials", "0007_tenant_managers_on_child_tables")]
    old = _migrate(before)
    snapshot = {
        "video_html": '<iframe src="https://www.youtube-nocookie.com/embed/abc"></iframe>',
        "video_thumbnail_url": "https://i.ytimg.com/vi/abc/hqdefault.jpg",
        "video_provider": "YouTube",
        "video_fetched_url": "https://www.youtube.com/watch?v=abc",
    }
    home = old.get_model("materials", "PartnerHomeSettings").objects.create(
        featured_video_url="https://www.youtube.com/watch?v=abc",
        featured_video_title="Brello 360 in two minutes",
        featured_video_title_lv="Brello 360 divās minūtēs",
        **snapshot,
    )

    new = _migrate(_latest())
    home = new.get_model("materials", "PartnerHomeSettings").objects.get(pk=home.pk)
    FeaturedVideo = new.get_model("materials", "FeaturedVideo")
    videos = {v.locale.language_code: v for v in FeaturedVideo.objects.select_related("locale")}
    assert set(videos) == {"en", "lv"} and home.featured_video_id == videos["en"].pk
    assert (videos["en"].title, videos["lv"].title) == ("Brello 360 in two minutes", "Brello 360 divās minūtēs")
    assert videos["en"].translation_key == videos["lv"].translation_key
    for video in videos.values():
        assert video.url == "https://www.youtube.com/watch?v=abc"
        assert {name: getattr(video, name) for name in snapshot} == snapshot

    back = _migrate(before)
    home = back.get_model("materials", "PartnerHomeSettings").objects.get(pk=home.pk)
    assert (home.featured_video_url, home.featured_video_title, home.featured_video_title_lv) == (
        "https://www.youtube.com/watch?v=abc",
        "Brello 360 in two minutes",
        "Brello 360 divās minūtēs",
    )
    assert home.video_html == snapshot["video_html"]
