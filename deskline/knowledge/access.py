"""Who may read and who may write which article: the only way views and endpoints reach one.

Reading (docs/adr/0018-knowledge.md):
- A published article of a desk is read by whoever may use that desk in the help center: every
  visitor, signed in or not, for an active desk (the help center is open to anonymous visitors,
  `tickets.help_center`), and the agents who serve an inactive one. A published global article
  (no desk) is read by everyone.
- Drafts and archived articles are read only by those who may write them.

Writing:
- A desk's articles: the agents of that desk (its teams' members, desk admins among them) and
  site admins; system actors act with an agent's authority on every desk.
- Global articles: every agent (they are the shared answers of all desks) and site admins.
- Categories are configuration: a desk's by its desk admins and site admins, global ones by
  site admins only.

An article the user may not read answers exactly like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deskline.core.errors import NotFound, PermissionDenied
from deskline.desks.catalog import catalog
from deskline.desks.models import Desk
from deskline.desks.selectors import served_desk_ids
from deskline.knowledge.models import Article, ArticleStatus, Category


def _is_person(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def readable_desk_ids(user: Any) -> frozenset[int]:
    """Desks whose published articles `user` (signed in or anonymous) may read."""
    known = catalog()
    active = frozenset(pk for pk, desk in known.desks.items() if desk.is_active)
    if _is_person(user):
        return active | served_desk_ids(user)
    return active


def writable_desk_ids(user: Any) -> frozenset[int]:
    """Desks whose articles `user` may write (agents of the desk, site admins, system actors)."""
    if not _is_person(user) or not (user.is_agent or user.is_system):
        return frozenset()
    return served_desk_ids(user)


def can_write_desk(user: Any, desk_id: int | None) -> bool:
    """Whether `user` may write articles of the desk `desk_id` (None: global articles)."""
    if not _is_person(user) or not (user.is_agent or user.is_system):
        return False
    if desk_id is None:
        return True
    return desk_id in served_desk_ids(user)


def can_write(user: Any, article: Article) -> bool:
    return can_write_desk(user, article.desk_id)


def can_read(user: Any, article: Article) -> bool:
    if article.status == ArticleStatus.PUBLISHED and (
        article.desk_id is None or article.desk_id in readable_desk_ids(user)
    ):
        return True
    return can_write(user, article)


def can_manage_categories(user: Any, desk_id: int | None) -> bool:
    """Whether `user` may create and change categories of `desk_id` (None: global ones)."""
    if not _is_person(user):
        return False
    if user.is_site_admin:
        return True
    if desk_id is None or not user.is_desk_admin:
        return False
    return desk_id in served_desk_ids(user)


def readable_articles_q(user: Any) -> Q:
    """The condition an article query gets so that it holds only what `user` may read."""
    published = Q(status=ArticleStatus.PUBLISHED) & (
        Q(desk_id__isnull=True) | Q(desk_id__in=sorted(readable_desk_ids(user)))
    )
    if not _is_person(user) or not (user.is_agent or user.is_system):
        return published
    # Agents write every global article and their desks'; those they read in any status.
    return published | Q(desk_id__isnull=True) | Q(desk_id__in=sorted(writable_desk_ids(user)))


def article_not_found() -> NotFound:
    return NotFound(_("There is no such article."), code="article_not_found")


def access_article(user: Any, article_id: Any, *, write: bool = False) -> Article:
    """The article `article_id` if `user` may read it (and write it, with `write`).

    NotFound (`article_not_found`) when it does not exist or the user may not read it;
    PermissionDenied (`article_read_only`) when they may read but not write it.
    """
    try:
        pk = int(article_id)
    except (TypeError, ValueError):
        raise article_not_found() from None
    if pk <= 0 or pk > 2**63 - 1:
        raise article_not_found()
    article = (
        Article.objects.select_related("desk", "category", "owner", "translation_of")
        .filter(pk=pk)
        .first()
    )
    if article is None or not can_read(user, article):
        raise article_not_found()
    if write and not can_write(user, article):
        raise PermissionDenied(
            _("You may read this article but not change it."), code="article_read_only"
        )
    return article


def access_category(user: Any, category_id: Any, *, write: bool = False) -> Category:
    """The category `category_id`, if its desk is one the user may use (global: everyone);
    with `write`, only if the user manages that desk's categories."""
    try:
        pk = int(category_id)
    except (TypeError, ValueError):
        raise _category_not_found() from None
    if pk <= 0 or pk > 2**63 - 1:
        raise _category_not_found()
    category = Category.objects.select_related("desk").filter(pk=pk).first()
    if category is None or (
        category.desk_id is not None
        and category.desk_id not in readable_desk_ids(user)
        and not can_write_desk(user, category.desk_id)
    ):
        raise _category_not_found()
    if write and not can_manage_categories(user, category.desk_id):
        raise PermissionDenied(
            _("Only this desk's admins may change its categories."), code="category_read_only"
        )
    return category


def _category_not_found() -> NotFound:
    return NotFound(_("There is no such category."), code="category_not_found")


def desk_is_usable(user: Any, desk: Desk | None) -> bool:
    return desk is None or desk.pk in readable_desk_ids(user) or can_write_desk(user, desk.pk)
