"""Chinese in ticket search: a word is found anywhere inside a run of Chinese characters, through
the API, the help center's request list and the workspace's queue search, on both databases."""

import re

import pytest

from deskline.search.backends import MAX_PHRASE_CHARACTERS, filter_tickets_by_text, terms
from deskline.testing.admin_forms import signed_in
from deskline.testing.factories import ApiClient, make_ticket
from deskline.testing.scenario import Helpdesk
from deskline.tickets.actions import ticket_update
from deskline.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(helpdesk: Helpdesk) -> dict[str, Ticket]:
    def raise_(summary, description=""):
        return make_ticket(
            desk=helpdesk.it,
            reporter=helpdesk.alice,
            request_type=helpdesk.password_reset,
            summary=summary,
            description=description,
        )

    return {
        "jam": raise_("双面打印时打印机总是卡纸", "三楼的那台。"),  # IT-1
        "vpn": raise_("VPN 连不上公司网络", "在家里用笔记本电脑，提示超时。"),  # IT-2
        "printer": raise_("Printer jammed", "The printer on floor 3 eats paper."),  # IT-3
        "card": raise_("门禁卡丢了", "需要补办一张。"),  # IT-4
    }


def _found(query: str) -> list[str]:
    return sorted(filter_tickets_by_text(Ticket.objects.all(), query).values_list("key", flat=True))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("打印机", ["IT-1"]),  # in the middle of the sentence
        ("卡纸", ["IT-1"]),  # at its end
        ("双面打印", ["IT-1"]),  # at its start
        ("连不上", ["IT-2"]),
        ("公司网络", ["IT-2"]),
        ("超时", ["IT-2"]),  # in the description, before CJK punctuation
        ("VPN 连不上", ["IT-2"]),
        ("vpn连不上", ["IT-2"]),
        ("连不上 VPN", ["IT-2"]),
        ("打印机 卡纸", ["IT-1"]),
        ("三楼", ["IT-1"]),
    ],
)
def test_a_chinese_word_is_found_anywhere_in_the_text(tickets, query, expected):
    assert _found(query) == expected


def test_english_words_still_match_as_the_start_of_a_word(tickets):
    assert _found("print") == ["IT-3"]
    assert _found("vpn") == ["IT-2"]
    assert _found("rinter") == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("卡", ["IT-1", "IT-4"]),  # one character: every text that has it, and only those
        ("纸卡", []),  # the characters must stand in this order
        ("打印 卡住", []),  # every word must be found
        ("扫描仪", []),
        ("VPN 卡纸", []),
        ("打 印 机", ["IT-1"]),  # characters apart: each must be there, in any order
        ("打印机，卡纸。", ["IT-1"]),  # CJK punctuation separates words
        ("「打印机」", ["IT-1"]),
    ],
)
def test_chinese_queries_need_exactly_what_they_say(tickets, query, expected):
    assert _found(query) == expected


@pytest.mark.parametrize(
    "query",
    ['"', '"打印机', "打印机*", "*", "NEAR(打印机", "NEAR(打印机 卡纸, 2)", "打印机 AND 卡纸",
     "打印机 OR 扫描仪", "-打印机", "打印机:", "summary:打印机", "打印机 <-> 卡纸", "!打印机",
     "打印机:*", "'打印机'", "(打印机)", "^打印机", "打印机 & 卡纸", "打印机 | 扫描仪"],
)  # fmt: skip
def test_fts_syntax_is_text(tickets, query):
    assert _found(query) == _found(" ".join(terms(query)))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"打印机', ["IT-1"]),
        ("打印机*", ["IT-1"]),
        ("-打印机", ["IT-1"]),
        ("NEAR(打印机 卡纸, 2)", []),  # "near" and "2" are words in no ticket
        ("打印机 AND 卡纸", []),  # "and" is a word like any other
        ("打印机 OR 扫描仪", []),
        ("summary:打印机", []),
    ],
)
def test_operators_do_not_change_which_words_are_needed(tickets, query, expected):
    assert _found(query) == expected


@pytest.mark.parametrize("query", ["，。！？", "「」『』", "……", "——", "、", "：；"])
def test_chinese_punctuation_only_filters_nothing(tickets, query):
    assert terms(query) == []
    assert _found(query) == ["IT-1", "IT-2", "IT-3", "IT-4"]


def test_a_1000_character_query_is_cut_and_never_fails(tickets):
    assert _found("打印机" * 334) == []  # cut to its first characters: no ticket repeats them
    assert len(terms("打印机" * 334)[0]) == MAX_PHRASE_CHARACTERS
    assert _found("卡" * 1000) == []
    assert _found(("x" * 999) + " 卡纸") == []  # the long word counts and is found nowhere
    assert _found(" ".join(["卡纸"] * 500)) == ["IT-1"]


