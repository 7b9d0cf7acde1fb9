"""The "Partner managers" Wagtail group: the staff who review applications and manage partner companies."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Partner managers"
PERMISSIONS = [
    ("wagtailadmin", "admin", "access_admin"),
    ("organizations", "company", "view_company"),
    ("organizations", "company", "change_company"),
    ("audit", "auditlogentry", "view_auditlogentry"),
]


def create_partner_managers_group(apps, schema_editor):
    using = schema_editor.connection.alias
    # Model permissions are normally created after all migrations ran (post_migrate): create them now.
    for app_label in ("organizations", "audit"):
        create_permissions(global_apps.get_app_config(app_label), verbosity=0, using=using, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(using).get_or_create(name=GROUP_NAME)
    for app_label, model, codename in PERMISSIONS:
        group.permissions.add(
            Permission.objects.using(using).get(
                content_type__app_label=app_label, content_type__model=model, codename=codename
            )
        )


def delete_partner_managers_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias).filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0001_initial"),
        ("audit", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(create_partner_managers_group, delete_partner_managers_group)]
