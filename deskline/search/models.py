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

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_unique")
        ]
        indexes = [models.Index(fields=["kind", "desk_id"], name="search_document_scope")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
