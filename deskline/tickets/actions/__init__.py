"""Every write to tickets. Portal, workspace, e-mail, API and automation all call these.

Each action validates everything it is given before its first write, then writes the change and
its audit `TicketEvent` rows in one transaction, so bad input writes nothing. The actor is a
person or a system actor (`accounts.actors`); every event records it.

- `create`: raising a request (`ticket_create`), the write path tuned for speed (ADR 0007).
- `changes`: `ticket_update`, `ticket_transition`, `ticket_bulk_change`.
- `comments`: `ticket_comment`.
- `files`: `attachment_upload` (within the quota of unclaimed uploads) and
  `unclaimed_uploads_remove` (the worker's cleanup).
- `move`: `ticket_move`, to another desk.
- `notifications`: what each change tells whom (`notify_*`, called by the actions above) and
  `notifications_mark_all_read`.
- `checks`: what they all check before writing, and how an event is recorded.
"""

from deskline.tickets.actions.changes import (
    BULK_CHANGES,
    SLA_RELEVANT,
    UPDATABLE,
    BulkOutcome,
    ticket_bulk_change,
    ticket_transition,
    ticket_update,
)
from deskline.tickets.actions.checks import COMMENT_MAX, DESCRIPTION_MAX, SUMMARY_MAX
from deskline.tickets.actions.comments import ticket_comment
from deskline.tickets.actions.create import desk_ticket_stub, ticket_create
from deskline.tickets.actions.files import (
    attachment_upload,
    pending_upload_quota,
    pending_uploads,
    unclaimed_upload_remove,
    unclaimed_uploads_remove,
)
from deskline.tickets.actions.move import ticket_move
from deskline.tickets.actions.notifications import notifications_mark_all_read

__all__ = [
    "BULK_CHANGES",
    "COMMENT_MAX",
    "DESCRIPTION_MAX",
    "SLA_RELEVANT",
    "SUMMARY_MAX",
    "UPDATABLE",
    "BulkOutcome",
    "attachment_upload",
    "desk_ticket_stub",
    "notifications_mark_all_read",
    "pending_upload_quota",
    "pending_uploads",
    "ticket_bulk_change",
    "ticket_comment",
    "ticket_create",
    "ticket_move",
    "ticket_transition",
    "ticket_update",
    "unclaimed_upload_remove",
    "unclaimed_uploads_remove",
]
