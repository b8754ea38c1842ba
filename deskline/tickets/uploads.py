"""Files chosen in a form are stored only when the action that claims them succeeds."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction

from deskline.tickets.models import Attachment


@contextmanager
def kept_only_on_success() -> Iterator[list[Attachment]]:
    """A transaction for uploading a form's files and running the action that claims them.

    Append each uploaded attachment to the list it gives. When anything in the block raises (a
    refused file, an action that refuses the form), the attachment rows roll back with the
    transaction and their stored files are deleted too, so a refused form leaves no file behind
    that nobody could claim any more.
    """
    uploaded: list[Attachment] = []
    try:
        with transaction.atomic():
            yield uploaded
    except BaseException:
        for attachment in uploaded:
            # The row is gone with the rollback; only the file in storage is left to remove.
            attachment.file.delete(save=False)
        raise
