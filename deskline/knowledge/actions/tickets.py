"""Knowledge-centred support: articles linked to the tickets they answer, drafts written from a
ticket, and the files of an article."""

from __future__ import annotations

from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import User
from deskline.core.errors import PermissionDenied
from deskline.core.time import now
from deskline.knowledge.access import can_read, can_write
from deskline.knowledge.actions.articles import article_create
from deskline.knowledge.actions.checks import BODY_MAX, TITLE_MAX, clean_language
from deskline.knowledge.errors import field_error
from deskline.knowledge.models import Article, ArticleAttachment, ArticleTicketLink
from deskline.tickets.access import is_agent_of
from deskline.tickets.attachments import check_upload
from deskline.tickets.models import Comment, Ticket

ATTACHMENTS_MAX = 50


def _check_ticket_agent(actor: User, ticket: Ticket) -> None:
    if not (getattr(actor, "is_authenticated", False) and actor.is_active) or not is_agent_of(
        actor, ticket
    ):
        raise PermissionDenied(
            _("Only the agents of this ticket's desk may do that."), code="ticket_agent_only"
        )


def article_link_ticket(*, actor: User, article: Article, ticket: Ticket) -> ArticleTicketLink:
    """Link an article to a ticket it answers (idempotent: linking twice keeps one link).

    The actor must be an agent of the ticket's desk who may read the article. The link is the
    record (the tickets' audit trail has no kind of event for it)."""
    _check_ticket_agent(actor, ticket)
    if not can_read(actor, article):
        raise field_error("article", _("There is no such article."), "article_not_found")
    with transaction.atomic():
        link, _created = ArticleTicketLink.objects.get_or_create(
            article=article,
            ticket=ticket,
            defaults={"linked_by": actor, "created_at": now()},
        )
    return link


def article_unlink_ticket(*, actor: User, article: Article, ticket: Ticket) -> bool:
    """Remove the link between the article and the ticket; True if there was one."""
    _check_ticket_agent(actor, ticket)
    deleted, _rows = ArticleTicketLink.objects.filter(article=article, ticket=ticket).delete()
    return bool(deleted)


def _resolution(ticket: Ticket) -> str:
    """The last public reply of an agent of the ticket's desk: what solved it, most likely."""
    replies = (
        Comment.objects.filter(ticket=ticket, is_public=True)
        .select_related("author")
        .order_by("-id")[:50]
    )
    for comment in replies:
        if comment.author.is_agent and comment.author_id != ticket.reporter_id:
            return comment.body
    return ""


def article_from_ticket(*, actor: User, ticket: Ticket, language: str | None = None) -> Article:
    """A DRAFT article written from a ticket: its summary as the title, its description as the
    question and its last public agent reply as the answer, in the ticket's desk, owned by the
    actor and linked to the ticket (created_from_ticket). `language` defaults to the actor's."""
    _check_ticket_agent(actor, ticket)
    cleaned_language = clean_language(language or actor.locale)
    answer = _resolution(ticket)
    with translation.override(cleaned_language):
        question_heading = gettext("Question")
        answer_heading = gettext("Answer")
        missing_answer = gettext("Write the answer here.")
    body = (
        f"## {question_heading}\n\n{ticket.description.strip() or ticket.summary}\n\n"
        f"## {answer_heading}\n\n{answer.strip() or missing_answer}\n"
    )[:BODY_MAX]
    with transaction.atomic():
        article = article_create(
            actor=actor,
            title=ticket.summary[:TITLE_MAX],
            body=body,
            language=cleaned_language,
            desk=ticket.desk_id,
            status="draft",
            owner=actor,
            note=gettext("Written from %(key)s") % {"key": ticket.key},
        )
        ArticleTicketLink.objects.create(
            article=article,
            ticket=ticket,
            linked_by=actor,
            created_from_ticket=True,
            created_at=now(),
        )
    return article


def attachment_add(*, actor: User, article: Article, upload: Any) -> ArticleAttachment:
    """Store a file or image of the article, after the same checks as a ticket's uploads: size,
    names that run when opened, and content sniffed from the bytes (`tickets.attachments`).

    `upload` is an uploaded file (name, size, read, seek). An image is shown in the body by its
    URL; other files are listed under the article."""
    if not can_write(actor, article):
        raise PermissionDenied(
            _("Only the agents of this desk may write its articles."),
            code="article_write_denied",
        )
    name = getattr(upload, "name", "") or ""
    size = getattr(upload, "size", None)
    if not isinstance(name, str) or not isinstance(size, int):
        raise field_error("file", _("Choose a file."), "attachment_invalid")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    checked = check_upload(name, size, head)
    if ArticleAttachment.objects.filter(article=article).count() >= ATTACHMENTS_MAX:
        raise field_error(
            "file",
            _("An article has at most %(max)d files.") % {"max": ATTACHMENTS_MAX},
            "too_many_attachments",
        )
    attachment = ArticleAttachment(
        article=article,
        filename=checked.filename,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actor,
        created_at=now(),
    )
    # The bytes go to storage before the transaction, so no lock is held while they are
    # written; a refused insert removes them again.
    attachment.file.save(checked.filename, File(upload, name=checked.filename), save=False)
    try:
        with transaction.atomic():
            attachment.save()
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment
