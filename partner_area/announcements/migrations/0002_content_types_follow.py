"""The content types of the moved models change app label (materials → announcements) in place: the rows
keep their ids, so Wagtail revisions, workflow states, log entries, search entries and permissions that
point at them keep pointing at the same announcements."""

from django.db import migrations

MOVED_MODELS = ["announcement", "announcementread", "announcementdelivery"]


def _relabel(apps, *, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED_MODELS:
        current = ContentType.objects.filter(app_label=old, model=model).first()
        if current is None:
            continue  # a new database: post_migrate creates the content types under the new label
        # An empty twin under the new label (created by a post_migrate between the two migrations) would
        # block the rename; nothing can point at it yet that matters, the old row is the one in use.
        ContentType.objects.filter(app_label=new, model=model).delete()
        current.app_label = new
        current.save(update_fields=["app_label"])


def forwards(apps, schema_editor):
    _relabel(apps, old="materials", new="announcements")


def backwards(apps, schema_editor):
    _relabel(apps, old="announcements", new="materials")


class Migration(migrations.Migration):
    dependencies = [
        ("announcements", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
