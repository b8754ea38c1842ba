"""The relevance bench's parts that need no download: the FAQ parser, the queries, the metric."""

from deskline.bench import relevance, relevance_corpus, relevance_queries

CHAPTER = """<html><body><div class="navheader"><a href="x">Prev</a></div>
<div class="chapter"><h1 class="title"><a id="uptodate"></a>Chapter 9. Keeping up to date</h1>
<div class="toc"><dl class="toc"><dt><a href="#howtocurrent">9.1. How current?</a></dt></dl></div>
<div class="section"><h2 class="title"><a id="howtocurrent"></a>9.1. How can I keep my Debian
 system current?</h2><p>Use <code>apt</code> &amp; friends.</p>
<h3 class="title"><a id="apt"></a>9.1.1. apt-get</h3><p>Run apt-get upgrade.</p></div>
<div class="section"><h2 class="title"><a id="upgradesingle"></a>9.2. 必须进入单用户模式吗？</h2>
<p>不需要。</p></div></div>
<div class="navfooter"><a href="next">Next</a> Chapter 10. Kernel</div></body></html>"""


def test_a_chapter_splits_into_its_sections_with_anchor_number_title_and_text():
    first, second = relevance_corpus.parse_chapter(CHAPTER, "en")
    assert (first.anchor, first.number, first.title) == (
        "howtocurrent",
        "9.1",
        "How can I keep my Debian system current?",
    )
    assert first.body == "Use apt & friends. 9.1.1. apt-get Run apt-get upgrade."
    assert (second.anchor, second.title, second.body) == (
        "upgradesingle",
        "必须进入单用户模式吗？",
        "不需要。",
    )
    assert "Next" not in second.body and "Prev" not in first.body


def test_every_language_has_at_least_25_paraphrases_and_they_name_anchors():
    for queries in (relevance_queries.PARAPHRASES_EN, relevance_queries.PARAPHRASES_ZH):
        assert len(queries) >= 25
        assert all(query.strip() and anchor.strip() for query, anchor in queries)
    # The same sections in both languages, so the sets compare.
    assert [a for _q, a in relevance_queries.PARAPHRASES_EN] == [
        a for _q, a in relevance_queries.PARAPHRASES_ZH
    ]


class _Hit:
    def __init__(self, object_id):
        self.object_id = object_id


def test_mrr_and_recall_at_5_count_the_rank_of_the_answer():
    answers = {"a": [1, 2, 3], "b": [4, 5, 6, 7, 8, 9], "c": [7]}

    def search(query, *, language, limit):
        return [_Hit(object_id) for object_id in answers[query]][:limit]

    mrr, recall, seconds = relevance._measure(search, [("a", 1), ("b", 9), ("c", 1)], "en")
    assert abs(mrr - (1 + 1 / 6 + 0) / 3) < 1e-9
    assert abs(recall - 1 / 3) < 1e-9
    assert len(seconds) == 3
