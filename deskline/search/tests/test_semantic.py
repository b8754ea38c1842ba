"""Search by meaning and the hybrid: vectors from the packaged multilingual model."""

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deskline.search import documents, embeddings, semantic
from deskline.search.models import DocumentVector, VectorIndexState

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not embeddings.available(), reason="the embedding model is not installed"),
]


def _index(object_id, title, body="", *, language="en", desk_id=None, kind=documents.ARTICLE):
    documents.index_document(
        kind=kind,
        object_id=object_id,
        language=language,
        title=title,
        body=body,
        desk_id=desk_id,
    )  # which stores the document's vector too


def _ids(hits):
    return [hit.object_id for hit in hits]


VPN = ("Connect to the VPN from home", "Open the VPN client, sign in with your account.")
PRINTER = ("The printer is jammed", "Open the paper tray and remove the stuck sheet.")
PASSWORD = ("Reset a forgotten password", "Use the self-service page to choose a new password.")


def test_a_chinese_question_finds_the_english_article_that_lexical_search_misses():
    _index(1, *VPN)
    _index(2, *PRINTER)
    _index(3, *PASSWORD)
    query = "我忘记密码了，怎么重新设置"
    assert documents.lexical_search(query) == []
    assert _ids(documents.search_documents(query, language="zh-hans"))[0] == 3  # fused
    assert _ids(semantic.semantic_search(query, language="zh-hans"))[0] == 3
    assert _ids(semantic.hybrid_search(query, language="zh-hans"))[0] == 3


def test_a_paraphrase_finds_the_article_with_none_of_its_words():
    _index(1, *VPN)
    _index(2, *PRINTER)
    _index(3, *PASSWORD)
    assert _ids(semantic.semantic_search("paper stuck in the copier"))[0] == 2


def test_an_unrelated_empty_or_punctuation_only_query_finds_nothing():
    _index(1, *VPN)
    _index(2, *PRINTER)
    assert semantic.semantic_search("") == []
    assert semantic.semantic_search("   ") == []
    assert semantic.semantic_search('?!*"()') == []
    assert semantic.hybrid_search('?!*"()') == []
    assert semantic.semantic_search("recipe for a chocolate birthday cake") == []


def test_nothing_indexed_finds_nothing():
    assert semantic.semantic_search("reset my password") == []
    assert semantic.hybrid_search("reset my password") == []


def test_the_scope_keeps_other_desks_and_other_kinds_out():
    _index(1, *PASSWORD, desk_id=10)
    _index(2, *PASSWORD, desk_id=20)
    _index(3, *PASSWORD, desk_id=None)
    _index(4, *PASSWORD, kind=documents.QUESTION)
    found = semantic.semantic_search("forgot my password", desk_ids=[10, None], kinds=["article"])
    assert sorted(_ids(found)) == [1, 3]
    assert _ids(semantic.semantic_search("forgot my password", desk_ids=[30])) == []
    hybrid = semantic.hybrid_search("forgot my password", desk_ids=[20], kinds=["article"])
    assert _ids(hybrid) == [2]


def test_an_edited_document_is_found_by_its_new_meaning_at_the_next_search():
    _index(1, *VPN)
    _index(2, *PRINTER)
    assert _ids(semantic.semantic_search("how to connect to the vpn"))[0] == 1  # index loaded
    _index(1, *PASSWORD)
    _index(3, "Order a new laptop", "Ask your manager, then fill in the hardware request.")
    assert 1 not in _ids(semantic.semantic_search("how to connect to the vpn"))
    assert _ids(semantic.semantic_search("I forgot my password"))[0] == 1
    assert _ids(semantic.semantic_search("I need a new notebook computer"))[0] == 3
    assert DocumentVector.objects.count() == 3
    assert VectorIndexState.objects.get().version == 4


def test_a_removed_document_is_not_found():
    _index(1, *PASSWORD)
    assert _ids(semantic.semantic_search("forgot my password")) == [1]
    documents.remove_document(kind=documents.ARTICLE, object_id=1)
    assert DocumentVector.objects.count() == 0
    assert semantic.semantic_search("forgot my password") == []
    assert semantic.hybrid_search("forgot my password") == []


def test_the_searchers_language_comes_first_among_translations():
    _index(1, *PASSWORD, language="en")
    _index(2, "重置忘记的密码", "在自助服务页面上设置一个新密码。", language="zh-hans")
    assert _ids(semantic.semantic_search("forgot my password", language="en"))[:2] == [1, 2]
    assert _ids(semantic.semantic_search("forgot my password", language="zh-hans"))[:2] == [2, 1]


