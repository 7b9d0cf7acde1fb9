"""The dashboard reads these tables with selective index scans on every request. PostgreSQL's planner likes
parallel plans for the ten-thousand-row joins of a large network, but starting workers costs more than it saves
there (measured with bench/dashboard.py: 75 → 40 ms for the sub-partner table), and on a busy server every
request would take several cores. Bulk rebuilds read the turnover table, which keeps its parallel scans."""

from django.db import migrations

TABLES = ("performance_partnertreepath", "performance_partnermonthlyrollup", "performance_partnerrollupspan")


def no_parallel(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} SET (parallel_workers = 0)")


def default_parallel(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} RESET (parallel_workers)")


class Migration(migrations.Migration):
    dependencies = [("performance", "0004_covering_running_totals_index")]

    operations = [migrations.RunPython(no_parallel, default_parallel)]
