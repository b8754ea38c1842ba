"""GET /tickets: every filter of the contract, and keyset paging with limit and cursor."""

import datetime

import pytest
import time_machine

from deskline.testing.factories import ApiClient, make_ticket
from deskline.testing.scenario import Helpdesk
from deskline.tickets.actions import ticket_transition, ticket_update
from deskline.tickets.models import Ticket

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def _keys(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["key"] for item in response.json()["items"]]


def _bad_filter(response, name: str, code: str = "invalid_filter") -> None:
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    assert list(response.json()["fields"]) == [name]


def _raise(helpdesk: Helpdesk, desk: str = "IT", **extra) -> Ticket:
    if desk == "IT":
        extra.setdefault("request_type", helpdesk.password_reset)
        return make_ticket(
            desk=helpdesk.it, reporter=extra.pop("reporter", helpdesk.alice), **extra
        )
    extra.setdefault("request_type", helpdesk.onboarding)
    return make_ticket(desk=helpdesk.hr, reporter=extra.pop("reporter", helpdesk.alice), **extra)


def test_items_come_newest_first_with_the_ticket_shape(helpdesk: Helpdesk):
    for _ in range(3):
        _raise(helpdesk)

    response = ApiClient(helpdesk.li).get("/tickets")

    assert _keys(response) == ["IT-3", "IT-2", "IT-1"]
    assert response.json()["next_cursor"] is None
    assert response.json()["items"][0] == ApiClient(helpdesk.li).get("/tickets/IT-3").json()


def test_filter_by_desk(helpdesk: Helpdesk):
    _raise(helpdesk, "IT")
    _raise(helpdesk, "HR")
    admin = ApiClient(helpdesk.admin)

    assert _keys(admin.get("/tickets", {"desk": "hr"})) == ["HR-1"]
    assert _keys(admin.get("/tickets", {"desk": "IT"})) == ["IT-1"]
    _bad_filter(admin.get("/tickets", {"desk": "NOPE"}), "desk", code="unknown_desk")


def test_filtering_by_a_desk_the_agent_does_not_serve_finds_nothing(helpdesk: Helpdesk):
    _raise(helpdesk, "HR")

    assert _keys(ApiClient(helpdesk.li).get("/tickets", {"desk": "HR"})) == []


def test_filter_by_status_and_status_category(helpdesk: Helpdesk):
    opened = _raise(helpdesk)
    started = _raise(helpdesk)
    resolved = _raise(helpdesk)
    closed = _raise(helpdesk)
    ticket_transition(actor=helpdesk.li, ticket=started, status="in_progress")
    ticket_transition(actor=helpdesk.li, ticket=resolved, status="resolved")
    ticket_transition(actor=helpdesk.li, ticket=closed, status="closed")
    li = ApiClient(helpdesk.li)

    assert _keys(li.get("/tickets", {"status": "in_progress"})) == [started.key]
    assert _keys(li.get("/tickets", {"status": "open", "desk": "IT"})) == [opened.key]
    assert _keys(li.get("/tickets", {"status_category": "done"})) == [closed.key, resolved.key]
    assert _keys(li.get("/tickets", {"status_category": "new,in_progress"})) == [
        started.key,
        opened.key,
    ]
    _bad_filter(li.get("/tickets", {"status": "nonsense"}), "status")
    _bad_filter(li.get("/tickets", {"status_category": "finished"}), "status_category")
    _bad_filter(li.get("/tickets", {"status_category": ","}), "status_category")


def test_filter_by_assignee(helpdesk: Helpdesk):
    mine = _raise(helpdesk)
    admins = _raise(helpdesk)
    nobodys = _raise(helpdesk)
    ticket_update(actor=helpdesk.li, ticket=mine, changes={"assignee": helpdesk.li})
    ticket_update(actor=helpdesk.li, ticket=admins, changes={"assignee": "admin@deskline.example"})
    li = ApiClient(helpdesk.li)

    assert _keys(li.get("/tickets", {"assignee": "me"})) == [mine.key]
    assert _keys(li.get("/tickets", {"assignee": "ADMIN@deskline.example"})) == [admins.key]
    assert _keys(li.get("/tickets", {"assignee": "none"})) == [nobodys.key]
    assert _keys(li.get("/tickets", {"assignee": "nobody@example.com"})) == []


