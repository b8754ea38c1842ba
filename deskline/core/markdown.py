"""Markdown to safe HTML: CommonMark without raw HTML, then sanitised by nh3 (Ammonia)."""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable(
    ["table", "strikethrough"]
)
_ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "img",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"},
                       "td": {"align"}, "ol": {"start"}}  # fmt: skip


# One line of words and plain punctuation, starting with a letter: nothing in it means anything
# to Markdown (no list, heading, emphasis, link, code, table or escape) or needs escaping in
# HTML, so it renders as itself in a paragraph. Many descriptions are such a sentence, and
# parsing and cleaning one cost a tenth of a millisecond of a ticket create.
_PLAIN_LINE = re.compile(r"[^\W\d_][^\W_]*(?:[ .,;:?()/%@'-]+[^\W_]*)*")


def render_markdown(text: str) -> str:
    """Render Markdown written by a person into HTML that is safe to show to anyone."""
    line = (text or "").rstrip(" ")
    if _PLAIN_LINE.fullmatch(line):
        return f"<p>{line}</p>\n"
    html = _parser.render(text or "")
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
