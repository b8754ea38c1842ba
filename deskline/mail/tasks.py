"""Background jobs of the mail app, run by `deskline worker`."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from deskline.mail.imap import mailboxes_fetch
from deskline.mail.models import EmailStatus
from deskline.mail.sending import outbound_due, outbound_send


@db_task(name="outbound_email_send")
def outbound_email_send(email_id: int) -> None:
    """Send one e-mail now; when the attempt is to be repeated, queue it for then."""
    email = outbound_send(email_id)
    if email is not None and email.status == EmailStatus.QUEUED and email.next_attempt_at:
        outbound_email_send.schedule((email_id,), eta=email.next_attempt_at)


@db_periodic_task(crontab(minute="*"), name="outbound_emails_due")
def outbound_emails_due() -> None:
    """Every minute: send the queued e-mails that are due and nothing else is sending (one
    whose job was lost, or whose worker stopped in the middle)."""
    for email_id in outbound_due():
        outbound_send(email_id)


@db_periodic_task(crontab(minute="*/5"), name="inbound_unfinished")
def inbound_unfinished() -> None:
    """Every five minutes: finish the messages stored but not processed (a worker or the
    receiving process stopped between the two)."""
    from deskline.mail.inbound import inbound_unfinished_process

    inbound_unfinished_process()


@db_periodic_task(crontab(minute="*"), name="mail_fetch")
def mail_fetch() -> None:
    """Every minute: fetch the new messages of every active IMAP mailbox into tickets. Every
    worker runs it; each mailbox is claimed by one (`imap.mailboxes_fetch`). A poll records its
    outcome on the mailbox and never raises."""
    mailboxes_fetch()
