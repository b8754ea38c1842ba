"""Background jobs of the mail app, run by `deskline worker`."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from deskline.mail.imap import mailboxes_fetch


@db_periodic_task(crontab(minute="*"), name="mail_fetch")
def mail_fetch() -> None:
    """Every minute: fetch the new messages of every active IMAP mailbox into tickets. Every
    worker runs it; each mailbox is claimed by one (`imap.mailboxes_fetch`). A poll records its
    outcome on the mailbox and never raises."""
    mailboxes_fetch()