def test_hybrid_keeps_what_either_ranking_finds_and_lexical_first_when_both_agree():
    _index(1, *VPN)
    _index(2, "Printer toner", "Replace the toner cartridge when the prints fade.")
    _index(3, *PRINTER)
    # "toner" is a word of 2 only; "paper stuck in the copier" means 3.
    hits = semantic.hybrid_search("toner paper stuck in the copier")
    assert set(_ids(hits[:2])) == {2, 3}
    assert all(hit.score > 0 for hit in hits)


def test_hybrid_is_lexical_alone_when_turned_off(settings):
    _index(1, *VPN)
    _index(2, *PASSWORD)
    settings.SEARCH_SEMANTIC = False
    assert semantic.hybrid_search("我忘记密码了") == []
    assert _ids(semantic.hybrid_search("vpn")) == [1]


def test_hits_by_meaning_are_escaped():
    _index(1, "<script>alert(1)</script> Reset a forgotten password", "<b>bold</b> new password")
    (hit,) = semantic.semantic_search("forgot my password")
    assert "<script>" not in hit.title_html and "&lt;script&gt;" in hit.title_html
    assert "<b>" not in hit.snippet_html


def test_embed_missing_gives_a_vector_to_every_document_once(settings):
    settings.SEARCH_SEMANTIC = False  # indexed by words only, as before vectors existed
    for number, (title, body) in enumerate((VPN, PRINTER, PASSWORD), start=1):
        documents.index_document(
            kind=documents.ARTICLE, object_id=number, language="en", title=title, body=body,
            desk_id=None,
        )  # fmt: skip
    assert DocumentVector.objects.count() == 0
    settings.SEARCH_SEMANTIC = True
    seen: list[int] = []
    assert semantic.embed_missing(batch_size=2, progress=seen.append) == 3
    assert seen == [2, 3]
    assert semantic.embed_missing() == 0
    DocumentVector.objects.filter(document__object_id=2).update(model="an-older-model")
    assert semantic.embed_missing() == 1
    assert _ids(semantic.semantic_search("paper stuck in the copier"))[0] == 2


def test_int8_vectors_keep_the_cosine():
    first, second = embeddings.embed_texts(["reset my password", "I forgot my password"])
    exact = float(first @ second)
    rounded = float(embeddings.dequantize(embeddings.quantize(first)) @ second)
    assert abs(exact - rounded) < 0.02
    assert len(embeddings.quantize(first)) == embeddings.DIMENSIONS
    assert np.isclose(np.linalg.norm(first), 1.0, atol=1e-3)


def test_a_removed_document_does_not_take_the_place_of_one_that_is_still_there():
    _index(1, *PASSWORD, language="en")
    _index(2, "重置忘记的密码", "在自助服务页面上设置一个新密码。", language="zh-hans")
    assert _ids(semantic.semantic_search("忘记密码", language="zh-hans", limit=1)) == [2]
    documents.remove_document(kind=documents.ARTICLE, object_id=2)  # no version bump
    assert _ids(semantic.semantic_search("忘记密码", language="zh-hans", limit=1)) == [1]
    assert _ids(semantic.hybrid_search("忘记密码", language="zh-hans", limit=1)) == [1]


def _prescan(monkeypatch, rescore):
    """Force the sign-bit pre-scan on a small index: only `rescore` rows are scored exactly."""
    monkeypatch.setattr(semantic, "EXACT_BELOW", 0)
    monkeypatch.setattr(semantic, "RESCORE", rescore)


def test_the_sign_bit_pre_scan_keeps_the_nearest_documents_in_their_scope(monkeypatch):
    _index(1, *VPN, desk_id=10)
    _index(2, *PRINTER, desk_id=10)
    _index(3, *PASSWORD, desk_id=10)
    _index(4, *PASSWORD, desk_id=20)
    exact = _ids(semantic.semantic_search("paper stuck in the copier", desk_ids=[10]))
    _prescan(monkeypatch, 1)
    assert _ids(semantic.semantic_search("paper stuck in the copier", desk_ids=[10])) == [2]
    assert exact[0] == 2
    assert _ids(semantic.semantic_search("forgot my password", desk_ids=[20])) == [4]
    assert _ids(semantic.semantic_search("forgot my password", desk_ids=[30])) == []


def test_the_pre_scan_also_keeps_the_nearest_in_the_searchers_language(monkeypatch):
    _index(1, *PASSWORD, language="en")
    _index(2, "重置忘记的密码", "在自助服务页面上设置一个新密码。", language="zh-hans")
    _index(3, *VPN, language="en")
    _prescan(monkeypatch, 1)
    found = _ids(semantic.semantic_search("忘记密码", language="zh-hans", limit=5))
    assert 2 in found
    assert found[0] == 2


