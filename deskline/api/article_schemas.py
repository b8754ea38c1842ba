"""Input and output shapes of API v1's knowledge articles (CONTRACT.md: POST/GET/PATCH
/articles); outputs are built by the functions below. Languages are "en" and "zh-Hans" here,
stored as "en" and "zh-hans"."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from deskline.accounts.models import Locale
from deskline.api.schemas import Documented, Strict
from deskline.desks.fields import ROW_ID_MAX
from deskline.knowledge.actions import BODY_MAX, TITLE_MAX
from deskline.knowledge.actions.checks import NOTE_MAX
from deskline.knowledge.models import Article, ArticleStatus
from deskline.search.documents import Hit

API_LANGUAGES = {Locale.ENGLISH.value: "en", Locale.SIMPLIFIED_CHINESE.value: "zh-Hans"}
QUERY_MAX = 200
EMAIL_MAX = 254

Title = Annotated[str, Documented(maxLength=TITLE_MAX)]
Body = Annotated[str, Documented(maxLength=BODY_MAX)]
LanguageName = Annotated[str, Documented(enum=list(API_LANGUAGES.values()))]
RowId = Annotated[int, Field(ge=1, le=ROW_ID_MAX)]


def api_language(stored: str) -> str:
    return API_LANGUAGES.get(stored, stored)


class ArticleCreateIn(Strict):
    title: Title
    body: Body = Field(description="Markdown; raw HTML is shown as text.")
    language: LanguageName
    desk: str | None = Field(
        default=None, min_length=1, max_length=20, description="A desk's key; null: global."
    )
    category: RowId | None = None
    status: Annotated[str, Documented(enum=["draft", "published"])] = "draft"
    translation_of: RowId | None = Field(
        default=None, description="An article this one translates, in another language."
    )
    review_on: datetime.date | None = None
    owner: str | None = Field(
        default=None, max_length=EMAIL_MAX, description="An agent's e-mail; default: you."
    )


class ArticlePatchIn(Strict):
    title: Title | None = None
    body: Body | None = None
    language: LanguageName | None = None
    desk: str | None = Field(
        default=None, min_length=1, max_length=20, description="A desk's key; null: global."
    )
    category: RowId | None = None
    review_on: datetime.date | None = None
    owner: str | None = Field(
        default=None, max_length=EMAIL_MAX, description="An agent's e-mail; null: you."
    )
    note: str = Field(default="", max_length=NOTE_MAX, description="What this version changed.")
    version: Annotated[int, Field(ge=1, le=ROW_ID_MAX)] | None = Field(
        default=None, description="The version you read: refused (409) if someone saved since."
    )


class TranslationOut(Schema):
    id: int
    language: str
    title: str


class ArticleOut(Schema):
    id: int
    title: str
    body: str
    body_html: str
    language: str
    desk: str | None
    category: int | None
    category_name: str | None
    status: str = Field(json_schema_extra={"enum": list(ArticleStatus.values)})
    translation_of: int | None
    translations: list[TranslationOut]
    owner: str
    version: int
    review_on: datetime.date | None
    is_outdated: bool
    view_count: int
    helpful_count: int
    unhelpful_count: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    published_at: datetime.datetime | None


class ArticleRowOut(Schema):
    id: int
    title: str
    language: str
    desk: str | None
    category: int | None
    status: str
    version: int
    updated_at: datetime.datetime
    published_at: datetime.datetime | None
    snippet: str | None = Field(
        description="With q: the matching text, HTML-escaped, matches in <mark>; else null."
    )
    score: float | None


class ArticlePage(Schema):
    items: list[ArticleRowOut]
    next_cursor: str | None


def article_out(article: Article, translations: list[Article]) -> dict[str, Any]:
    desk = article.desk
    category = article.category
    return {
        "id": article.pk,
        "title": article.title,
        "body": article.body,
        "body_html": article.body_html,
        "language": api_language(article.language),
        "desk": desk.key if desk is not None else None,
        "category": article.category_id,
        "category_name": category.name if category is not None else None,
        "status": article.status,
        "translation_of": article.translation_of_id,
        "translations": [
            {"id": other.pk, "language": api_language(other.language), "title": other.title}
            for other in translations
        ],
        "owner": article.owner.email,
        "version": article.version,
        "review_on": article.review_on,
        "is_outdated": article.is_outdated,
        "view_count": article.view_count,
        "helpful_count": article.helpful_count,
        "unhelpful_count": article.unhelpful_count,
        "created_at": article.created_at,
        "updated_at": article.updated_at,
        "published_at": article.published_at,
    }


def article_row_out(article: Article, hit: Hit | None = None) -> dict[str, Any]:
    desk = article.desk
    return {
        "id": article.pk,
        "title": article.title,
        "language": api_language(article.language),
        "desk": desk.key if desk is not None else None,
        "category": article.category_id,
        "status": article.status,
        "version": article.version,
        "updated_at": article.updated_at,
        "published_at": article.published_at,
        "snippet": hit.snippet_html if hit is not None else None,
        "score": hit.score if hit is not None else None,
    }
