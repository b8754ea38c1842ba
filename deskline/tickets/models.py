"""Tickets, their conversation, files and audit trail."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import Organization, Team, User
from deskline.desks.models import Desk, RequestType, Status, StatusCategory
from deskline.sla.models import NO_DEADLINE


class Priority(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


# Queues sort by priority through this number (most urgent first), kept beside `priority` by the
# actions, because an index cannot order the text values critical, high, medium, low.
PRIORITY_RANKS: dict[str, int] = {
    Priority.CRITICAL: 0,
    Priority.HIGH: 1,
    Priority.MEDIUM: 2,
    Priority.LOW: 3,
}
# An open ticket, as the queues' filters and the partial indexes below both spell it: a query
# uses a partial index only when its WHERE repeats the index's condition term for term, and
# SQLite matches a bound parameter against the condition's literal for "=", not for "IN".
IS_OPEN = ~models.Q(status_category=StatusCategory.DONE)
_IS_ASSIGNED_OPEN = IS_OPEN & models.Q(assignee__isnull=False)
_IS_UNASSIGNED_OPEN = IS_OPEN & models.Q(assignee__isnull=True)


class Channel(models.TextChoices):
    PORTAL = "portal", _("Help center")
    EMAIL = "email", _("E-mail")
    API = "api", _("API")
    AGENT = "agent", _("Agent")


class Label(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("label")
        verbose_name_plural = _("labels")

    def __str__(self) -> str:
        return self.name


class Ticket(models.Model):
    """A request raised with a desk, addressed by its key, e.g. IT-42."""

    # No single-column index on desk, reporter, organization, assignee or team: the composite
    # indexes below start with each of them, and every index is written on every create.
    desk = models.ForeignKey(Desk, on_delete=models.PROTECT, related_name="tickets", db_index=False)
    number = models.PositiveIntegerField()
    key = models.CharField(_("key"), max_length=24, unique=True)
    request_type = models.ForeignKey(RequestType, on_delete=models.PROTECT, related_name="tickets")
    summary = models.CharField(_("summary"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    description_html = models.TextField(blank=True)
    reporter = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="reported_tickets", db_index=False
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        db_index=False,
    )
    is_shared_with_organization = models.BooleanField(
        _("shared with the organization"), default=False
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    priority_rank = models.PositiveSmallIntegerField(
        default=PRIORITY_RANKS[Priority.MEDIUM], editable=False
    )
    status = models.ForeignKey(Status, on_delete=models.PROTECT, related_name="tickets")
    # Copied from status.category by the actions so that queues filter on one indexed column.
    status_category = models.CharField(max_length=20, choices=StatusCategory.choices)
    assignee = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        db_index=False,
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        db_index=False,
    )
    labels = models.ManyToManyField(Label, related_name="tickets", blank=True)
    fields = models.JSONField(default=dict, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    # People besides the reporter who follow the request, and why (Participant.reason).
    participants: models.ManyToManyField[User, Participant] = models.ManyToManyField(
        User, through="Participant", related_name="participating_tickets", blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    # The earliest breach of the ticket's running SLA cycles (NO_DEADLINE when none runs), kept
    # by the actions so that queues sort by "time remaining" along an index.
    sla_due_at = models.DateTimeField(default=NO_DEADLINE, editable=False)

    # Not a column: the ticket's label names (sorted) when they were read or written with it,
    # None until then; `tickets.labels` sets and reads it.
    known_label_names: list[str] | None = None

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        constraints = [
            models.UniqueConstraint(fields=["desk", "number"], name="ticket_number_unique_per_desk")
        ]
        indexes = [
            # Queue and API lists page by id (newest first) inside these filters.
            models.Index(fields=["desk", "status", "id"], name="ticket_desk_status_id"),
            models.Index(fields=["desk", "status_category", "id"], name="ticket_desk_category_id"),
            models.Index(fields=["assignee", "status_category", "id"], name="ticket_assignee_id"),
            models.Index(fields=["team", "status_category", "id"], name="ticket_team_id"),
            models.Index(fields=["reporter", "id"], name="ticket_reporter_id"),
            models.Index(fields=["organization", "id"], name="ticket_organization_id"),
            models.Index(fields=["created_at"], name="ticket_created_at"),
            # Each workspace queue and sort reads one of these in order, one page at a time:
            # open tickets of a desk, of an assignee, and unassigned ones of a desk (partial
            # indexes, small as they hold no resolved tickets) ...
            *(
                models.Index(
                    fields=[*columns, *order], name=f"ticket_{prefix}_{suffix}", condition=condition
                )
                for prefix, columns, condition in (
                    ("open_desk", ["desk"], IS_OPEN),
                    # Without unassigned tickets, so that "unassigned" walks its own index.
                    ("open_assignee", ["assignee"], _IS_ASSIGNED_OPEN),
                    # By desk and team: "unassigned in my teams" is one range per desk and team
                    # (and one for no team), so no walk steps over other teams' tickets.
                    ("unassigned", ["desk", "team"], _IS_UNASSIGNED_OPEN),
                )
                for suffix, order in (
                    ("id", ["id"]),
                    ("updated", ["updated_at", "id"]),
                    ("priority", ["priority_rank", "-id"]),
                    ("due", ["sla_due_at", "id"]),
                )
            ),
            # ... and the tickets of one status category of a desk (waiting, recently resolved).
            models.Index(
                fields=["desk", "status_category", "updated_at", "id"],
                name="ticket_desk_category_updated",
            ),
            models.Index(
                fields=["desk", "status_category", "priority_rank", "-id"],
                name="ticket_desk_category_priority",
            ),
            models.Index(
                fields=["desk", "status_category", "resolved_at", "id"],
                name="ticket_desk_category_resolved",
            ),
            models.Index(
                fields=["desk", "status_category", "sla_due_at", "id"],
                name="ticket_desk_category_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.summary}"


class TicketKeyAlias(models.Model):
    """A key the ticket had before it moved to another desk (IT-42 once it is HR-7), so that
    old links, bookmarks and e-mail threads still find it (`tickets.access.access_ticket`).

    A desk never gives a number twice, so no ticket can ever get a key that is an alias.
    """

    key = models.CharField(_("key"), max_length=24, unique=True)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="key_aliases")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("former ticket key")
        verbose_name_plural = _("former ticket keys")

    def __str__(self) -> str:
        return f"{self.key} -> ticket {self.ticket_id}"


class Comment(models.Model):
    """A public reply the customer sees, or an internal note only agents see."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="comments")
    body = models.TextField(_("body"))
    body_html = models.TextField(blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["ticket", "id"], name="comment_ticket_id")]

    def __str__(self) -> str:
        return f"Comment {self.pk} on ticket {self.ticket_id}"


