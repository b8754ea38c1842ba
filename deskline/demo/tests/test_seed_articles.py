"""`deskline seed --articles M`: synthetic articles, searchable like the ones the actions write."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from deskline.core.markdown import render_markdown
from deskline.knowledge.models import Article, ArticleStatus, ArticleVersion
from deskline.search.documents import ARTICLE, search_documents
from deskline.search.models import SearchDocument
from deskline.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_seed_articles_alone_writes_them_with_versions_and_index_rows() -> None:
    out = io.StringIO()
    call_command("seed", articles=120, random_seed=7, stdout=out)

    printed = out.getvalue()
    assert "120 / 120 articles" in printed and "Seeded 120 articles" in printed
    assert Ticket.objects.count() == 0
    assert Article.objects.count() == 120 == ArticleVersion.objects.count()
    published = Article.objects.filter(status=ArticleStatus.PUBLISHED)
    assert SearchDocument.objects.filter(kind=ARTICLE).count() == published.count() > 80
    languages = set(Article.objects.values_list("language", flat=True))
    assert languages == {"en", "zh-hans"}
    assert Article.objects.filter(translation_of__isnull=False).exists()
    assert Article.objects.filter(desk__isnull=True).exists()
    # The HTML built with the text is what rendering its Markdown gives.
    for article in Article.objects.order_by("id")[:20]:
        assert article.body_html == render_markdown(article.body)
    some = published.filter(language="en").first()
    assert some is not None
    word = some.title.split()[-1]
    assert search_documents(word, kinds=[ARTICLE], limit=100)


def test_seed_articles_twice_appends_and_new_articles_still_get_ids() -> None:
    call_command("seed", articles=10, random_seed=1, stdout=io.StringIO())
    call_command("seed", articles=10, random_seed=2, stdout=io.StringIO())
    assert Article.objects.count() == 20
    latest = Article.objects.order_by("-id").first()
    assert latest is not None
    fresh = Article.objects.create(
        title="t", body="b", language="en", owner_id=latest.owner_id, status="draft"
    )
    assert fresh.pk > latest.pk


def test_seed_needs_something_to_do() -> None:
    with pytest.raises(CommandError):
        call_command("seed", stdout=io.StringIO())


def test_seeded_articles_are_found_by_meaning_with_vectors_composed_from_their_phrases() -> None:
    from deskline.search import embeddings, semantic
    from deskline.search.models import DocumentVector

    if not embeddings.available():
        pytest.skip("the embedding model is not installed")
    call_command("seed", articles=60, random_seed=3, stdout=io.StringIO())

    published = Article.objects.filter(status=ArticleStatus.PUBLISHED)
    assert DocumentVector.objects.count() == published.count() > 30
    article = published.filter(language="en").order_by("id").first()
    assert article is not None
    # The composed vector stands near the article's own text, as a whole-text vector would.
    document = SearchDocument.objects.get(kind=ARTICLE, object_id=article.pk)
    stored = embeddings.dequantize(DocumentVector.objects.get(document=document).vector)
    whole = embeddings.document_vectors([(document.title, document.body)])[0]
    assert float(stored @ whole) > 0.8
    found = semantic.semantic_search(article.title, kinds=[ARTICLE], limit=10)
    assert article.pk in [hit.object_id for hit in found]


def test_seeding_leaves_fresh_statistics_for_the_search_plans() -> None:
    # PostgreSQL's search picks its plan from the statistics of how common the words are: the
    # migration analysed the match table while it was empty.
    from django.db import connection

    call_command("seed", articles=120, random_seed=7, stdout=io.StringIO())

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = 'search_document_match'::regclass"
            )
            (rows,) = cursor.fetchone()
            assert rows == SearchDocument.objects.count() > 0
        else:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'search_searchdocument'")
            assert cursor.fetchone()[0] > 0
