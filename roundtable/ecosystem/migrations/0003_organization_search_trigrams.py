"""PostgreSQL only: trigram indexes for the directory's text search (name, domain, city).

The Partners search is a case-insensitive substring match (`icontains`, i.e. UPPER(col) LIKE
UPPER('%term%')); without these indexes PostgreSQL reads every organization of every workspace
for it. pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it. SQLite
has no equivalent; there the name index carries domain and city instead (0002).
"""

from django.db import migrations

COLUMNS = ("name", "domain", "city")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS org_{column}_trgm_idx ON ecosystem_organization "
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS org_{column}_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("ecosystem", "0002_directory_search_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
