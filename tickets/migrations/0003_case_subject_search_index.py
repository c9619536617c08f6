"""A trigram index for case search by words of the subject (PostgreSQL only).

`case_list(search=...)` filters `subject__icontains`, which PostgreSQL runs as
`UPPER(subject::text) LIKE UPPER(%s)`; a GIN trigram index on that expression lets a tenant
with a million cases search without reading them all. SQLite (the demo) has no such index and
needs none at its size."""

from django.db import migrations

INDEX = "case_subject_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON tickets_case USING gin ((UPPER(subject::text)) gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0002_case_imported_from_alertroute_monitoringalert")]

    operations = [migrations.RunPython(create_index, drop_index)]
