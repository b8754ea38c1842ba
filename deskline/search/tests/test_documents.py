"""The document search interface the knowledge base and the community call."""

import pytest

from deskline.search import documents

pytestmark = pytest.mark.django_db


def _index(object_id, title, body="", *, language="en", desk_id=None):
    documents.index_document(
        kind=documents.ARTICLE,
        object_id=object_id,
        language=language,
        title=title,
        body=body,
        desk_id=desk_id,
    )


def test_an_indexed_document_is_found_by_a_word_of_its_title_or_body():
    _index(1, "Connect to the VPN", "Open the client and sign in.")
    _index(2, "Printer jammed", "Open the tray.")
    assert [hit.object_id for hit in documents.search_documents("vpn")] == [1]
    assert [hit.object_id for hit in documents.search_documents("tray")] == [2]


def test_indexing_again_replaces_the_text_and_removing_forgets_it():
    _index(1, "Connect to the VPN")
    _index(1, "Reset a password")
    assert documents.search_documents("vpn") == []
    assert [hit.object_id for hit in documents.search_documents("password")] == [1]
    documents.remove_document(kind=documents.ARTICLE, object_id=1)
    documents.remove_document(kind=documents.ARTICLE, object_id=1)
    assert documents.search_documents("password") == []


def test_desk_scope_limits_to_those_desks_and_none_means_global():
    _index(1, "VPN for IT", desk_id=10)
    _index(2, "VPN for HR", desk_id=20)
    _index(3, "VPN everywhere", desk_id=None)
    found = documents.search_documents("vpn", desk_ids=[10, None])
    assert sorted(hit.object_id for hit in found) == [1, 3]


def test_an_empty_query_finds_nothing_and_html_is_escaped():
    _index(1, "<script>alert(1)</script> VPN")
    assert documents.search_documents("") == []
    assert documents.search_documents("   ") == []
    (hit,) = documents.search_documents("vpn")
    assert "<script>" not in hit.title_html