def test_a_document_indexed_after_a_search_is_in_the_scope_of_the_next(monkeypatch):
    _prescan(monkeypatch, 2)
    _index(1, *VPN, desk_id=10)
    assert _ids(semantic.semantic_search("paper stuck in the copier", desk_ids=[10])) != [2]
    _index(2, *PRINTER, desk_id=10)
    assert _ids(semantic.semantic_search("paper stuck in the copier", desk_ids=[10]))[0] == 2


def test_sign_bits_are_64_bytes_and_their_distance_follows_the_angle():
    first, near, far = embeddings.embed_texts(
        ["reset my password", "I forgot my password", "the printer is out of toner"]
    )
    bits = semantic.sign_bits(np.stack([first, near, far]))
    assert bits.shape == (3, semantic.WORDS) and bits.nbytes == 3 * 64

    def distance(a, b):
        return int(np.bitwise_count(bits[a] ^ bits[b]).sum())

    assert distance(0, 0) == 0
    assert distance(0, 1) < distance(0, 2)


def test_identical_texts_are_embedded_once(monkeypatch):
    seen: list[list[str]] = []
    encoder = embeddings._encoder()

    class Counting:
        def encode(self, texts):
            seen.append(list(texts))
            return encoder.encode(texts)

    monkeypatch.setattr(embeddings, "_encoder", Counting)
    rows = embeddings.embed_texts(["reset my password", "", "reset my password", "the printer"])
    assert seen == [["reset my password", "the printer"]]
    assert np.allclose(rows[0], rows[2]) and not rows[1].any()
    assert not np.allclose(rows[0], rows[3])


def test_the_nearest_rows_by_distance_keep_ties_unless_there_are_too_many():
    rows = np.arange(100, 110)
    distances = np.array([9, 3, 7, 3, 1, 8, 3, 2, 9, 5], dtype=np.uint16)
    assert sorted(semantic._nearest(distances, rows, 2)) == [104, 107]
    assert sorted(semantic._nearest(distances, rows, 3)) == [101, 103, 104, 106, 107]
    assert len(semantic._nearest(np.zeros(100, dtype=np.uint16), np.arange(100), 3)) == 3
    assert list(semantic._nearest(distances, rows, 20)) == list(rows)


def test_a_word_only_a_few_documents_hold_brings_them_first_among_near_duplicates():
    # Ten near-duplicates by meaning; the query's word is in one of them only (as a whole word:
    # five others hold it as the start of a longer word). The search by meaning alone would
    # bury it among the others.
    for n in range(1, 6):
        _index(n, f"Projector benchwordb{'acdgh'[n - 1]} flickers", "Swap the HDMI cable.")
    _index(6, "Projector benchwordb flickers", "Swap the HDMI cable.")
    for n in range(7, 11):
        _index(n, "Projector flickers in the meeting room", "Swap the HDMI cable.")

    assert _ids(semantic.hybrid_search("benchwordb", limit=5))[0] == 6
    assert documents.lexical_matches("benchwordb", named=True).named == [("article", 6)]
    assert documents.lexical_matches("benchwordb").named == []
    assert documents.lexical_matches("projector flickers", named=True).named == []


def test_hits_only_found_by_meaning_read_the_text_of_those_shown_only():
    for n in range(1, 31):
        _index(n, f"Printer {n} is jammed", "Open the paper tray and remove the stuck sheet.")
    semantic.hybrid_search("复印机卡纸了", limit=3)  # the index is loaded

    with CaptureQueriesContext(connection) as captured:
        hits = semantic.hybrid_search("复印机卡纸了", limit=3)  # no word of theirs: by meaning

    assert len(hits) == 3 and all("stuck" in hit.snippet_html for hit in hits)
    texts = [query["sql"] for query in captured.captured_queries if '"body"' in query["sql"]]
    assert len(texts) == 1 and texts[0].count(",") < 12  # three ids, not fifty


def test_a_query_is_embedded_once_and_its_vector_cannot_be_changed(monkeypatch):
    embeddings.forget_queries()
    calls = []
    real = embeddings.embed_texts

    def counted(texts):
        calls.append(texts)
        return real(texts)

    monkeypatch.setattr(embeddings, "embed_texts", counted)

    first = embeddings.query_vector("how do I reset my password")
    second = embeddings.query_vector("  how do I reset my password ")

    assert first is not None and first is second and len(calls) == 1
    with pytest.raises(ValueError):
        first[0] = 1.0
