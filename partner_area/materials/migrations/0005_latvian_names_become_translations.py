"""Material categories become translatable the Wagtail way (TranslatableMixin), step 2 of 3: each category is a row per
locale with one translation_key. Today's Latvian names (`name_lv`) become Latvian translations (same slug,
order and key, locale lv); categories without one stay English only and partners on Latvian pages keep
reading the English name. 0006 then drops `name_lv`. Backwards, the Latvian rows fold back into `name_lv`."""

import uuid

from django.conf import settings
from django.db import migrations

LATVIAN = "lv"


def _default_language() -> str:
    return settings.LANGUAGE_CODE.split("-")[0]


def latvian_names_to_translations(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    MaterialCategory = apps.get_model("materials", "MaterialCategory")
    categories = list(MaterialCategory.objects.all())
    if not categories:
        return
    english, _ = Locale.objects.get_or_create(language_code=_default_language())
    latvian = None
    for category in categories:
        category.translation_key, category.locale = uuid.uuid4(), english
        category.save(update_fields=["translation_key", "locale"])
        if not category.name_lv.strip():
            continue
        if latvian is None:
            latvian, _ = Locale.objects.get_or_create(language_code=LATVIAN)
        MaterialCategory.objects.create(
            name=category.name_lv,
            slug=category.slug,
            sort_order=category.sort_order,
            translation_key=category.translation_key,
            locale=latvian,
        )


def translations_to_latvian_names(apps, schema_editor):
    MaterialCategory = apps.get_model("materials", "MaterialCategory")
    default = _default_language()
    for translation in MaterialCategory.objects.filter(locale__language_code=LATVIAN):
        MaterialCategory.objects.filter(
            translation_key=translation.translation_key, locale__language_code=default
        ).update(name_lv=translation.name)
    MaterialCategory.objects.exclude(locale__language_code=default).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("materials", "0004_material_category_locale"),
    ]

    operations = [
        migrations.RunPython(latvian_names_to_translations, translations_to_latvian_names),
    ]
