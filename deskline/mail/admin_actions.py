"""The "test connection" action of the mailboxes' configuration screen.

`MailboxAdmin` (mail/admin.py, part "in") lists it: `actions = (test_connection,)`. For each
chosen IMAP mailbox it signs in, opens the folder and reports how many messages it holds, or
what went wrong, in the admin's language and never with the secret. It fetches nothing and
leaves the fetch state alone.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from deskline.mail.imap import mailbox_test_connection
from deskline.mail.models import Mailbox


@admin.action(description=_("Test the IMAP connection"))
def test_connection(
    modeladmin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[Mailbox]
) -> None:
    for mailbox in queryset.order_by("address"):
        if mailbox.kind != "imap":
            modeladmin.message_user(
                request,
                gettext("%(address)s: mail is delivered to Deskline; there is no server to test.")
                % {"address": mailbox.address},
                messages.INFO,
            )
            continue
        ok, text = mailbox_test_connection(mailbox)
        modeladmin.message_user(
            request,
            f"{mailbox.address}: {text}",
            messages.SUCCESS if ok else messages.ERROR,
        )


test_connection.__test__ = False  # type: ignore[attr-defined]  # pytest: not a test
