"""The "shared with my organization" filter of ticket lists."""

from __future__ import annotations

from deskline.testing.factories import make_ticket
from deskline.tickets.selectors import TicketFilters, ticket_list

SHARED = TicketFilters(shared_with_my_organization=True)


def _raise(helpdesk, reporter, summary, **extra):
    return make_ticket(
        desk=helpdesk.it,
        reporter=reporter,
        request_type=helpdesk.password_reset,
        summary=summary,
        **extra,
    )


def test_only_requests_shared_with_the_callers_organization_are_listed(helpdesk):
    shared = _raise(helpdesk, helpdesk.bob, "Shared", is_shared_with_organization=True)
    _raise(helpdesk, helpdesk.bob, "Private")
    _raise(helpdesk, helpdesk.alice, "Alice's own, not shared")

    page = ticket_list(user=helpdesk.alice, filters=SHARED)

    assert [row.key for row in page.items] == [shared.key]


def test_someone_without_an_organization_has_nothing_shared_with_them(helpdesk):
    _raise(helpdesk, helpdesk.carol, "Carol's", is_shared_with_organization=True)

    page = ticket_list(user=helpdesk.carol, filters=SHARED)

    assert page.items == []
