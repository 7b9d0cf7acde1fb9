"""The partner home's featured video becomes a translatable snippet (FeaturedVideo, one row per language), step 1
of 3: the table, and the setting's link to it (0009 moves the setting's video there, 0010 drops the old
columns)."""

import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("materials", "0007_tenant_managers_on_child_tables"),
        ("wagtailcore", "0094_alter_page_locale"),
    ]

    operations = [
        migrations.CreateModel(
            name="FeaturedVideo",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("translation_key", models.UUIDField(default=uuid.uuid4, editable=False)),
                (
                    "url",
                    models.URLField(help_text="A YouTube or Vimeo address.", verbose_name="video address"),
                ),
                (
                    "title",
                    models.CharField(
                        blank=True,
                        help_text="Leave empty to use the title the provider gives.",
                        max_length=120,
                        verbose_name="title",
                    ),
                ),
                ("video_html", models.TextField(blank=True, editable=False)),
                ("video_thumbnail_url", models.URLField(blank=True, editable=False, max_length=500)),
                ("video_provider", models.CharField(blank=True, editable=False, max_length=80)),
                ("video_fetched_url", models.URLField(blank=True, editable=False)),
                (
                    "locale",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="wagtailcore.locale",
                        verbose_name="locale",
                    ),
                ),
            ],
            options={
                "verbose_name": "featured video",
                "verbose_name_plural": "featured videos",
                "abstract": False,
                "unique_together": {("translation_key", "locale")},
            },
        ),
        migrations.AddField(
            model_name="partnerhomesettings",
            name="featured_video",
            field=models.ForeignKey(
                blank=True,
                help_text="Leave empty to show no video. Partners on Latvian pages see the video's Latvian "
                "translation where it has one.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="materials.featuredvideo",
                verbose_name="featured video",
            ),
        ),
    ]
