"""Notifications go beyond the workspace (by e-mail, ...) through the deliveries registered here.

The domain records what happened, a `TicketEvent` and `Notification` rows, and neither renders
nor sends anything (an import-linter contract keeps templates and HTTP out of it). An interface
app that delivers notifications registers a function when Django starts (`deskline.mail`'s
`AppConfig.ready()` registers the e-mail), and the notifications recorded in a transaction are
handed to each of them, by id, once the transaction has committed: nothing goes out for a
change that was rolled back, and a delivery that fails changes nothing already recorded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

logger = logging.getLogger(__name__)

Delivery = Callable[[Sequence[int]], object]
_deliveries: list[Delivery] = []
_held_back: ContextVar[bool] = ContextVar("deskline_deliveries_held_back", default=False)


def delivery_register(deliver: Delivery) -> None:
    """Hand every notification recorded from now on to `deliver` (once per function)."""
    if deliver not in _deliveries:
        _deliveries.append(deliver)


def registered_deliveries() -> list[Delivery]:
    return list(_deliveries)


def notifications_deliver_on_commit(notification_ids: Sequence[int]) -> None:
    """Once the current transaction commits, hand these notifications to every delivery."""
    ids = list(notification_ids)
    if ids and not _held_back.get():
        transaction.on_commit(lambda: _deliver(ids))


def _deliver(notification_ids: list[int]) -> None:
    for deliver in list(_deliveries):
        try:
            deliver(notification_ids)
        except Exception:  # one failing channel must not keep the others from theirs
            logger.exception("Delivery %r failed for notifications %s", deliver, notification_ids)


@contextmanager
def deliveries_held_back() -> Iterator[None]:
    """Within the block, notifications are recorded (the workspace shows them) but handed to no
    delivery: the demo replays last month's conversations, and nobody is e-mailed about them."""
    token = _held_back.set(True)
    try:
        yield
    finally:
        _held_back.reset(token)
