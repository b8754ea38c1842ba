"""Ranked search over documents.

SQLite: an FTS5 table over SearchDocument's title_terms and body_terms (external content, kept
by triggers), tokenized by `porter unicode61` (English stemmed; the Chinese words are already
cut by jieba and separated by spaces), ranked by bm25() with the title weighing more.

PostgreSQL: a stored weighted vector (title A, body B) under the `english` configuration with
a GIN index, ranked by ts_rank_cd; pg_trgm and a trigram index on the words table, to correct a
misspelt English word.

Documents indexed before get their terms here, then the index is built over them.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE search_document_fts USING fts5(
        title_terms, body_terms, content='search_searchdocument', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER search_document_fts_insert AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_document_fts(rowid, title_terms, body_terms)
        VALUES (new.id, new.title_terms, new.body_terms);
    END""",
    """CREATE TRIGGER search_document_fts_delete AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_document_fts(search_document_fts, rowid, title_terms, body_terms)
        VALUES ('delete', old.id, old.title_terms, old.body_terms);
    END""",
    """CREATE TRIGGER search_document_fts_update
        AFTER UPDATE OF title_terms, body_terms ON search_searchdocument BEGIN
        INSERT INTO search_document_fts(search_document_fts, rowid, title_terms, body_terms)
        VALUES ('delete', old.id, old.title_terms, old.body_terms);
        INSERT INTO search_document_fts(rowid, title_terms, body_terms)
        VALUES (new.id, new.title_terms, new.body_terms);
    END""",
    "INSERT INTO search_document_fts(search_document_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_document_fts_update",
    "DROP TRIGGER IF EXISTS search_document_fts_delete",
    "DROP TRIGGER IF EXISTS search_document_fts_insert",
    "DROP TABLE IF EXISTS search_document_fts",
]
PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """ALTER TABLE search_searchdocument ADD COLUMN search_vector tsvector
        GENERATED ALWAYS AS (
            setweight(to_tsvector('english'::regconfig, title_terms), 'A') ||
            setweight(to_tsvector('english'::regconfig, body_terms), 'B')) STORED""",
    "CREATE INDEX search_document_vector ON search_searchdocument USING gin (search_vector)",
    """CREATE INDEX search_word_trigrams ON search_searchword
        USING gin (word gin_trgm_ops)""",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS search_word_trigrams",
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS search_vector",
]


def _fill_terms(apps, schema_editor):
    from deskline.search.text import indexed_text, words  # noqa: PLC0415

    SearchDocument = apps.get_model("search", "SearchDocument")
    SearchWord = apps.get_model("search", "SearchWord")
    for document in SearchDocument.objects.iterator():
        document.title_terms = indexed_text(document.title, document.language)
        document.body_terms = indexed_text(document.body, document.language)
        document.save(update_fields=["title_terms", "body_terms"])
        found = words(f"{document.title} {document.body}")
        SearchWord.objects.bulk_create(
            [SearchWord(word=word) for word in found], ignore_conflicts=True
        )


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0005_document_terms_and_words")]

    operations = [
        migrations.RunPython(_fill_terms, migrations.RunPython.noop),
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": PG_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": PG_BACKWARD}),
        ),
    ]
