"""The relevance bench's corpus: the Debian FAQ in English and Simplified Chinese.

Fetched when the bench runs (never committed): `apt-get download debian-faq debian-faq-zh-cn`
into var/bench/relevance/, unpacked with `dpkg-deb -x`. Both packages carry the same DocBook
HTML, one file per chapter, whose sections (`<h2>`) have the same anchor in both languages
(`uptodate.en.html#howtocurrent`, `zh-cn/uptodate.zh-cn.html#howtocurrent`): the anchor is the
section's identity across languages, and what the queries name as their answer.
"""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

PACKAGES = ("debian-faq", "debian-faq-zh-cn")
FAQ_DIR = Path("usr/share/doc/debian/FAQ")
LANGUAGES = {"en": "*.en.html", "zh-hans": "zh-cn/*.zh-cn.html"}
# The table of contents and the colophon are not answers to anything.
SKIPPED_CHAPTERS = ("index",)

_H2 = re.compile(r'<h2 class="title"[^>]*><a id="([^"]+)"></a>(.*?)</h2>', re.S)
_CUT = re.compile(r'<div class="(?:navfooter|navheader|toc)">.*?</div>\s*(?=<div|<h|$)', re.S)
_TAG = re.compile(r"<[^>]+>")
_NUMBER = re.compile(r"^\s*[\d.]+\s*")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Section:
    anchor: str  # the same in both languages
    language: str  # accounts.models.Locale values: "en", "zh-hans"
    number: str  # "9.1"
    title: str  # the section's question, without its number
    body: str


def fetch(directory: Path) -> Path:
    """The unpacked packages under `directory` (downloaded and unpacked once, then reused)."""
    root = directory / "root"
    if (root / FAQ_DIR).is_dir():
        return root
    directory.mkdir(parents=True, exist_ok=True)
    if not list(directory.glob("debian-faq_*.deb")) or not list(
        directory.glob("debian-faq-zh-cn_*.deb")
    ):
        subprocess.run(["apt-get", "download", *PACKAGES], cwd=directory, check=True)  # noqa: S603, S607 - fixed programs
    for deb in sorted(directory.glob("debian-faq*.deb")):
        subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)  # noqa: S603, S607 - fixed programs
    return root


def _text(fragment: str) -> str:
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()


def parse_chapter(page: str, language: str) -> list[Section]:
    """The sections (`<h2>`) of one chapter page; a section's `<h3>` parts stay in its body."""
    page = page.split('<div class="navfooter">', 1)[0]
    page = re.sub(r'<div class="toc">.*?</dl>\s*</div>', " ", page, flags=re.S)
    heads = list(_H2.finditer(page))
    sections = []
    for position, head in enumerate(heads):
        end = heads[position + 1].start() if position + 1 < len(heads) else len(page)
        heading = _text(head.group(2))
        number = _NUMBER.match(heading)
        sections.append(
            Section(
                anchor=head.group(1),
                language=language,
                number=number.group(0).strip().rstrip(".") if number else "",
                title=_NUMBER.sub("", heading, count=1),
                body=_text(page[head.end() : end]),
            )
        )
    return sections


def load(root: Path) -> list[Section]:
    """Every section of both languages, in chapter order."""
    sections: list[Section] = []
    for language, pattern in LANGUAGES.items():
        for path in sorted((root / FAQ_DIR).glob(pattern)):
            if path.name.split(".", 1)[0] in SKIPPED_CHAPTERS:
                continue
            sections.extend(parse_chapter(path.read_text(encoding="utf-8"), language))
    return [section for section in sections if section.title and section.body]