def test_filter_by_team(helpdesk: Helpdesk):
    routed = _raise(helpdesk)
    unrouted = _raise(helpdesk)
    ticket_update(actor=helpdesk.li, ticket=routed, changes={"team": "Frontline"})
    li = ApiClient(helpdesk.li)

    assert _keys(li.get("/tickets", {"team": "Frontline"})) == [routed.key]
    assert _keys(li.get("/tickets", {"team": "none"})) == [unrouted.key]
    _bad_filter(li.get("/tickets", {"team": "Nonexistent"}), "team")


def test_filter_by_priority(helpdesk: Helpdesk):
    low = _raise(helpdesk, priority="low")
    high = _raise(helpdesk, priority="high")
    critical = _raise(helpdesk, priority="critical")
    li = ApiClient(helpdesk.li)

    assert _keys(li.get("/tickets", {"priority": "low"})) == [low.key]
    assert _keys(li.get("/tickets", {"priority": "high,critical"})) == [critical.key, high.key]
    _bad_filter(li.get("/tickets", {"priority": "urgent"}), "priority")


def test_filter_by_reporter(helpdesk: Helpdesk):
    alices = _raise(helpdesk, reporter=helpdesk.alice)
    carols = _raise(helpdesk, reporter=helpdesk.carol)
    li = ApiClient(helpdesk.li)

    assert _keys(li.get("/tickets", {"reporter": "carol@example.com"})) == [carols.key]
    assert _keys(ApiClient(helpdesk.alice).get("/tickets", {"reporter": "me"})) == [alices.key]


def test_filter_by_words(helpdesk: Helpdesk):
    printer = _raise(helpdesk, summary="Printer jammed", description="Third floor")
    _raise(helpdesk, summary="VPN drops every hour")

    assert _keys(ApiClient(helpdesk.li).get("/tickets", {"q": "print third"})) == [printer.key]


