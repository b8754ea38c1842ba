"""PostgreSQL: the weighted vector of each document moves to a narrow table of its own
(ADR 0016): id, kind, desk, language and the vector, kept by a trigger on
search_searchdocument (rows leave with their document by a delete trigger, and all of them when the documents
are truncated, as a test database's flush does: no foreign key, which would refuse that). Matching and ranking read
only this table (a fifth of the document rows' size); the wide rows (title, body, terms) are
read only for the best `limit`. SQLite: nothing."""

from django.db import migrations

PG_FORWARD = [
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS search_vector",
    """CREATE TABLE search_document_match (
        id bigint PRIMARY KEY,
        kind varchar(16) NOT NULL,
        desk_id bigint NULL,
        language varchar(8) NOT NULL,
        vector tsvector NOT NULL)""",
    # A vector over 2 kB goes out of line uncompressed: rows stay short, ranking decompresses
    # nothing.
    "ALTER TABLE search_document_match ALTER COLUMN vector SET STORAGE EXTERNAL",
    """CREATE FUNCTION search_document_match_keep() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO search_document_match (id, kind, desk_id, language, vector)
        VALUES (NEW.id, NEW.kind, NEW.desk_id, NEW.language,
            setweight(to_tsvector('english'::regconfig, NEW.title_terms), 'A') ||
            setweight(to_tsvector('english'::regconfig, NEW.body_terms), 'B'))
        ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, desk_id = EXCLUDED.desk_id,
            language = EXCLUDED.language, vector = EXCLUDED.vector;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER search_document_match_keep
        AFTER INSERT OR UPDATE ON search_searchdocument
        FOR EACH ROW EXECUTE FUNCTION search_document_match_keep()""",
    """CREATE FUNCTION search_document_match_forget() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM search_document_match WHERE id = OLD.id;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER search_document_match_forget
        AFTER DELETE ON search_searchdocument
        FOR EACH ROW EXECUTE FUNCTION search_document_match_forget()""",
    """CREATE FUNCTION search_document_match_empty() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE search_document_match;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER search_document_match_empty
        AFTER TRUNCATE ON search_searchdocument
        FOR EACH STATEMENT EXECUTE FUNCTION search_document_match_empty()""",
    """INSERT INTO search_document_match (id, kind, desk_id, language, vector)
        SELECT id, kind, desk_id, language,
            setweight(to_tsvector('english'::regconfig, title_terms), 'A') ||
            setweight(to_tsvector('english'::regconfig, body_terms), 'B')
        FROM search_searchdocument""",
    "CREATE INDEX search_document_match_vector ON search_document_match USING gin (vector)",
    "ANALYZE search_document_match",
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_document_match_empty ON search_searchdocument",
    "DROP FUNCTION IF EXISTS search_document_match_empty()",
    "DROP TRIGGER IF EXISTS search_document_match_forget ON search_searchdocument",
    "DROP FUNCTION IF EXISTS search_document_match_forget()",
    "DROP TRIGGER IF EXISTS search_document_match_keep ON search_searchdocument",
    "DROP FUNCTION IF EXISTS search_document_match_keep()",
    "DROP TABLE IF EXISTS search_document_match",
    """ALTER TABLE search_searchdocument ADD COLUMN search_vector tsvector
        GENERATED ALWAYS AS (
            setweight(to_tsvector('english'::regconfig, title_terms), 'A') ||
            setweight(to_tsvector('english'::regconfig, body_terms), 'B')) STORED""",
    "CREATE INDEX search_document_vector ON search_searchdocument USING gin (search_vector)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0007_document_vectors")]

    operations = [migrations.RunPython(_run(PG_FORWARD), _run(PG_BACKWARD))]
