"""Delete the plain-text API keys of DRF's rest_framework.authtoken (no longer installed) with their table.

They are deleted, not hashed into ApiToken: every one of them has sat in plain text in the database and its
backups, never expired and survived password changes, so each must be treated as possibly copied. Clients ask
POST /api/v1/auth/token for a new key (README, "Partner API")."""

from django.db import migrations

OLD_TABLE = "authtoken_token"


def drop_plain_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE in connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(OLD_TABLE)}")
    # So that adding the app back one day creates its table again instead of assuming it exists.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s", ["authtoken"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_api_token")]

    operations = [migrations.RunPython(drop_plain_tokens, migrations.RunPython.noop, elidable=True)]
