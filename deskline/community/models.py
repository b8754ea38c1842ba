"""The Q&A community: questions people ask in the help center, the answers others give, and
the votes that put the best answers first."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import Locale, User
from deskline.desks.models import Desk


class QuestionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    # An answer was accepted (by the asker or an agent).
    ANSWERED = "answered", _("Answered")


class Question(models.Model):
    """A question in one language, asked of one desk's community or the global one (no desk)."""

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
        related_name="questions",
    )
    author = models.ForeignKey(
        User, verbose_name=_("asked by"), on_delete=models.PROTECT, related_name="questions"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=QuestionStatus.choices, default=QuestionStatus.OPEN
    )
    is_hidden = models.BooleanField(_("hidden"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    accepted_answer = models.ForeignKey(
        "Answer",
        verbose_name=_("accepted answer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    view_count = models.PositiveIntegerField(_("views"), default=0)
    # Visible answers; kept by the actions that post, hide and unhide them.
    answer_count = models.PositiveIntegerField(_("answers"), default=0)
    # The sum of the votes; recomputed from them by the vote action.
    score = models.IntegerField(_("score"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [
            models.Index(fields=["is_hidden", "desk", "status"], name="question_scope"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(duplicate_of=models.F("id")), name="question_not_own_duplicate"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Answer(models.Model):
    """One answer to a question; at most one of a question's answers is accepted."""

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    body = models.TextField(_("body"), help_text=_("Markdown."))
    body_html = models.TextField(blank=True, editable=False)
    author = models.ForeignKey(
        User, verbose_name=_("answered by"), on_delete=models.PROTECT, related_name="answers"
    )
    is_hidden = models.BooleanField(_("hidden"), default=False)
    score = models.IntegerField(_("score"), default=0)
    is_accepted = models.BooleanField(_("accepted"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["-is_accepted", "-score", "created_at", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["question"],
                condition=Q(is_accepted=True),
                name="answer_one_accepted_per_question",
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.body[:40]}"


class Vote(models.Model):
    """One person's +1 or -1 on one question or one answer."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, null=True, blank=True, related_name="votes"
    )
    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="votes"
    )
    value = models.SmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(value__in=[1, -1]), name="vote_value_one"),
            models.CheckConstraint(
                condition=(Q(question__isnull=False) & Q(answer__isnull=True))
                | (Q(question__isnull=True) & Q(answer__isnull=False)),
                name="vote_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "question"],
                condition=Q(question__isnull=False),
                name="vote_once_per_question",
            ),
            models.UniqueConstraint(
                fields=["user", "answer"],
                condition=Q(answer__isnull=False),
                name="vote_once_per_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.value:+d}"
