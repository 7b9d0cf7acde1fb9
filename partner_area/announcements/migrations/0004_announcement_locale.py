"""Announcements become translatable the Wagtail way (TranslatableMixin), step 1 of 3: translation_key and locale
are added, empty for now (0005 fills them and turns the Latvian texts into Latvian translations, 0006 requires
them and drops the `_lv` columns)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("announcements", "0003_announcementread_tenant_managers"),
        ("wagtailcore", "0094_alter_page_locale"),
    ]

    operations = [
        migrations.AddField(
            model_name="announcement",
            name="translation_key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="announcement",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
    ]
