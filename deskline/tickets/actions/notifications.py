"""Marking an agent's notifications read."""

from __future__ import annotations

from django.db import transaction

from deskline.accounts.models import User
from deskline.core.time import now
from deskline.tickets.models import (
    Notification,
)


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of `user` read now; how many were marked."""
    with transaction.atomic():
        return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(
            read_at=now()
        )
