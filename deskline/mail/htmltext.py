"""HTML of received mail: sanitised to show inside Deskline, and read as plain text. Pure.

`sanitize_html` keeps no script, style, event handler, form, frame or remote load (images only
from the message itself, cid:); `html_to_text` turns sanitised HTML into readable text:
paragraphs, line breaks, list items, quoted blocks ("> "), links as "text <url>".
"""

from __future__ import annotations

import html as html_entities
import re

import nh3

from deskline.mail.charsets import collapse_whitespace

_WHITESPACE = re.compile(r"\s+")
_URL_SCHEMES = {"http", "https", "mailto", "tel", "cid"}
_DROPPED_WITH_CONTENT = {"script", "style", "title", "xml", "noscript", "template"}


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    # Remote images tell the sender who read the mail and when: only the message's own (cid:).
    if tag == "img" and attribute == "src":
        return value if value[:4].lower() == "cid:" else None
    if attribute == "href" and value[:4].lower() == "cid:":
        return None
    return value


def sanitize_html(markup: str) -> str:
    """HTML safe to show inside a Deskline page: no scripts, styles, event handlers, forms or
    frames, no remote loads (images only from the message itself, cid:), no relative links."""
    return nh3.clean(
        markup,
        clean_content_tags=_DROPPED_WITH_CONTENT,
        attribute_filter=_attribute_filter,
        url_schemes=_URL_SCHEMES,
        url_relative="deny",
        link_rel="noopener noreferrer nofollow",
    )


_META_CHARSET = re.compile(rb"<meta[^>]{0,300}?charset\s*=\s*[\"']?\s*([\w.:-]{1,40})", re.I)


def meta_charset(data: bytes) -> str:
    found = _META_CHARSET.search(data[:4096])
    return found.group(1).decode("ascii").lower() if found else ""


# In sanitised HTML (nh3 escapes ">" inside attribute values) a tag ends at the first ">".
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")
_ATTRIBUTE = re.compile(r'([a-zA-Z-]+)="([^"]*)"')
_BLOCKS = frozenset(
    [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "caption",
        "pre",
        "hr",
        "address",
        "article",
        "aside",
        "footer",
        "header",
        "nav",
        "section",
        "figure",
        "figcaption",
        "center",
        "details",
        "summary",
    ]
)
_PARAGRAPHS = frozenset(
    ["p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "dl", "pre", "hr", "blockquote"]
)


class _TextWriter:
    """Lines of text, each with its quote depth (a <blockquote> is quoted with "> ")."""

    def __init__(self) -> None:
        self.lines: list[tuple[int, str]] = []
        self.current: list[str] = []
        self.depth = 0
        self.blank_wanted = False

    def write(self, text: str) -> None:
        self.current.append(text)

    def at_space(self) -> bool:
        """Whether the line is empty or ends with a space (where spaces of the HTML vanish)."""
        return not self.current or self.current[-1].endswith(" ")

    def end_line(self, *, blank: bool = False, keep_empty: bool = False) -> None:
        text = "".join(self.current).strip()
        self.current = []
        if text:
            if self.blank_wanted and self.lines and self.lines[-1][1]:
                self.lines.append((min(self.depth, self.lines[-1][0]), ""))
            self.lines.append((self.depth, text))
            self.blank_wanted = False
        elif keep_empty and self.lines and self.lines[-1][1]:
            self.lines.append((self.depth, ""))
        if blank:
            self.blank_wanted = True

    def result(self) -> str:
        self.end_line()
        return "\n".join(
            (">" * depth + " " if depth else "") + text if text else ">" * depth
            for depth, text in self.lines
        )


def html_to_text(markup: str) -> str:
    """A readable text version of (sanitised) HTML: paragraphs, line breaks, list items, quoted
    blocks with "> ", links as "text <url>"."""
    writer = _TextWriter()
    links: list[tuple[str, list[str]]] = []
    preformatted = 0
    position = 0
    for match in _TAG.finditer(markup):
        _write_text(writer, links, markup[position : match.start()], preformatted > 0)
        position = match.end()
        closing, name = match.group(1) == "/", match.group(2).lower()
        if name == "br":
            writer.end_line(keep_empty=True)
        elif name == "li":
            writer.end_line()
            if not closing:
                writer.write("- ")
        elif name in ("tr",):
            writer.end_line()
        elif name in ("td", "th") and not closing:
            writer.write(" ")
        elif name == "blockquote":
            writer.end_line(blank=True)
            writer.depth = max(0, writer.depth + (-1 if closing else 1))
        elif name in _BLOCKS:
            writer.end_line(blank=name in _PARAGRAPHS)
            if name == "pre":
                preformatted = max(0, preformatted + (-1 if closing else 1))
        elif name == "a":
            if closing and links:
                href, words = links.pop()
                label = "".join(words).strip()
                target = href[7:] if href.startswith("mailto:") else href
                if target and target not in label:
                    writer.write(f" <{target}>")
            elif not closing:
                attributes = dict(_ATTRIBUTE.findall(match.group(3)))
                links.append((html_entities.unescape(attributes.get("href", "")), []))
        elif name == "img" and not closing:
            alt = html_entities.unescape(dict(_ATTRIBUTE.findall(match.group(3))).get("alt", ""))
            if alt.strip():
                writer.write(f"[{collapse_whitespace(alt)}]")
    _write_text(writer, links, markup[position:], preformatted > 0)
    return writer.result()


def _write_text(
    writer: _TextWriter, links: list[tuple[str, list[str]]], raw: str, preformatted: bool
) -> None:
    if not raw:
        return
    text = html_entities.unescape(raw)
    if preformatted:
        lines = text.split("\n")
        for number, line in enumerate(lines):
            if number:
                writer.end_line(keep_empty=True)
            writer.write(line)
    else:
        text = _WHITESPACE.sub(" ", text)
        if writer.at_space():
            text = text.lstrip()
        if text:
            writer.write(text)
    for _, words in links:
        words.append(text)
