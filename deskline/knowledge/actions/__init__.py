"""Every write to the knowledge base. Help center, workspace, API and the community call these.

Each action validates everything it is given before its first write (bad input is a
`KnowledgeError` with a code, a message in the active language and its fields), then writes in
one transaction, the search index included (`deskline.search.documents`), so bad input writes
nothing and the index never disagrees with what was committed.

- `articles`: `article_create`, `article_update` (a new version), `article_publish`,
  `article_archive`, `article_restore_draft`, `article_flag_outdated`, `article_mark_reviewed`.
- `readers`: `article_viewed`, `article_feedback`, `deflection_record`.
- `tickets`: `article_link_ticket`, `article_unlink_ticket`, `article_from_ticket`,
  `attachment_add`.
- `categories`: `category_create`, `category_update`.
- `checks`: what they all check, and how an article reaches the index.
"""

from deskline.knowledge.actions.articles import (
    UPDATABLE,
    article_archive,
    article_create,
    article_flag_outdated,
    article_mark_reviewed,
    article_publish,
    article_restore_draft,
    article_update,
)
from deskline.knowledge.actions.categories import category_create, category_update
from deskline.knowledge.actions.checks import BODY_MAX, TITLE_MAX
from deskline.knowledge.actions.readers import (
    article_feedback,
    article_viewed,
    deflection_record,
)
from deskline.knowledge.actions.tickets import (
    article_from_ticket,
    article_link_ticket,
    article_unlink_ticket,
    attachment_add,
)
from deskline.knowledge.errors import KnowledgeError

__all__ = [
    "BODY_MAX",
    "TITLE_MAX",
    "UPDATABLE",
    "KnowledgeError",
    "article_archive",
    "article_create",
    "article_feedback",
    "article_flag_outdated",
    "article_from_ticket",
    "article_link_ticket",
    "article_mark_reviewed",
    "article_publish",
    "article_restore_draft",
    "article_unlink_ticket",
    "article_update",
    "article_viewed",
    "attachment_add",
    "category_create",
    "category_update",
    "deflection_record",
]