def attachment_path(instance: Attachment, filename: str) -> str:
    """Where an upload's bytes are stored: named by the month and the content's sha256, never by
    the name the person gave it. The storage adds a suffix when that file exists already, so two
    uploads of the same bytes in one month still get files of their own (`uploads` removes a
    file only when no row names it)."""
    now = timezone.now()
    return f"attachments/{now:%Y/%m}/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    """An uploaded file. It is uploaded first, then linked to a ticket, a comment or a field."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=attachment_path, max_length=255)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [
            # Uploads no ticket has claimed yet: per person for the quota (with their sizes, so
            # the sum reads only the index on PostgreSQL), and by age for the worker's cleanup.
            models.Index(
                fields=["uploaded_by", "size"],
                name="attachment_pending_uploader",
                condition=models.Q(ticket__isnull=True),
            ),
            models.Index(
                fields=["created_at", "id"],
                name="attachment_pending_created",
                condition=models.Q(ticket__isnull=True),
            ),
            # The rows of one stored file (named by the sha256), before the file is removed.
            models.Index(fields=["sha256"], name="attachment_sha256"),
        ]

    def __str__(self) -> str:
        return self.filename


class ParticipantReason(models.TextChoices):
    # Commented on a request they could read (a colleague's shared request): no access of its own.
    COMMENTED = "commented", _("took part in the conversation")
    # Added by the reporter or an agent: reads the request whether or not it is shared.
    ADDED = "added", _("added by the reporter or an agent")


class Participant(models.Model):
    """Someone besides the reporter who takes part in a ticket, and why (tickets.access).

    The table is the one the plain many-to-many had (`tickets_ticket_participants`); `add()`
    without a reason records COMMENTED, as `ticket_comment` does.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE)
    user = models.ForeignKey(User, on_delete=models.CASCADE)
    reason = models.CharField(
        _("why"),
        max_length=12,
        choices=ParticipantReason.choices,
        default=ParticipantReason.COMMENTED,
    )

    class Meta:
        db_table = "tickets_ticket_participants"
        unique_together = [("ticket", "user")]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return f"{self.user_id} on ticket {self.ticket_id} ({self.reason})"


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    CHANGED = "changed", _("Changed")
    TRANSITIONED = "transitioned", _("Status changed")
    COMMENTED = "commented", _("Commented")
    ATTACHED = "attached", _("File attached")
    MOVED = "moved", _("Moved to another desk")
    SLA_WARNING = "sla_warning", _("SLA warning")
    SLA_BREACHED = "sla_breached", _("SLA breached")


class TicketEvent(models.Model):
    """One change to a ticket: who changed which field from what to what, and when."""

    # Indexed by event_ticket_id (ticket, id) below.
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    # A person or a system actor (accounts/actors.py): every event says who acted, so a person
    # who acted cannot be deleted (deactivate them instead).
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    field = models.CharField(max_length=64, blank=True)
    old_value = models.JSONField(null=True, blank=True)
    new_value = models.JSONField(null=True, blank=True)
    is_public = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [models.Index(fields=["ticket", "id"], name="event_ticket_id")]

    def __str__(self) -> str:
        return f"{self.kind} {self.field} on ticket {self.ticket_id}"


class NotificationKind(models.TextChoices):
    SLA_WARNING = "sla_warning", _("SLA warning")
    SLA_BREACHED = "sla_breached", _("SLA breached")
    CUSTOMER_REPLIED = "customer_replied", _("Customer replied")
    # To the agent a ticket was given to (not when they took it themselves).
    ASSIGNED = "assigned", _("Assigned to you")
    # To the customers of a ticket (its reporter, and its participants after the first).
    REQUEST_RECEIVED = "request_received", _("Request received")
    AGENT_REPLIED = "agent_replied", _("Reply from the service desk")
    WAITING_FOR_CUSTOMER = "waiting_for_customer", _("Waiting for you")
    RESOLVED = "resolved", _("Request resolved")


# What the workspace lists for agents; the others are for customers, by e-mail only.
WORKSPACE_NOTIFICATION_KINDS = (
    NotificationKind.SLA_WARNING,
    NotificationKind.SLA_BREACHED,
    NotificationKind.CUSTOMER_REPLIED,
    NotificationKind.ASSIGNED,
)


class Notification(models.Model):
    """Something a person should know about a ticket: an agent's is shown in the workspace until
    read (`WORKSPACE_NOTIFICATION_KINDS`), a customer's goes out by e-mail only (deskline.mail).

    `data` keeps the facts (e.g. the metric and the breach instant); the text is written when
    shown, in the reader's language and time zone.
    """

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notification_recipient"),
            models.Index(
                fields=["recipient", "-id"],
                name="notification_unread",
                condition=models.Q(read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on ticket {self.ticket_id} for {self.recipient_id}"