def test_filter_by_creation_time(helpdesk: Helpdesk):
    with time_machine.travel(datetime.datetime(2026, 1, 5, 9, 0, tzinfo=UTC), tick=False):
        january = _raise(helpdesk)
    with time_machine.travel(datetime.datetime(2026, 2, 5, 9, 0, tzinfo=UTC), tick=False):
        february = _raise(helpdesk)
    with time_machine.travel(datetime.datetime(2026, 3, 5, 9, 0, tzinfo=UTC), tick=False):
        march = _raise(helpdesk)
    li = ApiClient(helpdesk.li)

    assert _keys(li.get("/tickets", {"created_after": "2026-02-01T00:00:00Z"})) == [
        march.key,
        february.key,
    ]
    assert _keys(li.get("/tickets", {"created_before": "2026-02-01T00:00:00Z"})) == [january.key]
    window = {"created_after": "2026-02-05T09:00:00Z", "created_before": "2026-03-05T09:00:00Z"}
    # created_after is inclusive, created_before exclusive
    assert _keys(li.get("/tickets", window)) == [february.key]
    # 17:00 in Shanghai is 09:00 UTC
    assert _keys(li.get("/tickets", {"created_after": "2026-03-05T17:00:00+08:00"})) == [march.key]
    # A time without an offset is UTC
    assert _keys(li.get("/tickets", {"created_before": "2026-01-05T09:00:01"})) == [january.key]
    response = li.get("/tickets", {"created_after": "last tuesday"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert list(response.json()["fields"]) == ["created_after"]


@pytest.mark.parametrize(
    ("name", "moment"),
    [
        ("created_after", "9999-12-31T23:59:59-23:59"),
        ("created_before", "9999-12-31T23:59:59-00:01"),
        ("created_before", "0001-01-01T00:00:00+14:00"),
        ("created_after", "0001-01-01T00:00:00+00:01"),
    ],
)
def test_a_moment_outside_what_utc_can_hold_is_refused(helpdesk: Helpdesk, name, moment):
    _raise(helpdesk)

    response = ApiClient(helpdesk.li).get("/tickets", {name: moment})

    _bad_filter(response, name)
    assert response.json()["fields"][name] == [
        "Enter a moment from 0001-01-01 to 9999-12-31 in UTC."
    ]


@pytest.mark.parametrize(
    ("params", "keys"),
    [
        ({"created_after": "0001-01-01T00:00:00Z"}, ["IT-1"]),
        ({"created_after": "0001-01-01T00:00:00-14:00"}, ["IT-1"]),
        ({"created_before": "9999-12-31T23:59:59Z"}, ["IT-1"]),
        ({"created_before": "9999-12-31T23:59:59+14:00"}, ["IT-1"]),
        ({"created_after": "9999-12-31T23:59:59.999999Z"}, []),
        ({"created_before": "0001-01-01T00:00:00"}, []),
    ],
)
def test_the_first_and_last_moments_utc_can_hold_are_filters(helpdesk: Helpdesk, params, keys):
    _raise(helpdesk)

    assert _keys(ApiClient(helpdesk.li).get("/tickets", params)) == keys


def test_filters_combine(helpdesk: Helpdesk):
    wanted = _raise(helpdesk, priority="high", summary="Printer jammed")
    _raise(helpdesk, priority="low", summary="Printer jammed")
    _raise(helpdesk, priority="high", summary="Mouse broken")
    _raise(helpdesk, "HR", priority="high", summary="Printer jammed")

    response = ApiClient(helpdesk.admin).get(
        "/tickets", {"desk": "IT", "priority": "high", "q": "printer", "status_category": "new"}
    )

    assert _keys(response) == [wanted.key]


def test_paging_walks_every_ticket_once_in_order(helpdesk: Helpdesk):
    for _ in range(23):
        _raise(helpdesk)
    li = ApiClient(helpdesk.li)

    pages: list[list[str]] = []
    cursor = None
    while True:
        params = {"limit": 5} | ({"cursor": cursor} if cursor else {})
        page = li.get("/tickets", params).json()
        pages.append([item["key"] for item in page["items"]])
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert [len(page) for page in pages] == [5, 5, 5, 5, 3]
    assert [key for page in pages for key in page] == [f"IT-{n}" for n in range(23, 0, -1)]


def test_an_exactly_full_last_page_has_no_next_cursor(helpdesk: Helpdesk):
    for _ in range(4):
        _raise(helpdesk)
    li = ApiClient(helpdesk.li)

    first = li.get("/tickets", {"limit": 2}).json()
    second = li.get("/tickets", {"limit": 2, "cursor": first["next_cursor"]}).json()

    assert first["next_cursor"] is not None
    assert [item["key"] for item in second["items"]] == ["IT-2", "IT-1"]
    assert second["next_cursor"] is None


def test_tickets_raised_while_paging_neither_repeat_nor_hide_others(helpdesk: Helpdesk):
    for _ in range(6):
        _raise(helpdesk)
    li = ApiClient(helpdesk.li)

    first = li.get("/tickets", {"limit": 3}).json()
    _raise(helpdesk)
    _raise(helpdesk)
    second = li.get("/tickets", {"limit": 3, "cursor": first["next_cursor"]}).json()

    assert [item["key"] for item in first["items"]] == ["IT-6", "IT-5", "IT-4"]
    assert [item["key"] for item in second["items"]] == ["IT-3", "IT-2", "IT-1"]
    assert second["next_cursor"] is None


def test_a_cursor_keeps_the_filters_of_each_request(helpdesk: Helpdesk):
    for number in range(6):
        _raise(helpdesk, priority="high" if number % 2 else "low")
    li = ApiClient(helpdesk.li)

    first = li.get("/tickets", {"limit": 2, "priority": "high"}).json()
    second = li.get(
        "/tickets", {"limit": 2, "priority": "high", "cursor": first["next_cursor"]}
    ).json()

    assert [item["key"] for item in first["items"]] == ["IT-6", "IT-4"]
    assert [item["key"] for item in second["items"]] == ["IT-2"]
    assert second["next_cursor"] is None


def test_the_default_page_holds_fifty(helpdesk: Helpdesk):
    for _ in range(51):
        _raise(helpdesk)

    page = ApiClient(helpdesk.li).get("/tickets").json()

    assert len(page["items"]) == 50
    assert page["next_cursor"] is not None


@pytest.mark.parametrize("limit", [0, -1, 201, 10_000])
def test_a_limit_outside_1_to_200_is_refused(helpdesk: Helpdesk, limit):
    _bad_filter(ApiClient(helpdesk.li).get("/tickets", {"limit": limit}), "limit")


def test_a_limit_of_200_is_allowed(helpdesk: Helpdesk):
    _raise(helpdesk)

    assert _keys(ApiClient(helpdesk.li).get("/tickets", {"limit": 200})) == ["IT-1"]


@pytest.mark.parametrize(
    "cursor", ["garbage!", "dDA", "dC0x", "eDU", "dGFiYw", "%%%", "AAAA", "t5"]
)
def test_a_cursor_this_list_did_not_give_out_is_refused(helpdesk: Helpdesk, cursor):
    _raise(helpdesk)

    response = ApiClient(helpdesk.li).get("/tickets", {"cursor": cursor})

    _bad_filter(response, "cursor", code="invalid_cursor")
