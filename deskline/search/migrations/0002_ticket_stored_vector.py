"""PostgreSQL: keep the ticket text vector in a stored generated column.

With the expression index, a prefix query (`print:*`) had to recompute to_tsvector for every
candidate row while walking the newest tickets; reading a stored vector is much cheaper.
SQLite keeps its FTS5 index and is untouched.
"""

from django.db import migrations

PG_FORWARD = [
    """ALTER TABLE tickets_ticket ADD COLUMN IF NOT EXISTS search_vector tsvector
        GENERATED ALWAYS AS (to_tsvector('simple'::regconfig,
            coalesce(summary, '') || ' ' || coalesce(description, ''))) STORED""",
    "CREATE INDEX IF NOT EXISTS search_ticket_vector ON tickets_ticket USING gin (search_vector)",
    "DROP INDEX IF EXISTS search_ticket_text",
]
PG_BACKWARD = [
    """CREATE INDEX IF NOT EXISTS search_ticket_text ON tickets_ticket USING gin (
        (to_tsvector('simple'::regconfig, coalesce("tickets_ticket"."summary", '') || ' ' ||
         coalesce("tickets_ticket"."description", ''))))""",
    "DROP INDEX IF EXISTS search_ticket_vector",
    "ALTER TABLE tickets_ticket DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_ticket_text_index")]

    operations = [
        migrations.RunPython(_run({"postgresql": PG_FORWARD}), _run({"postgresql": PG_BACKWARD}))
    ]
