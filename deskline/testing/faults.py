"""Writes made to fail in tests, to check that an action leaves nothing half-written."""

from __future__ import annotations

from typing import Any

import pytest

from deskline.core.inserts import PreparedInsert
from deskline.tickets.models import TicketEvent


def fail_event_writes(monkeypatch: pytest.MonkeyPatch, message: str = "disk full") -> None:
    """Every audit event write raises RuntimeError(message), however the action writes it
    (`save()`, or a statement prepared with `core.inserts`)."""
    execute = PreparedInsert.execute

    def broken_insert(self: PreparedInsert, **values: Any) -> Any:
        if isinstance(self.obj, TicketEvent):
            raise RuntimeError(message)
        return execute(self, **values)

    def broken_save(self: TicketEvent, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError(message)

    monkeypatch.setattr(PreparedInsert, "execute", broken_insert)
    monkeypatch.setattr(TicketEvent, "save", broken_save)
