"""Keyword search over tickets: the same answers from SQLite FTS5 and PostgreSQL full text."""

import pytest

from deskline.search.backends import MAX_TERMS, filter_tickets_by_text, terms
from deskline.testing.factories import ApiClient, make_ticket
from deskline.testing.scenario import Helpdesk
from deskline.tickets.actions import ticket_update
from deskline.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(helpdesk: Helpdesk) -> dict[str, Ticket]:
    def raise_(reporter, summary, description=""):
        return make_ticket(
            desk=helpdesk.it,
            reporter=reporter,
            request_type=helpdesk.password_reset,
            summary=summary,
            description=description,
        )

    return {
        "printer": raise_(helpdesk.alice, "Printer jammed", "The printer on floor 3 eats paper."),
        "vpn": raise_(helpdesk.alice, "VPN drops", "Every hour the VPN client disconnects."),
        "laptop": raise_(helpdesk.carol, "Laptop is slow", "Fans loud; printing takes ages."),
        "email": raise_(helpdesk.bob, "E-mail quota full", "Outlook says the mailbox is full."),
    }


def _found(query: str) -> list[str]:
    return sorted(filter_tickets_by_text(Ticket.objects.all(), query).values_list("key", flat=True))


def test_a_word_of_the_summary_finds_the_ticket(tickets):
    assert _found("jammed") == ["IT-1"]
    assert _found("VPN") == ["IT-2"]


def test_a_word_of_the_description_finds_the_ticket(tickets):
    assert _found("paper") == ["IT-1"]
    assert _found("disconnects") == ["IT-2"]


def test_a_word_is_also_the_start_of_longer_words(tickets):
    assert _found("print") == ["IT-1", "IT-3"]
    assert _found("disconn") == ["IT-2"]
    # but not the middle or the end of a word
    assert _found("rinter") == []
    assert _found("nects") == []


def test_every_word_must_be_found(tickets):
    assert _found("printer floor") == ["IT-1"]
    assert _found("printer vpn") == []
    assert _found("slow printing") == ["IT-3"]


def test_case_does_not_matter(tickets):
    assert _found("PRINTER") == _found("printer") == ["IT-1"]


def test_the_words_may_be_in_any_order_and_fields(tickets):
    assert _found("paper jammed") == ["IT-1"]
    assert _found("hour VPN drops") == ["IT-2"]


@pytest.mark.parametrize(
    "query",
    ['"foo', "a'b", "OR AND NOT *", "NEAR(printer", "printer)", "-printer", "+printer", "^",
     "printer*", '"printer"', "printer:", "col:printer", "summary:printer", "printer AND",
     "\\", "%", "_", "'", "''", "' OR 1=1 --", "&|!", "<->", "printer & vpn", "printer | vpn",
     "!printer", "printer:*", ":*", "a:b:c", "((((", "))))", "\u0000printer", "🙂", "e-mail"],
)  # fmt: skip
def test_punctuation_and_operators_in_the_query_are_only_separators(tickets, query):
    plain_words = " ".join(terms(query))

    assert _found(query) == _found(plain_words)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"printer', ["IT-1"]),
        ("printer)", ["IT-1"]),
        ("printer*", ["IT-1"]),
        ("-printer", ["IT-1"]),
        ("summary:printer", []),  # two words: "summary" is in no ticket
        ("printer AND jammed", []),  # "and" is a word like any other
        ("printer & jammed", ["IT-1"]),
        ("printer | vpn", []),
        ("e-mail", ["IT-4"]),
        ("OR AND NOT *", []),
    ],
)
def test_punctuation_does_not_change_which_words_are_needed(tickets, query, expected):
    assert _found(query) == expected


@pytest.mark.parametrize("query", ["  ** \"\" ''  ", "_", "__", "-_-", "()"])
def test_a_query_of_only_punctuation_filters_nothing(tickets, query):
    assert terms(query) == []
    assert _found(query) == ["IT-1", "IT-2", "IT-3", "IT-4"]


def test_an_underscore_separates_words_as_the_index_does(tickets):
    assert terms("__init__ Printer_Jammed") == ["init", "printer", "jammed"]
    assert _found("printer_jammed") == ["IT-1"]


def test_only_the_first_words_of_a_long_query_count():
    query = " ".join(f"w{n}" for n in range(20))

    assert terms(query) == [f"w{n}" for n in range(MAX_TERMS)]


def test_the_index_follows_edits_of_the_summary(helpdesk: Helpdesk, tickets):
    ticket_update(actor=helpdesk.li, ticket=tickets["vpn"], changes={"summary": "Wireless drops"})

    assert _found("wireless") == ["IT-2"]
    assert _found("vpn") == ["IT-2"]  # still in the description
    assert _found("drops vpn wireless") == ["IT-2"]
    ticket_update(actor=helpdesk.li, ticket=tickets["printer"], changes={"summary": "Toner"})
    assert _found("jammed") == []


def test_deleted_tickets_leave_the_index(tickets):
    Ticket.objects.filter(pk=tickets["printer"].pk).delete()

    assert _found("printer") == []
    assert _found("print") == ["IT-3"]


def test_chinese_words_are_found(helpdesk: Helpdesk):
    make_ticket(
        desk=helpdesk.it,
        reporter=helpdesk.alice,
        request_type=helpdesk.password_reset,
        summary="打印机 卡纸",
        description="三楼 的 打印机",
    )

    assert _found("打印机") == ["IT-1"]
    assert _found("卡纸 三楼") == ["IT-1"]
    assert _found("扫描仪") == []


def test_search_through_the_api_respects_access(helpdesk: Helpdesk, tickets):
    alice, carol, li = (ApiClient(p) for p in (helpdesk.alice, helpdesk.carol, helpdesk.li))

    def keys(client, q):
        response = client.get("/tickets", {"q": q})
        assert response.status_code == 200, response.content
        return [item["key"] for item in response.json()["items"]]

    assert keys(li, "print") == ["IT-3", "IT-1"]
    assert keys(alice, "print") == ["IT-1"]
    assert keys(carol, "print") == ["IT-3"]
    assert keys(carol, "printer floor") == []
    assert keys(carol, "vpn") == []
    assert keys(ApiClient(helpdesk.hana), "print") == []


@pytest.mark.parametrize("query", ['"foo', "a'b", "OR AND NOT *", "NEAR(", "\\", "%_", "*:*"])
def test_odd_queries_through_the_api_never_fail(helpdesk: Helpdesk, tickets, query):
    response = ApiClient(helpdesk.li).get("/tickets", {"q": query})

    assert response.status_code == 200, response.content
