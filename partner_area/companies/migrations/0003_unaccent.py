from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """PostgreSQL's unaccent (a trusted extension: the database owner may create it) for staff search."""

    dependencies = [("organizations", "0002_partner_managers_group")]

    operations = [UnaccentExtension()]