def test_mixed_words_split_into_their_chinese_and_other_runs():
    assert terms("VPN连不上，Wi-Fi也不行") == ["vpn", "连不上", "wi", "fi", "也不行"]


def test_the_index_follows_edits_of_chinese_text(helpdesk: Helpdesk, tickets):
    ticket_update(actor=helpdesk.li, ticket=tickets["jam"], changes={"summary": "扫描仪坏了"})

    assert _found("打印机") == []
    assert _found("扫描仪") == ["IT-1"]
    assert _found("三楼") == ["IT-1"]


def test_deleted_tickets_leave_the_chinese_index(tickets):
    Ticket.objects.filter(pk=tickets["card"].pk).delete()

    assert _found("卡") == ["IT-1"]


def _api_keys(client: ApiClient, q: str) -> list[str]:
    response = client.get("/tickets", {"q": q})
    assert response.status_code == 200, response.content
    return sorted(item["key"] for item in response.json()["items"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [("打印机", ["IT-1"]), ("卡纸", ["IT-1"]), ("连不上", ["IT-2"]), ("VPN 连不上", ["IT-2"]),
     ("print", ["IT-3"]), ("纸卡", []), ('"', ["IT-1", "IT-2", "IT-3", "IT-4"]),
     ("NEAR(打印机", []), ("(打印机", ["IT-1"]), ("打印机 AND", []), ("-卡纸", ["IT-1"]),
     (":卡纸", ["IT-1"]),
     ("*", ["IT-1", "IT-2", "IT-3", "IT-4"]), ("打印机 " + "a" * 996, []),
     ("卡纸" + "!" * 998, ["IT-1"])],
)  # fmt: skip
def test_the_api_finds_chinese_words_for_an_agent(helpdesk: Helpdesk, tickets, query, expected):
    assert _api_keys(ApiClient(helpdesk.li), query) == expected


def test_a_1000_character_chinese_query_is_refused_by_the_api_with_a_code(helpdesk: Helpdesk):
    # 1,000 Chinese characters are 9,000 characters in the URL: over the API's bound.
    response = ApiClient(helpdesk.li).get("/tickets", {"q": "打印机" * 334})

    assert response.status_code == 414
    assert response.json()["code"] == "query_too_long"


def test_the_api_finds_chinese_words_only_in_tickets_one_may_see(helpdesk: Helpdesk, tickets):
    assert _api_keys(ApiClient(helpdesk.alice), "打印机") == ["IT-1"]
    assert _api_keys(ApiClient(helpdesk.carol), "打印机") == []
    assert _api_keys(ApiClient(helpdesk.hana), "打印机") == []


def _page_keys(html: str) -> list[str]:
    return sorted(set(re.findall(r"\bIT-\d+\b", html)))


@pytest.mark.parametrize(
    ("query", "expected"),
    [("打印机", ["IT-1"]), ("卡纸", ["IT-1"]), ("VPN 连不上", ["IT-2"]), ("print", ["IT-3"]),
     ("纸卡", []), ("NEAR(打印机", []), ("(打印机", ["IT-1"]), ("打印机" * 334, [])],
)  # fmt: skip
def test_the_help_center_request_list_finds_chinese_words(
    helpdesk: Helpdesk, tickets, query, expected
):
    response = signed_in(helpdesk.alice).get("/requests/", {"q": query})

    assert response.status_code == 200
    assert _page_keys(response.content.decode()) == expected


def test_the_help_center_request_list_searches_only_ones_own_requests(helpdesk: Helpdesk, tickets):
    response = signed_in(helpdesk.carol).get("/requests/", {"q": "打印机"})

    assert response.status_code == 200
    assert _page_keys(response.content.decode()) == []


def _queue_keys(response) -> list[str]:
    return sorted(re.findall(r'name="tickets" value="([A-Z]+-\d+)"', response.content.decode()))


@pytest.mark.parametrize(
    ("query", "expected"),
    [("打印机", ["IT-1"]), ("卡纸", ["IT-1"]), ("连不上", ["IT-2"]), ("VPN 连不上", ["IT-2"]),
     ("print", ["IT-3"]), ("纸卡", []), ("卡", ["IT-1", "IT-4"]), ('"卡纸"', ["IT-1"]),
     ("打印机" * 334, [])],
)  # fmt: skip
def test_the_workspace_queue_search_finds_chinese_words(
    helpdesk: Helpdesk, tickets, query, expected
):
    response = signed_in(helpdesk.li).get("/agent/queues/desk-it/", {"q": query})

    assert response.status_code == 200
    assert _queue_keys(response) == expected


def test_the_workspace_queue_search_is_not_for_customers(helpdesk: Helpdesk, tickets):
    response = signed_in(helpdesk.alice).get("/agent/queues/desk-it/", {"q": "打印机"})

    assert response.status_code in {302, 403, 404}
    assert "IT-1" not in response.content.decode()
