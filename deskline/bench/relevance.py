"""The relevance bench: how well document search answers, on the Debian FAQ (en + zh-hans).

`python -m deskline.bench.relevance` runs it alone; `make bench` runs it too (BENCH_ROWS
"relevance"). For each database of BENCH_DATABASES (a fresh SQLite file under var/bench, and
BENCH_POSTGRES_URL's database with `_relevance` appended), it migrates, indexes every FAQ
section through `index_document` (and their vectors through search.semantic), then runs every
query through the lexical search, the hybrid and the semantic search alone, and prints per
set: queries, MRR (rank within the first 20) and recall@5. The sets:

- titles: each section's own question, answered by that section, in its language;
- paraphrases: relevance_queries' hand-written queries, same language;
- cross-language (zh -> en): the Chinese titles and paraphrases with the Chinese sections
  removed, so the only answer is the English twin.

It also measures the vector scan over 100,000 synthetic documents, the query embedding, the
model's memory, and how soon a newly indexed document is found by meaning. Numbers only: no
row fails on them (ADR 0017 records them).
"""

from __future__ import annotations

import contextlib
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

BENCH_DIR = Path(__file__).resolve().parents[2] / "var" / "bench"
TOP = 20
TARGET_MRR = 0.75
SCAN_DOCUMENTS = 100_000
PRESCAN_RESCORE = 20


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _postgres_url() -> str:
    url = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/deskline_bench")
    parsed = urlparse(url)
    return urlunparse(parsed._replace(path=parsed.path.rstrip("/") + "_relevance"))


def table() -> list[str]:
    """Run the relevance bench in a fresh database of each kind; the printed lines."""
    from deskline.bench import relevance_corpus
    from deskline.bench.databases import _environment, fresh_postgres, fresh_sqlite

    root = relevance_corpus.fetch(BENCH_DIR / "relevance")
    lines: list[str] = []
    for database in _env_list("BENCH_DATABASES", "sqlite,postgres"):
        if database == "sqlite":
            url, label = fresh_sqlite(BENCH_DIR / "relevance-sqlite"), "SQLite"
        elif database == "postgres":
            url, label = fresh_postgres(_postgres_url()), "PostgreSQL"
        else:
            continue
        env = _environment(url)
        env.setdefault("HF_HUB_OFFLINE", "1")  # nothing may come from a model hub
        print(f"== relevance, {label}: migrating {url}", flush=True)
        deskline = str(Path(sys.executable).parent / "deskline")
        subprocess.run(  # noqa: S603 - our own console script
            [deskline, "migrate", "--noinput", "-v0"], env=env, check=True
        )
        done = subprocess.run(  # noqa: S603 - this module, in a process on that database
            [sys.executable, "-m", "deskline.bench.relevance", "--evaluate", str(root)],
            env=env,
            check=True,
            stdout=subprocess.PIPE,  # the table; progress goes to stderr as it comes
            text=True,
        )
        lines.append(f"Relevance on the Debian FAQ, {label}")
        lines.extend(done.stdout.rstrip("\n").splitlines())
        lines.append("")
    return lines


# ---- in the process on the bench database ------------------------------------------------


def _rank(hits: Sequence[object], answer: int) -> int | None:
    for position, hit in enumerate(hits, start=1):
        if getattr(hit, "object_id", None) == answer:
            return position
    return None


def _measure(
    search: Callable[..., Sequence[Any]], queries: Sequence[tuple[str, int]], language: str
) -> tuple[float, float, list[float]]:
    from deskline.search import embeddings

    reciprocal, found, seconds = 0.0, 0, []
    for query, answer in queries:
        embeddings.forget_queries()  # each query's time includes its embedding
        started = time.perf_counter()
        hits = search(query, language=language, limit=TOP)
        seconds.append(time.perf_counter() - started)
        rank = _rank(hits, answer)
        if rank is not None:
            reciprocal += 1.0 / rank
            found += rank <= 5
    return reciprocal / len(queries), found / len(queries), seconds


