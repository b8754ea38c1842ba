"""Background jobs of the mail app, run by `deskline worker`."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from deskline.mail.imap import mailboxes_fetch


@db_periodic_task(crontab(minute="*"), name="mail_fetch")
@lock_task("mail_fetch")
def mail_fetch() -> None:
    """Every minute: fetch the new messages of every active IMAP mailbox into tickets. One run at
    a time (a slow server must not make two polls of one mailbox overlap); a poll records its
    outcome on the mailbox and never raises."""
    mailboxes_fetch()
