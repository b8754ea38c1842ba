"""Labels in the side panel: at most 20 of at most 50 characters, said next to the field."""

import pytest

from deskline.testing.scenario import Helpdesk, row_counts, ticket_state
from deskline.workspace.tests.conftest import it_ticket, signed_in

pytestmark = pytest.mark.django_db


def _details(ticket, labels: str) -> dict:
    return {"version": ticket.version, "priority": "medium", "assignee": "", "team": "",
            "labels": labels}  # fmt: skip


def test_twenty_labels_are_saved(helpdesk: Helpdesk):
    ticket = it_ticket(helpdesk)
    labels = " ".join(f"l{n}" for n in range(20))

    response = signed_in(helpdesk.li).post(
        f"/agent/tickets/{ticket.key}/details/", _details(ticket, labels)
    )

    assert response.status_code == 302
    assert ticket.labels.count() == 20


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (" ".join(f"l{n}" for n in range(21)), "Give at most 20 labels."),
        ("x" * 51, "A label is one word of at most 50 characters."),
    ],
)
def test_too_many_or_too_long_labels_are_refused_next_to_the_field(
    helpdesk: Helpdesk, labels, message
):
    ticket = it_ticket(helpdesk)
    before, state = row_counts(), ticket_state(ticket)

    response = signed_in(helpdesk.li).post(
        f"/agent/tickets/{ticket.key}/details/", _details(ticket, labels)
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert f'<p class="field-error" id="ticket-labels-error">{message}</p>' in page
    assert f'value="{labels}"' in page  # what was typed is kept to be corrected
    assert row_counts() == before
    assert ticket_state(ticket) == state