def _p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scan_lines(documents: int = SCAN_DOCUMENTS) -> list[str]:
    """The in-memory vector scan at `documents` random unit vectors, int8 (no database)."""
    import numpy as np

    from deskline.search import embeddings, semantic

    generator = np.random.default_rng(1)
    index = semantic._Index(token="synthetic", version=1, size=documents)
    index.matrix = np.empty((documents, embeddings.DIMENSIONS), dtype=np.int8)
    for start in range(0, documents, 10_000):  # in slices: the float temporaries stay small
        rows = generator.standard_normal((min(10_000, documents - start), 512), dtype=np.float32)
        rows /= np.linalg.norm(rows, axis=1, keepdims=True)
        index.matrix[start : start + len(rows)] = np.clip(np.rint(rows * 127), -127, 127)
    index.bits = np.ascontiguousarray(semantic.sign_bits(index.matrix).T)
    index.ids = np.arange(1, documents + 1, dtype=np.int64)
    index.kinds = np.zeros(documents, dtype=np.int8)
    index.desks = generator.integers(-1, 20, documents).astype(np.int64)
    index.languages = np.zeros(documents, dtype=np.int16)
    index.language_codes = {"en": 0}
    queries = generator.standard_normal((60, embeddings.DIMENSIONS)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    lines = []
    for label, exact_below in (("exact int8", documents + 1), ("sign bits + rescore", None)):
        with _exact_below(exact_below):
            for desks in ([1, 2, 3, None], None):
                seconds = []
                for vector in queries:
                    started = time.perf_counter()
                    semantic._ranking(
                        index, vector, kinds=["article"], language="en", desk_ids=desks, limit=50
                    )
                    seconds.append(time.perf_counter() - started)
                seconds = seconds[10:]  # the first calls warm the caches
                scope = "4 desks" if desks else "all desks"
                lines.append(
                    f"vector scan, {documents:,} x {embeddings.DIMENSIONS}, {label}, {scope}: "
                    f"p50 {statistics.median(seconds) * 1000:.1f} ms, "
                    f"p95 {_p95(seconds) * 1000:.1f} ms (kind, language, top 50)"
                )
    lines.append(
        f"in memory: int8 {index.matrix.nbytes / 2**20:.0f} MiB + sign bits "
        f"{index.bits.nbytes / 2**20:.1f} MiB; process peak RSS {_rss_mib():.0f} MiB"
    )
    return lines


@contextlib.contextmanager
def _exact_below(value: int | None, rescore: int | None = None):
    """Force semantic's scan to score exactly (a large value) or pre-scan (0) for a while."""
    from deskline.search import semantic

    saved = semantic.EXACT_BELOW, semantic.RESCORE
    if value is not None:
        semantic.EXACT_BELOW = value
    if rescore is not None:
        semantic.RESCORE = rescore
    try:
        yield
    finally:
        semantic.EXACT_BELOW, semantic.RESCORE = saved


def _prescanned(search: Callable[..., Sequence[Any]], rescore: int):
    def run(query: str, **kwargs: Any) -> Sequence[Any]:
        with _exact_below(0, rescore):
            return search(query, **kwargs)

    return run


def evaluate(root: Path) -> list[str]:
    """Index the FAQ into the (empty, migrated) database in use and measure every set."""
    from deskline.bench.relevance_corpus import load
    from deskline.bench.relevance_queries import PARAPHRASES_EN, PARAPHRASES_ZH
    from deskline.search import documents, embeddings, semantic
    from deskline.search.models import SearchDocument

    lines: list[str] = []
    sections = load(root)
    object_ids: dict[tuple[str, str], int] = {}
    started = time.perf_counter()
    for number, section in enumerate(sections, start=1):
        object_ids[section.language, section.anchor] = number
        documents.index_document(
            kind=documents.ARTICLE,
            object_id=number,
            language=section.language,
            title=section.title,
            body=section.body,
            desk_id=None,
        )
    indexed = time.perf_counter() - started
    rss_before_model = _rss_mib()
    started = time.perf_counter()
    embeddings.query_vector("warm up")
    model_seconds = time.perf_counter() - started
    rss_model = _rss_mib() - rss_before_model
    started = time.perf_counter()
    embedded = semantic.embed_missing()
    embed_seconds = time.perf_counter() - started
    lines.append(
        f"{len(sections)} sections ({sum(s.language == 'en' for s in sections)} en, "
        f"{sum(s.language == 'zh-hans' for s in sections)} zh-hans): indexed in {indexed:.1f} s; "
        f"model {embeddings.MODEL} loaded in {model_seconds:.1f} s (+{rss_model:.0f} MiB RSS); "
        f"{embedded} documents embedded in {embed_seconds:.1f} s"
    )

    def titles(language: str, answer_language: str) -> list[tuple[str, int]]:
        return [
            (s.title, object_ids[answer_language, s.anchor])
            for s in sections
            if s.language == language and (answer_language, s.anchor) in object_ids
        ]

    def paraphrases(pairs: Sequence[tuple[str, str]], answer_language: str):
        return [(query, object_ids[answer_language, anchor]) for query, anchor in pairs]

    methods: dict[str, Callable[..., Sequence[Any]]] = {
        "lexical": documents.lexical_search,
        "hybrid": semantic.hybrid_search,
        "semantic": semantic.semantic_search,
        # The sign-bit pre-scan forced on this small corpus: only the nearest PRESCAN_RESCORE
        # documents by Hamming distance are scored exactly (at 100,000 it is RESCORE of them).
        f"bits{PRESCAN_RESCORE}": _prescanned(semantic.semantic_search, PRESCAN_RESCORE),
    }
    sets = [
        ("en", "titles", titles("en", "en"), "en"),
        ("en", "paraphrases", paraphrases(PARAPHRASES_EN, "en"), "en"),
        ("zh-hans", "titles", titles("zh-hans", "zh-hans"), "zh-hans"),
        ("zh-hans", "paraphrases", paraphrases(PARAPHRASES_ZH, "zh-hans"), "zh-hans"),
    ]
    header = f"{'set':<26}{'queries':>8}"
    for name in methods:
        header += f"{name + ' MRR':>14}{'R@5':>7}"
    lines.extend([header])
    latencies: dict[str, list[float]] = {name: [] for name in methods}

    def run(label: str, queries: list[tuple[str, int]], language: str) -> None:
        line = f"{label:<26}{len(queries):>8}"
        for name, search in methods.items():
            mrr, recall, seconds = _measure(search, queries, language)
            latencies[name].extend(seconds)
            line += f"{mrr:>14.3f}{recall:>7.2f}"
        lines.append(line)
        print(line, file=sys.stderr, flush=True)

    for language, kind, queries, searcher in sets:
        run(f"{language} {kind}", queries, searcher)
    # Cross-language: the Chinese sections go; Chinese queries must find the English twin.
    for section in sections:
        if section.language == "zh-hans":
            documents.remove_document(
                kind=documents.ARTICLE, object_id=object_ids["zh-hans", section.anchor]
            )
    run("zh -> en titles", titles("zh-hans", "en"), "zh-hans")
    run("zh -> en paraphrases", paraphrases(PARAPHRASES_ZH, "en"), "zh-hans")
    lines.append(f"target: MRR >= {TARGET_MRR} in both languages; a Chinese query finds the")
    lines.append("English article when no Chinese one exists (zh -> en).")
    for name, seconds in latencies.items():
        lines.append(
            f"{name:<9} per query on this corpus: p50 {statistics.median(seconds) * 1000:.1f} ms,"
            f" p95 {_p95(seconds) * 1000:.1f} ms ({len(seconds)} queries)"
        )
    probe = [(s.title, s.body) for s in sections if s.language == "en"][:1]
    vector_times = []
    for _ in range(30):
        embeddings.forget_queries()
        started = time.perf_counter()
        embeddings.query_vector(probe[0][0])
        vector_times.append(time.perf_counter() - started)
    lines.append(
        f"query embedding alone: p50 {statistics.median(vector_times) * 1000:.1f} ms, "
        f"p95 {_p95(vector_times) * 1000:.1f} ms"
    )
    # Publish to searchable by meaning: index one more document, then the next search.
    started = time.perf_counter()
    documents.index_document(
        kind=documents.ARTICLE,
        object_id=999_999,
        language="en",
        title="Zebra firmware for the office label printer",
        body="Flash the firmware of the striped label printer from the vendor's tool.",
        desk_id=None,
    )
    semantic.embed_document(SearchDocument.objects.get(object_id=999_999))
    found = semantic.semantic_search("标签打印机固件", language="zh-hans", limit=3)
    publish = time.perf_counter() - started
    lines.append(
        f"publish to findable by meaning (index + embed + next search): {publish * 1000:.0f} ms, "
        f"found: {any(hit.object_id == 999_999 for hit in found)}"
    )
    lines.append(f"process peak RSS (model, corpus, Django): {_rss_mib():.0f} MiB")
    lines.extend(scan_lines())
    lines.append(  # other work on the machine skews every timing above
        f"machine load average (1 min): {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
    )
    return lines


def main(argv: Sequence[str]) -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deskline.settings")
    django.setup()
    if len(argv) >= 2 and argv[0] == "--evaluate":
        print("\n".join(evaluate(Path(argv[1]))))
        return 0
    print()
    print("\n".join(table()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
