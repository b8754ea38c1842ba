"""What the knowledge actions check before they write, and how an article reaches the index."""

from __future__ import annotations

import datetime
import html
from typing import Any

from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import Locale, User
from deskline.core.errors import PermissionDenied
from deskline.core.text import is_storable_text
from deskline.desks.catalog import catalog
from deskline.desks.models import Desk
from deskline.knowledge.access import can_read, can_write_desk
from deskline.knowledge.errors import field_error
from deskline.knowledge.models import Article, ArticleStatus, Category
from deskline.search.documents import ARTICLE, index_document, remove_document

TITLE_MAX = 200
BODY_MAX = 100_000
NOTE_MAX = 200
REASON_MAX = 2_000
COMMENT_MAX = 2_000
CATEGORY_NAME_MAX = 100
CATEGORY_DESCRIPTION_MAX = 2_000
# An article flagged or marked reviewed without a date is due again after this long.
REVIEW_INTERVAL = datetime.timedelta(days=180)
LANGUAGES = tuple(Locale.values)


def clean_line(value: Any, field: str, limit: int, *, required: bool, code: str) -> str:
    """One line of text: whitespace runs become one space; required means not empty."""
    if value is None:
        value = ""
    if not isinstance(value, str) or not is_storable_text(value):
        raise field_error(field, _("Enter text."), "invalid_text")
    cleaned = " ".join(value.split())
    if required and not cleaned:
        raise field_error(field, _("This field is required."), f"{code}_required")
    if len(cleaned) > limit:
        raise field_error(
            field,
            _("Keep this under %(max)d characters.") % {"max": limit},
            f"{code}_too_long",
        )
    return cleaned


def clean_title(title: Any) -> str:
    return clean_line(title, "title", TITLE_MAX, required=True, code="title")


def clean_body(body: Any, *, field: str = "body", limit: int = BODY_MAX) -> str:
    if body is None:
        body = ""
    if not isinstance(body, str) or not is_storable_text(body):
        raise field_error(field, _("Enter text."), "invalid_text")
    if field == "body" and not body.strip():
        raise field_error(field, _("Write the article."), "body_required")
    if len(body) > limit:
        raise field_error(
            field, _("Keep this under %(max)d characters.") % {"max": limit}, "text_too_long"
        )
    return body


def clean_language(language: Any) -> str:
    """'en' or 'zh-hans' (any case: the API's 'zh-Hans' is the same language)."""
    wanted = language.strip().lower() if isinstance(language, str) else None
    if wanted not in LANGUAGES:
        raise field_error(
            "language",
            _("Choose English (en) or Simplified Chinese (zh-Hans)."),
            "invalid_language",
        )
    return str(wanted)


def clean_status(status: Any, *, allowed: tuple[str, ...]) -> str:
    if status not in allowed:
        raise field_error(
            "status",
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(allowed)},
            "invalid_status",
        )
    return str(status)


def clean_desk(desk: Any) -> Desk | None:
    """A desk given as a Desk, a key or an id, or None (a global article or category)."""
    if desk is None or desk == "":
        return None
    known = catalog()
    found: Desk | None = None
    if isinstance(desk, Desk):
        found = known.desks.get(desk.pk)
    elif isinstance(desk, int) and not isinstance(desk, bool):
        found = known.desks.get(desk)
    elif isinstance(desk, str) and is_storable_text(desk):
        found = known.desk_of_key(desk.strip().upper())
    if found is None:
        raise field_error("desk", _("There is no such desk."), "unknown_desk")
    return found


def check_may_write(actor: Any, desk: Desk | None) -> None:
    if not can_write_desk(actor, desk.pk if desk is not None else None):
        raise PermissionDenied(
            _("Only the agents of this desk may write its articles."),
            code="article_write_denied",
        )


