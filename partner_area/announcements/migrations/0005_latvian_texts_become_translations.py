"""Announcements become translatable the Wagtail way (TranslatableMixin), step 2 of 3. Every announcement is in
the default locale with a translation_key of its own. One with Latvian texts (`title_lv`, `summary_lv`,
`body_lv`, published or in its pending draft) gets a Latvian translation: a copy of it (same key, locale lv,
audience, product, pinning, schedule and publishing state) with the Latvian texts, and the English text where
a Latvian field is empty. A Latvian text only in the pending draft becomes the translation's pending draft.
Reads and e-mails stay with the English row, the announcement of record. Backwards, the Latvian rows fold
back into the `_lv` columns."""

import uuid

from django.conf import settings
from django.db import migrations
from django.utils.html import strip_tags

LATVIAN = "lv"
TEXTS = ("title", "summary", "body")
# Not copied to the translation: its identity, its own revisions and lock, and the texts it replaces.
NOT_COPIED = {
    "id",
    "translation_key",
    "locale",
    "latest_revision",
    "live_revision",
    "locked",
    "locked_at",
    "locked_by",
    "has_unpublished_changes",
    *TEXTS,
    *(f"{name}_lv" for name in TEXTS),
}


def _default_language() -> str:
    return settings.LANGUAGE_CODE.split("-")[0]


def _has_text(value) -> bool:
    value = (value or "").strip()
    return bool(value) and (bool(strip_tags(value).strip()) or "<embed" in value or "<img" in value)


def _latvian(values: dict) -> dict:
    """The Latvian texts in these field values, the English one where a Latvian field is empty."""
    return {name: values[f"{name}_lv"] if _has_text(values.get(f"{name}_lv")) else values[name] for name in TEXTS}


def _pending_draft(announcement, Revision):
    if not announcement.has_unpublished_changes or announcement.latest_revision_id is None:
        return None
    return Revision.objects.filter(pk=announcement.latest_revision_id).first()


def latvian_texts_to_translations(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    Revision = apps.get_model("wagtailcore", "Revision")
    Announcement = apps.get_model("announcements", "Announcement")
    announcements = list(Announcement.objects.order_by("pk"))
    if not announcements:
        return
    english, _ = Locale.objects.get_or_create(language_code=_default_language())
    latvian = None
    copied = [f for f in Announcement._meta.concrete_fields if f.name not in NOT_COPIED]
    audience_m2m = [f for f in Announcement._meta.many_to_many if f.name.startswith("audience_")]
    for announcement in announcements:
        announcement.translation_key, announcement.locale = uuid.uuid4(), english
        announcement.save(update_fields=["translation_key", "locale"])

        live_values = {f.attname: getattr(announcement, f.attname) for f in Announcement._meta.concrete_fields}
        draft = _pending_draft(announcement, Revision)
        draft_values = {**live_values, **(draft.content if draft else {})}
        has_latvian = any(_has_text(values.get(f"{name}_lv")) for values in (live_values, draft_values) for name in TEXTS)
        if not has_latvian:
            continue
        if latvian is None:
            latvian, _ = Locale.objects.get_or_create(language_code=LATVIAN)

        translation = Announcement(
            **{f.attname: getattr(announcement, f.attname) for f in copied},
            **_latvian(live_values),
            translation_key=announcement.translation_key,
            locale=latvian,
            has_unpublished_changes=not announcement.live,
        )
        translation.save()
        # auto_now(_add) stamped today on the copy: it is as old as its announcement.
        Announcement.objects.filter(pk=translation.pk).update(
            created_at=announcement.created_at, updated_at=announcement.updated_at
        )
        for field in audience_m2m:
            through = field.remote_field.through
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            through.objects.bulk_create(
                through(**{f"{source}_id": translation.pk, f"{target}_id": row[f"{target}_id"]})
                for row in through.objects.filter(**{f"{source}_id": announcement.pk}).values(f"{target}_id")
            )

        draft_texts = _latvian(draft_values)
        if draft is not None and draft_texts != _latvian(live_values):
            content = {key: value for key, value in draft.content.items() if not key.endswith("_lv")}
            content.update(draft_texts, pk=translation.pk, id=translation.pk, locale=latvian.pk)
            content["translation_key"] = str(translation.translation_key)
            revision = Revision.objects.create(
                content_type_id=draft.content_type_id,
                base_content_type_id=draft.base_content_type_id,
                object_id=str(translation.pk),
                object_str=draft_texts["title"],
                content=content,
                user_id=draft.user_id,
                created_at=draft.created_at,
            )
            Announcement.objects.filter(pk=translation.pk).update(
                latest_revision=revision, has_unpublished_changes=True
            )


def translations_to_latvian_texts(apps, schema_editor):
    Announcement = apps.get_model("announcements", "Announcement")
    Revision = apps.get_model("wagtailcore", "Revision")
    default = _default_language()
    translations = Announcement.objects.exclude(locale__language_code=default)
    for translation in translations.filter(locale__language_code=LATVIAN):
        Announcement.objects.filter(translation_key=translation.translation_key, locale__language_code=default).update(
            **{f"{name}_lv": getattr(translation, name) for name in TEXTS}
        )
    pks = [str(pk) for pk in translations.values_list("pk", flat=True)]
    if pks:
        Revision.objects.filter(
            base_content_type__app_label="announcements", base_content_type__model="announcement", object_id__in=pks
        ).delete()
    translations.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("announcements", "0004_announcement_locale"),
    ]

    operations = [
        migrations.RunPython(latvian_texts_to_translations, translations_to_latvian_texts),
    ]
