"""CompanyContact now belongs to the companies feature (organizations 0006): dropped from this app's state only;
the table erp_companycontact and its rows stay where they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("erp", "0005_outbox_discard_and_check_runs"),
        ("organizations", "0006_companycontact_from_erp"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="CompanyContact")],
            database_operations=[],
        ),
    ]
