"""Material categories become translatable, step 3 of 3: every row has its translation_key and locale (0005),
so they are required and unique together, and the Latvian names live in the Latvian rows: `name_lv` goes."""

import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("materials", "0005_latvian_names_become_translations"),
    ]

    operations = [
        migrations.AlterField(
            model_name="materialcategory",
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="materialcategory",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AlterUniqueTogether(name="materialcategory", unique_together={("translation_key", "locale")}),
        migrations.AddConstraint(
            model_name="materialcategory",
            constraint=models.UniqueConstraint(fields=("slug", "locale"), name="material_category_slug_per_locale"),
        ),
        migrations.RemoveField(model_name="materialcategory", name="name_lv"),
    ]
