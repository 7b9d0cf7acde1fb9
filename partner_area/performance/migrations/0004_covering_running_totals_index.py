"""The index the sub-partner table reads running totals from. On PostgreSQL it carries the running totals
(INCLUDE), so the reads never touch the table; SQLite, the embedded default, has no such indexes and gets the
plain one (declaring `include` on the model would warn on every SQLite start)."""

from django.db import migrations, models

NAME = "rollup_month_running_idx"
TABLE = "performance_partnermonthlyrollup"


def create_index(apps, schema_editor):
    include = " INCLUDE (cumulative_direct, cumulative_indirect)"
    schema_editor.execute(
        f"CREATE INDEX {NAME} ON {TABLE} (month, company_id, currency)"
        + (include if schema_editor.connection.vendor == "postgresql" else "")
    )


def drop_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX {NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0002_partner_managers_group"),
        ("performance", "0003_running_totals"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="partnermonthlyrollup", name="rollup_month_company_idx"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="partnermonthlyrollup",
                    index=models.Index(fields=["month", "company", "currency"], name=NAME),
                )
            ],
            database_operations=[migrations.RunPython(create_index, drop_index)],
        ),
    ]
