from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = ["view_zendeskoutboxmessage", "change_zendeskoutboxmessage"]


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    create_permissions(global_apps.get_app_config("zendesk"), verbosity=0, using=using, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.using(using).filter(name="Partner managers").first()
    if group:
        group.permissions.add(
            *Permission.objects.using(using).filter(content_type__app_label="zendesk", codename__in=PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [("zendesk", "0001_initial"), ("organizations", "0002_partner_managers_group")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
