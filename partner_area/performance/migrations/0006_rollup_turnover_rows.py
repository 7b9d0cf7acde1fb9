"""Each roll-up row counts the turnover rows behind it, so incremental updates know when a partner's first or last
month moves. Existing rows are counted from stored turnover once."""

from django.db import migrations, models


def count_turnover_rows(apps, schema_editor):
    rollup = apps.get_model("performance", "PartnerMonthlyRollup")._meta.db_table
    turnover = apps.get_model("performance", "MonthlyTurnover")._meta.db_table
    path = apps.get_model("performance", "PartnerTreePath")._meta.db_table
    schema_editor.execute(
        f"""
        UPDATE {rollup} SET turnover_rows = (
            SELECT COUNT(*) FROM {turnover} t JOIN {path} p ON p.descendant_id = t.company_id
            WHERE p.ancestor_id = {rollup}.company_id AND t.month = {rollup}.month AND t.currency = {rollup}.currency
        )
        """  # noqa: S608 - table names come from model meta
    )


class Migration(migrations.Migration):
    dependencies = [("performance", "0005_no_parallel_scans")]

    operations = [
        migrations.AddField(
            model_name="partnermonthlyrollup",
            name="turnover_rows",
            field=models.IntegerField(default=0),
        ),
        migrations.RunPython(count_turnover_rows, migrations.RunPython.noop),
    ]
