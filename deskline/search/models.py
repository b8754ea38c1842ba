"""The searchable copy of each published document (articles, questions)."""

from __future__ import annotations

from django.db import models


class SearchDocument(models.Model):
    kind = models.CharField(max_length=16)
    object_id = models.BigIntegerField()
    language = models.CharField(max_length=8)
    # Not a foreign key: the index sits below the apps whose documents it holds.
    desk_id = models.BigIntegerField(null=True, blank=True)
    title = models.TextField()
    body = models.TextField()
    # The words of title and body as the index reads them (search.text.indexed_text): Chinese
    # segmented by jieba, words separated by spaces. SQLite's FTS5 table and PostgreSQL's
    # weighted vector (search/migrations/0006) are built from these two columns.
    title_terms = models.TextField(default="", editable=False)
    body_terms = models.TextField(default="", editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_unique")
        ]
        indexes = [models.Index(fields=["kind", "desk_id"], name="search_document_scope")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class DocumentVector(models.Model):
    """A document's embedding (search/semantic.py), int8, made by `model`. Replaced, never
    updated in place, by the index path; `sequence` is the VectorIndexState version of the
    write, so a process's in-memory copy reads only what changed since it last looked."""

    document = models.OneToOneField(
        SearchDocument, on_delete=models.CASCADE, primary_key=True, related_name="vector"
    )
    model = models.CharField(max_length=32)
    vector = models.BinaryField()
    sequence = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"vector of {self.document_id}"


class VectorIndexState(models.Model):
    """One row: a counter bumped by every vector write (its row lock orders the writers), and a
    token that tells a new row (another database, a test's) from the one a process read."""

    token = models.CharField(max_length=32)
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"vectors {self.token} v{self.version}"


class SearchWord(models.Model):
    """An English word found in some indexed document: what a misspelt query word is corrected
    to. Words are only added (a word no document has any more finds nothing, which is harmless)."""

    word = models.CharField(max_length=32, unique=True)

    def __str__(self) -> str:
        return self.word
