"""Announcements become translatable, step 3 of 3: every row has its translation_key and locale (0005), so they
are required and unique together, and the Latvian texts live in the Latvian rows: the `_lv` columns go."""

import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("announcements", "0005_latvian_texts_become_translations"),
    ]

    operations = [
        migrations.AlterField(
            model_name="announcement",
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="announcement",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AlterUniqueTogether(name="announcement", unique_together={("translation_key", "locale")}),
        migrations.RemoveField(model_name="announcement", name="title_lv"),
        migrations.RemoveField(model_name="announcement", name="summary_lv"),
        migrations.RemoveField(model_name="announcement", name="body_lv"),
    ]
