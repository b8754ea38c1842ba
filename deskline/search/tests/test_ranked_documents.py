"""Ranked document search: the same answers from SQLite FTS5 and PostgreSQL full text."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskline.search import documents
from deskline.search.documents import ARTICLE, QUESTION, lexical_search, search_documents
from deskline.search.models import SearchDocument
from deskline.search.text import tokens

pytestmark = pytest.mark.django_db


def _index(object_id, title, body="", *, language="en", desk_id=None, kind=ARTICLE):
    documents.index_document(
        kind=kind,
        object_id=object_id,
        language=language,
        title=title,
        body=body,
        desk_id=desk_id,
    )


def _ids(query, **options):
    # The lexical ranking on its own: search_documents fuses it with the search by meaning,
    # which finds related documents too (test_semantic.py).
    return [hit.object_id for hit in lexical_search(query, **options)]


@pytest.fixture
def library():
    _index(1, "Reset your password", "Open the account page and choose a new password.")
    _index(2, "Connect to the VPN", "Install the client, then sign in with your password.")
    _index(3, "Printer jammed", "Open tray 2 and pull the paper out gently. Printing resumes.")
    _index(4, "重置密码", "打开账户页面，选择新密码。", language="zh-hans")
    _index(5, "双面打印时打印机总是卡纸", "打开纸盒，取出卡住的纸。", language="zh-hans")
    _index(6, "VPN 连不上公司网络", "检查网络，然后重新登录客户端。", language="zh-hans")
    _index(7, "Laptop battery", "The battery drains fast when Bluetooth is on.", kind=QUESTION)


def test_a_word_in_the_title_ranks_above_the_same_word_in_the_body(library):
    assert _ids("password")[:2] == [1, 2]


def test_english_words_are_stemmed(library):
    assert _ids("passwords") == [1, 2]
    assert _ids("printing") == [3]
    assert _ids("jam") == [3]  # the start of a word, as while typing
    assert _ids("drain") == [7]


def test_every_word_must_be_found_while_some_document_has_them_all(library):
    assert _ids("vpn password") == [2]
    assert _ids("tray paper") == [3]


def test_stop_words_are_left_out_of_the_query(library):
    assert _ids("how do I reset my password?") == [1]
    assert _ids("the") == []
    assert _ids("How to connect to the VPN") == [2]


def test_when_no_document_has_every_word_any_word_counts(library):
    found = _ids("password printer")
    assert set(found) == {1, 2, 3}
    assert set(found[:2]) == {1, 3}  # one of the words in their titles


@pytest.mark.parametrize(
    ("query", "expected"),
    [("打印机", [5]), ("卡纸", [5]), ("连不上", [6]), ("密码", [4]), ("重置密码", [4]),
     ("VPN 连不上", [6]), ("公司网络", [6]), ("扫描仪", [])],
)  # fmt: skip
def test_chinese_words_are_found_inside_sentences(library, query, expected):
    assert _ids(query, language="zh-hans") == expected


def test_the_searchers_language_comes_first_without_hiding_the_others(library):
    english_first = _ids("vpn", language="en")
    chinese_first = _ids("vpn", language="zh-hans")
    assert english_first == [2, 6]
    assert chinese_first == [6, 2]


def test_a_misspelt_english_word_is_corrected_when_nothing_matches(library):
    assert _ids("pasword") == [1, 2]
    assert _ids("passwrod") == [1, 2]
    assert _ids("battrey") == [7]
    assert _ids("printr jammed") == [3]
    assert _ids("qzxwv") == []


def test_kinds_and_desks_limit_the_search():
    _index(1, "VPN for IT", desk_id=10)
    _index(2, "VPN for HR", desk_id=20)
    _index(3, "VPN everywhere")
    _index(4, "VPN question", kind=QUESTION, desk_id=10)
    assert sorted(_ids("vpn", desk_ids=[10, None])) == [1, 3, 4]
    assert sorted(_ids("vpn", desk_ids=[20])) == [2]
    assert _ids("vpn", desk_ids=[]) == []
    assert sorted(_ids("vpn", desk_ids=[None])) == [3]
    assert _ids("vpn", kinds=[QUESTION]) == [4]
    assert _ids("vpn", kinds=["ticket"]) == []
    assert len(_ids("vpn", limit=2)) == 2


def test_matches_are_marked_in_the_escaped_title_and_snippet():
    _index(1, "<b>Printer</b> jammed & stuck", "Some text. " * 30 + "Then the printer <script>.")
    (hit,) = lexical_search("printers")
    assert hit.title_html == "&lt;b&gt;<mark>Printer</mark>&lt;/b&gt; jammed &amp; stuck"
    assert "<mark>printer</mark> &lt;script&gt;." in hit.snippet_html
    assert hit.snippet_html.startswith("…")  # a window around the first match
    assert "<script>" not in hit.snippet_html
    assert len(hit.snippet_html) < 260


def test_chinese_matches_are_marked_too(library):
    (hit,) = lexical_search("卡纸", language="zh-hans")
    assert hit.title_html == "双面打印时打印机总是<mark>卡纸</mark>"
    (hit,) = lexical_search("纸盒", language="zh-hans")
    assert hit.snippet_html == "打开<mark>纸盒</mark>，取出卡住的纸。"


def test_a_hit_says_what_it_is(library):
    (hit,) = lexical_search("battery")
    assert (hit.kind, hit.object_id, hit.language) == (QUESTION, 7, "en")
    assert hit.score > 0


def test_reindexing_replaces_and_removing_forgets(library):
    _index(3, "Scanner offline", "Restart it.")
    assert _ids("printer") == []
    assert _ids("scanner") == [3]
    documents.remove_document(kind=ARTICLE, object_id=3)
    assert _ids("scanner") == []
    assert SearchDocument.objects.count() == 6


@pytest.mark.parametrize(
    "query",
    ["", "   ", "\n\t", "!!!", "...", "？？", "，。", '"', "*", "()", "-", ":", "^", "--", "_"],
)
def test_empty_and_punctuation_only_queries_find_nothing(library, query):
    assert search_documents(query) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [('"password', [1, 2]), ("password*", [1, 2]), ("-password", [1, 2]),
     ("NEAR(password", [1, 2]), ("password AND vpn", [2]), ("password OR", [1, 2]),
     ("title_terms:password", [1, 2]), ("password:*", [1, 2]), ("password & vpn", [2]),
     ("password | printer", [1, 2, 3]), ("!vpn", [2, 6]), ("<-> vpn", [2, 6]),
     ("'vpn'", [2, 6]), ("vpn\\", [2, 6]), ("%vpn%", [2, 6]), ("\x00vpn", [2, 6])],
)  # fmt: skip
def test_search_syntax_in_the_query_is_text(library, query, expected):
    assert sorted(_ids(query)) == expected


def test_a_very_long_query_is_cut_to_its_first_words(library):
    assert sorted(_ids("vpn " + "x" * 5000)) == [2, 6]
    assert sorted(_ids("vpn " + " ".join(f"w{n}" for n in range(2000)))) == [2, 6]
    assert documents.query_terms(" ".join(f"w{n}" for n in range(100))) == [
        f"w{n}" for n in range(documents.MAX_QUERY_TERMS)
    ]
    assert _ids("打印机" * 1000, language="zh-hans") == [5]


def test_lexical_search_gives_more_candidates_with_scores(library):
    hits = lexical_search("password printer", limit=500)
    assert {hit.object_id for hit in hits} == {1, 2, 3}
    assert all(hits[i].score >= hits[i + 1].score for i in range(len(hits) - 1))


def test_tokens_are_the_same_words_at_index_and_query_time():
    assert tokens("VPN连不上，Wi-Fi 也不行", "zh-hans", for_query=True) == [
        "vpn", "连不上", "wi", "fi", "也", "不行",
    ]  # fmt: skip
    assert set(tokens("打印机", for_query=True)) <= set(tokens("双面打印时打印机总是卡纸"))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=300))
def test_search_never_fails_on_any_text(library, query):
    hits = search_documents(query, language="zh-hans", desk_ids=[None, 1])
    assert all(isinstance(hit, documents.Hit) for hit in hits)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(alphabet=st.sampled_from("\"*():-^+ANDORNEAR \\'%_&|!<>密码vpn"), max_size=60))
def test_search_never_fails_on_search_syntax(library, query):
    search_documents(query)


def test_only_the_newest_candidates_are_ranked(monkeypatch):
    monkeypatch.setattr(documents, "CANDIDATES", 2)
    _index(1, "Printer printer printer", "printer")  # the best match, but the oldest
    _index(2, "Printer", "")
    _index(3, "Paper", "printer")
    assert _ids("printer") == [2, 3]
    monkeypatch.setattr(documents, "CANDIDATES", 1000)
    assert _ids("printer") == [1, 2, 3]
