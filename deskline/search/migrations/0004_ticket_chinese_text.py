"""Chinese (and Japanese kana) in the ticket index: every CJK character a token of its own.

A run of Chinese characters has no spaces, so both indexes took a whole sentence for one word
and a word inside it was not found (`打印机` in "双面打印时打印机总是卡纸"). Both now space
CJK characters apart (and take CJK punctuation for a separator) and the search asks for a
word's characters as a phrase, one after the other.

SQLite: the FTS5 table becomes contentless (its text is no longer the ticket's column as is),
fed by the triggers through `deskline_space_cjk()`, a function every connection has
(core/sqlite/functions.py). PostgreSQL: the stored vector is recomputed with the same spacing
done by a regular expression (immutable, so allowed in a generated column). Both rebuild the
index of the existing tickets.
"""

from django.db import migrations

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_ticket_fts_update",
    "DROP TRIGGER IF EXISTS search_ticket_fts_delete",
    "DROP TRIGGER IF EXISTS search_ticket_fts_insert",
    "DROP TABLE IF EXISTS search_ticket_fts",
]
SQLITE_FORWARD = [
    *SQLITE_DROP,
    """CREATE VIRTUAL TABLE search_ticket_fts USING fts5(
        summary, description, content='', tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER search_ticket_fts_insert AFTER INSERT ON tickets_ticket BEGIN
        INSERT INTO search_ticket_fts(rowid, summary, description)
        VALUES (new.id, deskline_space_cjk(new.summary), deskline_space_cjk(new.description));
    END""",
    """CREATE TRIGGER search_ticket_fts_delete AFTER DELETE ON tickets_ticket BEGIN
        INSERT INTO search_ticket_fts(search_ticket_fts, rowid, summary, description)
        VALUES ('delete', old.id, deskline_space_cjk(old.summary),
                deskline_space_cjk(old.description));
    END""",
    """CREATE TRIGGER search_ticket_fts_update
        AFTER UPDATE OF summary, description ON tickets_ticket BEGIN
        INSERT INTO search_ticket_fts(search_ticket_fts, rowid, summary, description)
        VALUES ('delete', old.id, deskline_space_cjk(old.summary),
                deskline_space_cjk(old.description));
        INSERT INTO search_ticket_fts(rowid, summary, description)
        VALUES (new.id, deskline_space_cjk(new.summary), deskline_space_cjk(new.description));
    END""",
    """INSERT INTO search_ticket_fts(rowid, summary, description)
        SELECT id, deskline_space_cjk(summary), deskline_space_cjk(description)
        FROM tickets_ticket ORDER BY id""",
]
# Back to 0001's external-content table and triggers, rebuilt from the tickets.
SQLITE_BACKWARD = [
    *SQLITE_DROP,
    """CREATE VIRTUAL TABLE search_ticket_fts USING fts5(
        summary, description, content='tickets_ticket', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER search_ticket_fts_insert AFTER INSERT ON tickets_ticket BEGIN
        INSERT INTO search_ticket_fts(rowid, summary, description)
        VALUES (new.id, new.summary, new.description);
    END""",
    """CREATE TRIGGER search_ticket_fts_delete AFTER DELETE ON tickets_ticket BEGIN
        INSERT INTO search_ticket_fts(search_ticket_fts, rowid, summary, description)
        VALUES ('delete', old.id, old.summary, old.description);
    END""",
    """CREATE TRIGGER search_ticket_fts_update
        AFTER UPDATE OF summary, description ON tickets_ticket BEGIN
        INSERT INTO search_ticket_fts(search_ticket_fts, rowid, summary, description)
        VALUES ('delete', old.id, old.summary, old.description);
        INSERT INTO search_ticket_fts(rowid, summary, description)
        VALUES (new.id, new.summary, new.description);
    END""",
    "INSERT INTO search_ticket_fts(search_ticket_fts) VALUES ('rebuild')",
]

# The same character classes as core/sqlite/functions.py (CJK_CHARACTERS, CJK_PUNCTUATION).
_PG_SPACED = (
    "regexp_replace({column}, '([\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff"
    "\\U00020000-\\U0003134f])|[\\u3000-\\u303f\\uff01-\\uff0f\\uff1a-\\uff20\\uff3b-\\uff40"
    "\\uff5b-\\uff65]', ' \\1 ', 'g')"
)
PG_SPACED_TEXT = _PG_SPACED.format(
    column="coalesce(summary, '') || ' ' || coalesce(description, '')"
)
PG_FORWARD = [
    "DROP INDEX IF EXISTS search_ticket_vector",
    "ALTER TABLE tickets_ticket DROP COLUMN IF EXISTS search_vector",
    f"""ALTER TABLE tickets_ticket ADD COLUMN search_vector tsvector
        GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, {PG_SPACED_TEXT})) STORED""",
    "CREATE INDEX search_ticket_vector ON tickets_ticket USING gin (search_vector)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS search_ticket_vector",
    "ALTER TABLE tickets_ticket DROP COLUMN IF EXISTS search_vector",
    """ALTER TABLE tickets_ticket ADD COLUMN search_vector tsvector
        GENERATED ALWAYS AS (to_tsvector('simple'::regconfig,
            coalesce(summary, '') || ' ' || coalesce(description, ''))) STORED""",
    "CREATE INDEX search_ticket_vector ON tickets_ticket USING gin (search_vector)",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0003_search_documents"), ("tickets", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": PG_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": PG_BACKWARD}),
        )
    ]
