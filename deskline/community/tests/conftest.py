import pytest

from deskline.testing.scenario import Helpdesk, build_helpdesk


@pytest.fixture
def helpdesk(db: None) -> Helpdesk:
    return build_helpdesk()
