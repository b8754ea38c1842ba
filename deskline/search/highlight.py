"""Highlighted titles and snippets of a hit: HTML-escaped text with the matched words in <mark>.

The databases stem English and cut Chinese at index time; here the words of the query are found
in the original text again: a Chinese word as it is, an English word as the start of a word,
its common endings taken off first (`passwords` marks "password", `print` marks "printer").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.html import escape

from deskline.search.text import is_cjk

SNIPPET_CHARACTERS = 180
_BEFORE = 40  # characters kept before the first match
_ENDINGS = ("ing", "ed", "es", "s", "ly", "er")
_SPACE = re.compile(r"\s+")


def _stem(word: str) -> str:
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def pattern(terms: Sequence[str]) -> re.Pattern[str] | None:
    """One regular expression finding any of the query's terms in a text."""
    alternatives = set()
    for term in terms:
        if not term:
            continue
        if is_cjk(term):
            alternatives.add(re.escape(term))
        else:
            alternatives.add(r"(?<![^\W_])" + re.escape(_stem(term)) + r"[^\W_]*")
    if not alternatives:
        return None
    ordered = sorted(alternatives, key=len, reverse=True)
    return re.compile("|".join(ordered), re.IGNORECASE)


def mark(text: str, found: re.Pattern[str] | None) -> str:
    """`text` escaped, with every match of `found` in <mark>."""
    if found is None:
        return escape(text)
    parts: list[str] = []
    position = 0
    for match in found.finditer(text):
        if match.end() == match.start():
            continue
        parts.append(escape(text[position : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    parts.append(escape(text[position:]))
    return "".join(parts)


def snippet(text: str, found: re.Pattern[str] | None, size: int = SNIPPET_CHARACTERS) -> str:
    """A window of `text` around its first match (or its start), escaped and marked."""
    flat = _SPACE.sub(" ", text or "").strip()
    first = found.search(flat) if found is not None else None
    start = 0
    if first is not None and first.start() > _BEFORE:
        start = first.start() - _BEFORE
        space = flat.find(" ", start, first.start())
        if space != -1 and first.start() - space < _BEFORE:
            start = space + 1
    end = min(len(flat), start + size)
    if end < len(flat) and (space := flat.rfind(" ", start + size // 2, end)) != -1:
        end = space
    window = mark(flat[start:end], found)
    return ("…" if start > 0 else "") + window + ("…" if end < len(flat) else "")
