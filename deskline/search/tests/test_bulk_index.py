"""index_documents: the bulk path (seeding) finds what index_document finds."""

import pytest

from deskline.search import documents
from deskline.search.models import SearchDocument, SearchWord

pytestmark = pytest.mark.django_db

DOCUMENTS = [
    ("Connect to the VPN", "Open the client and sign in with your token.", "en", None),
    ("Printer jammed", "Open the tray and take the paper out.", "en", 10),
    ("打印机卡纸", "双面打印时打印机总是卡纸，打开纸盒取出纸张。", "zh-hans", 10),
    ("Reset a password", "Use the self-service page to reset your password.", "en", 20),
    ("VPN 连不上", "公司网络的 VPN 客户端连不上时，请重新安装。", "zh-hans", None),
]
QUERIES = [
    "vpn", "tray", "打印机", "卡纸", "reset password", "pasword", "prin", "VPN 连不上",
    "token", "qzxwvk",
]  # fmt: skip


def _items(offset=0):
    return [
        {
            "kind": documents.ARTICLE,
            "object_id": offset + number,
            "language": language,
            "title": title,
            "body": body,
            "desk_id": desk_id,
        }
        for number, (title, body, language, desk_id) in enumerate(DOCUMENTS, start=1)
    ]


def _answers(scope):
    return {
        query: [
            (hit.object_id, hit.title_html, hit.snippet_html)
            for hit in documents.lexical_search(query, language="en", desk_ids=scope)
        ]
        for query in QUERIES
    }


def _state():
    rows = SearchDocument.objects.order_by("object_id").values_list(
        "object_id", "language", "desk_id", "title", "body", "title_terms", "body_terms"
    )
    return list(rows), sorted(SearchWord.objects.values_list("word", flat=True))


def test_bulk_indexing_stores_and_finds_what_one_at_a_time_does():
    for item in _items():
        documents.index_document(**item)
    one_by_one = _state(), _answers(None), _answers([10, None])
    SearchDocument.objects.all().delete()
    SearchWord.objects.all().delete()

    assert documents.index_documents(iter(_items())) == len(DOCUMENTS)

    assert (_state(), _answers(None), _answers([10, None])) == one_by_one
    assert [hit.object_id for hit in documents.lexical_search("打印机")] == [3]


def test_bulk_indexing_again_replaces_the_text_and_the_last_copy_wins():
    documents.index_documents(_items())
    changed = dict(_items()[0], title="Mailbox quota full", body="Archive old mail.")
    last = dict(changed, title="Calendar sharing", body="Share a calendar.")
    assert documents.index_documents([changed, last]) == 1
    assert SearchDocument.objects.count() == len(DOCUMENTS)
    assert [hit.object_id for hit in documents.search_documents("calendar")] == [1]
    assert documents.search_documents("mailbox") == []
    assert [hit.object_id for hit in documents.search_documents("vpn")] == [5]


def test_bulk_indexing_checks_every_item_before_writing_any(monkeypatch):
    monkeypatch.setattr(documents, "BULK_BATCH", 2)
    bad = [*_items(), dict(_items()[0], object_id=99, kind="ticket")]
    with pytest.raises(ValueError, match="unknown document kind"):
        documents.index_documents(bad)
    with pytest.raises(ValueError, match="exactly"):
        documents.index_documents([{"kind": documents.ARTICLE, "object_id": 1}])
    assert not SearchDocument.objects.exists()
    assert documents.index_documents([]) == 0


def test_bulk_indexing_many_batches(monkeypatch):
    monkeypatch.setattr(documents, "BULK_BATCH", 2)
    documents.index_documents(_items() + _items(offset=100))
    assert SearchDocument.objects.count() == 2 * len(DOCUMENTS)
    found = {hit.object_id for hit in documents.search_documents("vpn")}
    assert found == {1, 5, 101, 105}


def test_bulk_reindexing_drops_the_vector_of_the_old_text():
    from deskline.search import embeddings, semantic
    from deskline.search.models import DocumentVector

    if not embeddings.available():
        pytest.skip("the embedding model is not installed")
    documents.index_document(
        kind=documents.ARTICLE, object_id=1, language="en", title="Reset a forgotten password",
        body="Use the self-service page to choose a new password.", desk_id=None,
    )  # fmt: skip
    assert [hit.object_id for hit in semantic.semantic_search("I forgot my password")] == [1]

    documents.index_documents(
        [{"kind": documents.ARTICLE, "object_id": 1, "language": "en",
          "title": "Order a new laptop", "body": "Ask your manager first.", "desk_id": None}]
    )  # fmt: skip

    assert not DocumentVector.objects.exists()
    assert semantic.semantic_search("I forgot my password") == []
    assert semantic.embed_missing() == 1
    assert [hit.object_id for hit in semantic.semantic_search("I need a new notebook")] == [1]
