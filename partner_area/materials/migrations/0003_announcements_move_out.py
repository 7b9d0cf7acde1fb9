"""Announcements, their reads and deliveries now belong to the announcements app (announcements 0001), which
keeps their tables: this removes them from the materials state only. No table is dropped."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("materials", "0002_latvian_versions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="announcementdelivery", name="announcement"),
                migrations.RemoveField(model_name="announcementread", name="announcement"),
                migrations.RemoveField(model_name="announcementdelivery", name="user"),
                migrations.RemoveField(model_name="announcementread", name="user"),
                migrations.DeleteModel(name="Announcement"),
                migrations.DeleteModel(name="AnnouncementDelivery"),
                migrations.DeleteModel(name="AnnouncementRead"),
            ],
            database_operations=[],
        ),
    ]
