"""The knowledge base: articles in categories, per desk or global, in English and Chinese,
with their versions, feedback, files, links to tickets, and the deflection they achieve."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import Locale, User
from deskline.desks.models import Desk, RequestType, Translatable
from deskline.tickets.models import Ticket


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Category(Translatable):
    """A shelf of articles in one desk's knowledge page (or the global one, desk empty)."""

    desk = models.ForeignKey(
        Desk,
        verbose_name=_("desk"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="categories",
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    """One article in one language. Translations of one article share `translation_of`'s
    root: the first article written, whose own `translation_of` is empty."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), help_text=_("Markdown."))
    # Rendered and sanitised (nh3) when the body is saved, so that pages only print it.
    body_html = models.TextField(blank=True, editable=False)
    language = models.CharField(_("language"), max_length=10, choices=Locale.choices)
    desk = models.ForeignKey(
        Desk,
        verbose_name=_("desk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    translation_of = models.ForeignKey(
        "self",
        verbose_name=_("translation of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translations",
    )
    owner = models.ForeignKey(
        User, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="owned_articles"
    )
    review_on = models.DateField(_("review on"), null=True, blank=True)
    is_outdated = models.BooleanField(_("flagged as outdated"), default=False)
    outdated_reason = models.TextField(_("why it is outdated"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    view_count = models.PositiveIntegerField(_("views"), default=0)
    helpful_count = models.PositiveIntegerField(_("helpful"), default=0)
    unhelpful_count = models.PositiveIntegerField(_("not helpful"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["status", "desk", "language"], name="article_scope"),
            models.Index(fields=["category", "status"], name="article_category"),
        ]

    def __str__(self) -> str:
        return self.title


class ArticleVersion(models.Model):
    """What an article said at each version, and who wrote it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"


class ArticleFeedback(models.Model):
    """ "Was this helpful?": one answer per person (or per anonymous session) and article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    session_key = models.CharField(max_length=64, blank=True)
    is_helpful = models.BooleanField()
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["article", "user"], name="article_feedback_user")]
        constraints = [
            # One answer per person, and per anonymous session, for each article: a second
            # answer changes the first (`knowledge.actions.article_feedback`).
            models.UniqueConstraint(
                fields=["article", "user"],
                condition=models.Q(user__isnull=False),
                name="article_feedback_one_per_user",
            ),
            models.UniqueConstraint(
                fields=["article", "session_key"],
                condition=models.Q(user__isnull=True) & ~models.Q(session_key=""),
                name="article_feedback_one_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {self.is_helpful}"


def _attachment_path(instance: ArticleAttachment, filename: str) -> str:
    return f"articles/{timezone.now():%Y/%m}/{filename}"


class ArticleAttachment(models.Model):
    """A file or image of an article; images are shown inline by their URL in the body."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=255)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.filename


class ArticleTicketLink(models.Model):
    """An article an agent linked to a ticket (it answered it, or it was written from it)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="ticket_links")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="article_links")
    linked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_from_ticket = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "ticket"], name="article_ticket_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {self.ticket_id}"


class DeflectionKind(models.TextChoices):
    SUGGESTED = "suggested", _("Suggestion shown")
    OPENED = "opened", _("Suggestion opened")
    DEFLECTED = "deflected", _("Request abandoned after reading")
    SUBMITTED = "submitted", _("Submitted anyway")


class DeflectionEvent(models.Model):
    """One step of self-service on a request form, counted per desk, request type and day.

    `journey` ties the steps of one visit to one form together (a random id the form carries),
    so that "opened an article, then left without submitting" is counted once as deflected."""

    kind = models.CharField(max_length=16, choices=DeflectionKind.choices)
    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="+")
    request_type = models.ForeignKey(
        RequestType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    journey = models.CharField(max_length=64)
    article = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A community question suggested or opened (deskline.community; no foreign key from here).
    question_id = models.BigIntegerField(null=True, blank=True)
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["desk", "created_at"], name="deflection_desk_day"),
            models.Index(fields=["journey", "kind"], name="deflection_journey"),
        ]
        constraints = [
            # A step is counted once per journey and document, however often the page reloads.
            models.UniqueConstraint(
                models.F("journey"),
                models.F("kind"),
                Coalesce("article_id", models.Value(0)),
                Coalesce("question_id", models.Value(0)),
                name="deflection_step_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.journey}"
