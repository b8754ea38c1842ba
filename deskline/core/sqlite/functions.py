"""SQL functions that every SQLite connection of Deskline has (registered in base.py).

`deskline_space_cjk(text)`: the text with a space on each side of every CJK character and
with CJK punctuation turned into spaces. FTS5's unicode61 tokenizer takes a run of letters
without spaces as one token, and Chinese is written without spaces: spaced, every character is a
token of its own and a word is found anywhere inside a sentence by a phrase query of its
characters. PostgreSQL does the same with the equal regular expression in the stored ticket
vector (search/migrations/0004).
"""

from __future__ import annotations

import re

# Hiragana and katakana, CJK ideographs (extension A, the unified block, compatibility
# ideographs, the supplementary planes' extensions).
CJK_CHARACTERS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Ideographic punctuation and full-width punctuation: separators, as ASCII punctuation is.
CJK_PUNCTUATION = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
_SPACE_CJK = re.compile(f"([{CJK_CHARACTERS}])|[{CJK_PUNCTUATION}]")


def space_cjk(text: str | None) -> str | None:
    """`text` with every CJK character standing apart as a word of its own."""
    if text is None:
        return None
    return _SPACE_CJK.sub(r" \1 ", text)


def register(connection: object) -> None:
    """Add the functions to a new sqlite3 connection."""
    connection.create_function(  # type: ignore[attr-defined]
        "deskline_space_cjk", 1, space_cjk, deterministic=True
    )
