"""Material categories become Wagtail translations without losing a Latvian name: a database with categories
(one with a Latvian name, one without) and a material comes out of `migrate` with an English row per
category, a Latvian translation where there was a Latvian name, and the material on its category; migrating
back folds the translations into `name_lv` again."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import Collection

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
    if Collection.get_first_root_node() is None:  # an earlier transactional test may have emptied the database
        Collection.add_root(name="Root")
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