def clean_category(category: Any, desk: Desk | None) -> Category | None:
    """A category of `desk`, or a global one; given as a Category or an id; or None."""
    if category is None or category == "":
        return None
    found: Category | None = None
    if isinstance(category, Category):
        found = category
    elif isinstance(category, int) and not isinstance(category, bool) and 0 < category < 2**63:
        found = Category.objects.filter(pk=category).first()
    if found is None:
        raise field_error("category", _("There is no such category."), "unknown_category")
    if found.desk_id is not None and found.desk_id != (desk.pk if desk is not None else None):
        raise field_error(
            "category",
            _("Choose a category of this article's desk, or a global one."),
            "category_of_other_desk",
        )
    return found


def translation_group(article: Article) -> list[Article]:
    """Every article in the same translation group as `article`: its root and the root's
    translations (including `article` itself)."""
    root_id = article.translation_of_id or article.pk
    return list(
        Article.objects.filter(pk=root_id) | Article.objects.filter(translation_of_id=root_id)
    )


def clean_translation_of(
    actor: Any, translation_of: Any, language: str, *, exclude_id: int | None = None
) -> Article | None:
    """The root of the translation group the new article joins, or None.

    It must be an article the actor may read, and no article of that group may already be in
    `language` (the new one is "another language of the same group")."""
    if translation_of is None or translation_of == "":
        return None
    found: Article | None = None
    if isinstance(translation_of, Article):
        found = translation_of
    elif (
        isinstance(translation_of, int)
        and not isinstance(translation_of, bool)
        and 0 < translation_of < 2**63
    ):
        found = Article.objects.filter(pk=translation_of).first()
    if found is None or not can_read(actor, found):
        raise field_error(
            "translation_of", _("There is no such article."), "unknown_translation_of"
        )
    group = translation_group(found)
    if any(member.language == language and member.pk != exclude_id for member in group):
        raise field_error(
            "translation_of",
            _("That article already has a translation in this language."),
            "translation_exists",
        )
    root_id = found.translation_of_id or found.pk
    return next(member for member in group if member.pk == root_id)


def check_language_free(article: Article, language: str) -> None:
    """Refuse a language another article of `article`'s translation group already has."""
    if article.translation_of_id is None and not article.translations.exists():
        return
    if any(m.language == language and m.pk != article.pk for m in translation_group(article)):
        raise field_error(
            "language",
            _("Another translation of this article is already in this language."),
            "translation_exists",
        )


def clean_review_on(review_on: Any) -> datetime.date | None:
    if review_on is None or review_on == "":
        return None
    if isinstance(review_on, datetime.datetime):
        return review_on.date()
    if isinstance(review_on, datetime.date):
        return review_on
    if isinstance(review_on, str):
        try:
            return datetime.date.fromisoformat(review_on.strip())
        except ValueError:
            pass
    raise field_error("review_on", _("Enter a date (YYYY-MM-DD)."), "invalid_review_on")


def clean_owner(owner: Any, desk: Desk | None, *, default: User) -> User:
    """The article's owner: an active agent who may write the desk's articles."""
    if owner is None:
        candidate: User | None = default
    elif isinstance(owner, User):
        candidate = owner
    elif isinstance(owner, str) and is_storable_text(owner):
        candidate = User.objects.filter(email__iexact=owner.strip(), is_active=True).first()
    else:
        candidate = None
    if candidate is None or not can_write_desk(candidate, desk.pk if desk is not None else None):
        raise field_error("owner", _("Choose an agent who works on this desk."), "invalid_owner")
    return candidate


def searchable_text(body_html: str) -> str:
    """The plain text of rendered Markdown, for the index."""
    return " ".join(html.unescape(strip_tags(body_html)).split())


def sync_index(article: Article) -> None:
    """Make the index agree with the article: findable while published, gone otherwise.

    Called inside the action's transaction, so a rolled-back change leaves the index as it was."""
    if article.status == ArticleStatus.PUBLISHED:
        index_document(
            kind=ARTICLE,
            object_id=article.pk,
            language=article.language,
            title=article.title,
            body=searchable_text(article.body_html),
            desk_id=article.desk_id,
        )
    else:
        remove_document(kind=ARTICLE, object_id=article.pk)
