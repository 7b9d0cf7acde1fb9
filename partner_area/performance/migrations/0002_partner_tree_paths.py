"""Build the closure table for the companies that exist before this app kept it."""

from django.db import migrations

MAX_DEPTH = 64


def build_paths(apps, schema_editor):
    path_table = apps.get_model("performance", "PartnerTreePath")._meta.db_table
    company_table = apps.get_model("organizations", "Company")._meta.db_table
    schema_editor.execute(f"DELETE FROM {path_table}")
    schema_editor.execute(
        f"""
        INSERT INTO {path_table} (ancestor_id, descendant_id, depth)
        WITH RECURSIVE paths (ancestor_id, descendant_id, depth) AS (
            SELECT id, id, 0 FROM {company_table}
            UNION ALL
            SELECT paths.ancestor_id, child.id, paths.depth + 1
            FROM paths JOIN {company_table} child ON child.parent_id = paths.descendant_id
            WHERE paths.depth < {MAX_DEPTH}
        )
        SELECT ancestor_id, descendant_id, depth FROM paths
        """
    )


class Migration(migrations.Migration):
    dependencies = [("performance", "0001_initial")]

    operations = [migrations.RunPython(build_paths, migrations.RunPython.noop)]
