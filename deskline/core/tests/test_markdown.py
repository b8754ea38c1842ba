"""core.markdown: plain sentences take a short cut that gives exactly what the parser gives."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from deskline.core import markdown
from deskline.core.markdown import render_markdown

PLAIN = st.text(
    alphabet=st.sampled_from(list("aZé打印机 0123456789.,;:?()/%@'-_*#>|~`[]!&<\\\t\n+=")),
    max_size=40,
)


def _parsed(text: str) -> str:
    html = markdown._parser.render(text or "")
    return markdown.nh3.clean(
        html,
        tags=markdown._ALLOWED_TAGS,
        attributes=markdown._ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


@settings(max_examples=3000, deadline=None)
@given(PLAIN)
@example("Created by make bench.")
@example("1. First")
@example("a  -  b")
@example("Printer on floor 3 (east) jams: 50% of jobs fail.")
@example("  indented")
@example("    indented code")
@example("a    ")
@example("a-")
@example("word --- ")
def test_the_short_cut_gives_what_the_parser_gives(text: str):
    assert render_markdown(text) == _parsed(text)


def test_plain_sentences_take_the_short_cut():
    for text in ("Created by make bench.", "打印机坏了", "VPN drops at 5 p.m. (Sydney)"):
        assert markdown._PLAIN_LINE.fullmatch(text)
    for text in ("1. First", "- item", "# Title", "a *b*", "a\nb", "<b>", "a & b", "x_y"):
        assert not markdown._PLAIN_LINE.fullmatch(text)
