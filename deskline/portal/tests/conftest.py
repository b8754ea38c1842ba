import pytest
from django.test import Client

from deskline.accounts.models import User
from deskline.testing.scenario import Helpdesk, build_helpdesk


@pytest.fixture
def helpdesk(db: None) -> Helpdesk:
    return build_helpdesk()


@pytest.fixture
def signed_in():
    """A test client signed in as the given person."""

    def sign_in(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return sign_in
