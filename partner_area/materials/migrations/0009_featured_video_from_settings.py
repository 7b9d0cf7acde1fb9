"""The featured video becomes a translatable snippet, step 2 of 3: the partner home setting's video (address,
title and the provider's snapshot) becomes a FeaturedVideo in the default locale, chosen by the setting, and
its Latvian title (`featured_video_title_lv`) a Latvian translation of it (same video, Latvian title).
Backwards, the chosen video and its Latvian title go back into the setting."""

import uuid

from django.conf import settings
from django.db import migrations

LATVIAN = "lv"
SNAPSHOT = ("video_html", "video_thumbnail_url", "video_provider", "video_fetched_url")


def _default_language() -> str:
    return settings.LANGUAGE_CODE.split("-")[0]


def settings_video_to_snippet(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    PartnerHomeSettings = apps.get_model("materials", "PartnerHomeSettings")
    FeaturedVideo = apps.get_model("materials", "FeaturedVideo")
    for home in PartnerHomeSettings.objects.exclude(featured_video_url=""):
        english, _ = Locale.objects.get_or_create(language_code=_default_language())
        snapshot = {name: getattr(home, name) for name in SNAPSHOT}
        video = FeaturedVideo.objects.create(
            url=home.featured_video_url,
            title=home.featured_video_title,
            translation_key=uuid.uuid4(),
            locale=english,
            **snapshot,
        )
        if home.featured_video_title_lv.strip():
            latvian, _ = Locale.objects.get_or_create(language_code=LATVIAN)
            FeaturedVideo.objects.create(
                url=home.featured_video_url,
                title=home.featured_video_title_lv,
                translation_key=video.translation_key,
                locale=latvian,
                **snapshot,
            )
        home.featured_video = video
        home.save(update_fields=["featured_video"])


def snippet_to_settings_video(apps, schema_editor):
    PartnerHomeSettings = apps.get_model("materials", "PartnerHomeSettings")
    FeaturedVideo = apps.get_model("materials", "FeaturedVideo")
    for home in PartnerHomeSettings.objects.exclude(featured_video=None).select_related("featured_video"):
        video = home.featured_video
        latvian = FeaturedVideo.objects.filter(
            translation_key=video.translation_key, locale__language_code=LATVIAN
        ).first()
        home.featured_video_url, home.featured_video_title = video.url, video.title
        home.featured_video_title_lv = latvian.title if latvian and latvian.pk != video.pk else ""
        for name in SNAPSHOT:
            setattr(home, name, getattr(video, name))
        home.featured_video = None
        home.save()


class Migration(migrations.Migration):
    dependencies = [
        ("materials", "0008_featured_video"),
    ]

    operations = [
        migrations.RunPython(settings_video_to_snippet, snippet_to_settings_video),
    ]
