"""The words of a text, as the document index and its queries see them.

`tokens(text, language)` is the one segmentation used when a document is indexed and when a
query is searched (and by the relevance bench): lower-cased runs of letters and digits, and
runs of Chinese characters cut into words by jieba. At index time (`for_query=False`) jieba's
search mode also yields the shorter words inside a long one (打印机 gives 打印 and 打印机), so
that a query's word is found inside a longer one; a query is cut in jieba's precise mode.
Stemming of English is the databases' (FTS5 `porter`, PostgreSQL `english`), after this.

jieba's dictionary (about 50 MB in memory) is loaded once per process, on first use, and its
cache file goes to Deskline's var/ directory (or the temporary directory when there are no
settings), never beside the package.
"""

from __future__ import annotations

import logging
import re
import tempfile
import threading
from collections.abc import Iterator
from typing import Any

from deskline.core.sqlite.functions import CJK_CHARACTERS

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_PIECE = re.compile(f"[{CJK_CHARACTERS}]+|[^{CJK_CHARACTERS}]+")
_CJK = re.compile(f"[{CJK_CHARACTERS}]")

_lock = threading.Lock()
_tokenizer: Any = None


def is_cjk(word: str) -> bool:
    """Whether `word` starts with a CJK character (the tokens are never mixed)."""
    return bool(_CJK.match(word))


def tokens(text: str, language: str | None = None, *, for_query: bool = False) -> list[str]:
    """The words of `text` in order, lower-cased. `language` is the text's ("en", "zh-hans");
    Chinese characters are segmented whatever it says, since English documents quote Chinese
    names and Chinese ones English."""
    return list(_tokens(text or "", for_query=for_query))


def _tokens(text: str, *, for_query: bool) -> Iterator[str]:
    for word in _WORD.findall(text.lower()):
        for piece in _PIECE.findall(word):
            if not is_cjk(piece):
                yield piece
                continue
            cut = _jieba().lcut(piece) if for_query else _jieba().lcut_for_search(piece)
            for part in cut:
                if part.strip():
                    yield part


def indexed_text(text: str, language: str | None = None) -> str:
    """`text` as the index stores it: its index-time tokens separated by spaces."""
    return " ".join(tokens(text, language))


def warm_up() -> None:
    """Load jieba's dictionary now (a server may call this at start, in a thread of its own,
    so that the first Chinese search does not wait for it)."""
    _jieba()


def _jieba() -> Any:
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba  # loaded on first use: 50 MB and a second or so

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.tmp_dir = _cache_dir()
                tokenizer.initialize()
                _tokenizer = tokenizer
    return _tokenizer


def _cache_dir() -> str:
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        return str(settings.VAR_DIR)
    except (ImproperlyConfigured, AttributeError):  # no Django settings: a script, a bench
        return tempfile.gettempdir()


# English words worth correcting a misspelling to: ASCII letters, 3 to 32 of them.
_ENGLISH_WORD = re.compile(r"^[a-z]{3,32}$")


def words(text: str) -> set[str]:
    """The English words of `text` that a misspelt query word may be corrected to."""
    return {word for word in _WORD.findall((text or "").lower()) if _ENGLISH_WORD.match(word)}


def is_english_word(word: str) -> bool:
    return bool(_ENGLISH_WORD.match(word))


# PostgreSQL's `english` stop words (Snowball's list): left out of queries on both databases,
# so that "how do I reset my password" asks for "reset" and "password" everywhere.
_STOP_WORDS = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do
    does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will
    just don should now
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())


def query_tokens(text: str) -> list[str]:
    """The words of a query that are searched for: its query-time tokens less stop words."""
    return [token for token in tokens(text, for_query=True) if token not in STOP_WORDS]
