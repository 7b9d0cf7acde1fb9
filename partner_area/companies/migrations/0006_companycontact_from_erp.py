"""CompanyContact moves from the ERP integration (app erp) to the companies feature: in Django's state only.
The table keeps its name (erp_companycontact), its rows, indexes and constraint; nothing in the database changes
but the content type's app label, so permissions and log entries keep pointing at the model."""

import django.db.models.deletion
import django.db.models.manager
from django.db import migrations, models


def content_type_follows(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="organizations", model="companycontact").exists():
        ContentType.objects.filter(app_label="erp", model="companycontact").update(app_label="organizations")


def content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="erp", model="companycontact").exists():
        ContentType.objects.filter(app_label="organizations", model="companycontact").update(app_label="erp")


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0005_unverified_companies_leave_the_erp"),
        ("erp", "0005_outbox_discard_and_check_runs"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CompanyContact",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=200, verbose_name="name")),
                        ("email", models.EmailField(blank=True, max_length=254, verbose_name="e-mail")),
                        ("phone", models.CharField(blank=True, max_length=32, verbose_name="phone")),
                        ("erp_id", models.CharField(blank=True, db_index=True, max_length=64, verbose_name="ERP id")),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "company",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="contacts",
                                to="organizations.company",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "company contact",
                        "verbose_name_plural": "company contacts",
                        "db_table": "erp_companycontact",
                        "ordering": ["name"],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("erp_id", ""), _negated=True),
                                fields=("erp_id",),
                                name="company_contact_erp_id_unique",
                            )
                        ],
                    },
                    managers=[("unscoped", django.db.models.manager.Manager())],
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_follows, content_type_back),
    ]
