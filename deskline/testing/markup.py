"""Checking that HTML rendered from what people write is safe to show to anyone."""

from __future__ import annotations

from html.parser import HTMLParser

# Markdown and raw HTML that try to run a script in the reader's browser.
DANGEROUS_MARKDOWN = [
    "<script>alert(1)</script>",
    "Hello <script src=https://evil.example/x.js></script> there",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click]( javascript:alert(1) )",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '<img src=x onerror="alert(1)">',
    "<a href='javascript:alert(1)'>x</a>",
    "<iframe src=https://evil.example></iframe>",
    '[x](https://ok.example "title" onmouseover="alert(1)")',
    "<svg onload=alert(1)>",
    "<<script>script>alert(1)<</script>/script>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
]


class Markup(HTMLParser):
    """Collects the tags and the link targets of rendered HTML."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.urls: list[str] = []
        self.handlers: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name in ("href", "src"):
                self.urls.append((value or "").strip().lower())
            if name.startswith("on"):
                self.handlers.append(name)


def assert_safe(html: str) -> Markup:
    """Fail unless `html` has no script-like tag, no script or data link and no event handler."""
    markup = Markup(html)
    assert not markup.tags & {"script", "iframe", "object", "embed", "style", "svg", "form"}, html
    assert not any(url.startswith(("javascript:", "data:", "vbscript:")) for url in markup.urls)
    assert markup.handlers == [], html
    return markup


def first_match(pattern: str, text: str, flags: int = 0) -> str:
    """The first group of `pattern`'s first match in `text`; fails the test when there is none."""
    import re

    found = re.search(pattern, text, flags)
    assert found is not None, f"{pattern!r} is not in the page"
    return found.group(1)
