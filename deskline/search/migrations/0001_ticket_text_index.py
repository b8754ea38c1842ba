"""The keyword index over tickets: FTS5 with triggers on SQLite, a GIN expression index on PostgreSQL."""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_ticket_fts USING fts5(
        summary, description, content='tickets_ticket', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS search_ticket_fts_insert AFTER INSERT ON tickets_ticket BEGIN
        INSERT INTO search_ticket_fts(rowid, summary, description)
        VALUES (new.id, new.summary, new.description);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_ticket_fts_delete AFTER DELETE ON tickets_ticket BEGIN
        INSERT INTO search_ticket_fts(search_ticket_fts, rowid, summary, description)
        VALUES ('delete', old.id, old.summary, old.description);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_ticket_fts_update
        AFTER UPDATE OF summary, description ON tickets_ticket BEGIN
        INSERT INTO search_ticket_fts(search_ticket_fts, rowid, summary, description)
        VALUES ('delete', old.id, old.summary, old.description);
        INSERT INTO search_ticket_fts(rowid, summary, description)
        VALUES (new.id, new.summary, new.description);
    END""",
    "INSERT INTO search_ticket_fts(search_ticket_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_ticket_fts_update",
    "DROP TRIGGER IF EXISTS search_ticket_fts_delete",
    "DROP TRIGGER IF EXISTS search_ticket_fts_insert",
    "DROP TABLE IF EXISTS search_ticket_fts",
]
PG_FORWARD = [
    """CREATE INDEX IF NOT EXISTS search_ticket_text ON tickets_ticket USING gin (
        (to_tsvector('simple'::regconfig, coalesce("tickets_ticket"."summary", '') || ' ' ||
         coalesce("tickets_ticket"."description", ''))))""",
]
PG_BACKWARD = ["DROP INDEX IF EXISTS search_ticket_text"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": PG_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": PG_BACKWARD}),
        )
    ]
