"""Files chosen in a form are stored only when the action that claims them succeeds, and a stored
file is removed only when no row uses it any more."""

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
            release_stored_file(attachment.file.name, attachment.sha256)
        raise


def release_stored_file(name: str, sha256: str) -> bool:
    """Delete the stored file `name` unless an attachment row still uses it; True if deleted.

    Each upload gets a file of its own today (the storage never reuses an existing name), but
    a stored file is named by its content (`models.attachment_path`: the month and the sha256),
    so rows may come to share one; a file is removed only when its last row is gone.
    """
    if not name or Attachment.objects.filter(sha256=sha256, file=name).exists():
        return False
    Attachment._meta.get_field("file").storage.delete(name)
    return True
