import pytest
from django.test import Client

from deskline.accounts.models import User
from deskline.testing.factories import make_ticket
from deskline.testing.scenario import Helpdesk, build_helpdesk
from deskline.tickets.models import Ticket


@pytest.fixture
def helpdesk(db: None) -> Helpdesk:
    return build_helpdesk()


def signed_in(user: User) -> Client:
    """A browser session of `user`."""
    client = Client()
    client.force_login(user)
    return client


def it_ticket(helpdesk: Helpdesk, **extra: object) -> Ticket:
    """A password-reset request raised by Alice with the IT desk (no form fields to fill)."""
    extra.setdefault("reporter", helpdesk.alice)
    return make_ticket(desk=helpdesk.it, request_type=helpdesk.password_reset, **extra)  # type: ignore[arg-type]
