import base64
import datetime

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


# --- SLA pages: times hand-computed on the Shanghai calendar (deskline.testing.sla) ----------

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def shanghai(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """An instant of March 2026 in Shanghai (+08:00); 6 March is a Friday."""
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def viewer(helpdesk: Helpdesk) -> Client:
    """Li, an IT agent, reading in Shanghai's time zone."""
    helpdesk.li.time_zone = "Asia/Shanghai"
    helpdesk.li.save(update_fields=["time_zone"])
    return signed_in(helpdesk.li)


def raw_cursor(text: str) -> str:
    """A cursor made by hand, encoded the way the selectors encode theirs."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
