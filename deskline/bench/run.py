"""`make bench`: seed scratch databases, run the production server, drive it, print tables.

Environment: BENCH_TICKETS (100000), BENCH_ARTICLES (100000), BENCH_DATABASES (sqlite,postgres),
BENCH_SERVERS (granian; also gunicorn, uvicorn when installed), BENCH_ROWS (create,list,detail,
search,queue,ticketpage, articles: API article search, articles1: the same at concurrency 1,
suggest: help-center suggestions while typing, publish: publish-to-searchable in-process;
clock: the SLA clock's 1,000,000 business_seconds_between, in-process, no server; relevance:
search quality on the Debian FAQ, deskline/bench/relevance.py; ingest: `deskline mail ingest`
of 10,000 .eml files, deskline/bench/mail.py),
BENCH_WORKERS (2),
BENCH_CONCURRENCY (8), BENCH_SECONDS (20, the time bound of a row), BENCH_REQUESTS (a number to
bound every row; by default each row has its own), BENCH_ROUNDS (1; more alternate the servers),
BENCH_POSTGRES_URL (postgres://postgres@127.0.0.1:5432/deskline_bench).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from deskline.bench import clock as clock_bench
from deskline.bench import knowledge as knowledge_bench
from deskline.bench import relevance as relevance_bench
from deskline.bench.databases import (
    BENCH_AGENT,
    Scratch,
    fresh_postgres,
    fresh_sqlite,
    prepare,
)
from deskline.bench.load import RowResult, ensure_wrk, run_row
from deskline.bench.server import SERVERS, Server, is_installed
from deskline.demo.seeding import SEARCH_TERMS

BENCH_DIR = Path(__file__).resolve().parents[2] / "var" / "bench"


@dataclass(frozen=True)
class Row:
    key: str
    title: str
    mode: str
    requests: int
    min_per_second: float | None
    max_p95_ms: float | None
    # The HTML pages' target is server time per page, so they are driven one request at a time:
    # at concurrency 8 the latency would be mostly waiting in the queue.
    concurrency: int | None = None


ROWS = (
    Row("create", "API create ticket", "create", 4000, 680, None),
    Row("list", "API list (desk+status)", "list", 1500, 77.5, 50),
    Row("detail", "API ticket detail", "detail", 4000, 385, 50),
    Row("search", "API search q=", "search", 2000, 143.5, None),
    Row("queue", "Workspace queue (c=1)", "page", 500, None, 50, concurrency=1),
    Row("ticketpage", "Workspace ticket (c=1)", "ticketpage", 1000, None, 50, concurrency=1),
    # Article search at concurrency 8 shows the throughput (its p95 there is mostly the queue
    # before two busy workers); the target, a search's p95 under 30 ms, is the server time of
    # one search, measured one at a time as the pages' targets are.
    Row("articles", "API search articles q=", "paths", 2000, None, None),
    Row("articles1", "API search articles (c=1)", "paths", 1000, None, 30, concurrency=1),
    Row("suggest", "Suggestions while typing", "htmlpaths", 1000, None, 50, concurrency=1),
)
WARM_UP_REQUESTS = 100
HTML_MODES = ("page", "ticketpage", "htmlpaths")


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _argument(row: Row, scratch: Scratch) -> str:
    if row.mode == "create":
        return f"IT:{scratch.request_type_id}"
    if row.mode == "list":
        return "/api/v1/tickets?desk=IT&status=open"
    if row.mode == "page":
        return "/agent/queues/unassigned/"
    if row.key in ("articles", "articles1"):
        return knowledge_bench.article_search_paths()
    if row.key == "suggest":
        return knowledge_bench.suggestion_paths("IT", scratch.request_type_id)
    if row.mode in ("detail", "ticketpage"):
        return f"IT:{scratch.last_numbers['IT']}"
    return ",".join(SEARCH_TERMS)


def _verdict(row: Row, result: RowResult) -> str:
    misses = []
    if row.min_per_second is not None and result.per_second < row.min_per_second:
        misses.append("rate")
    if row.max_p95_ms is not None and result.p95_ms >= row.max_p95_ms:
        misses.append("p95")
    if result.errors:
        misses.append("errors")
    return "ok" if not misses else "MISS " + "+".join(misses)


def bench_server(scratch: Scratch, server_name: str, rows: list[Row]) -> list[str]:
    """Run `rows` against one server on one database; the printed table, line by line."""
    workers = _env_int("BENCH_WORKERS", 2)
    concurrency = _env_int("BENCH_CONCURRENCY", 8)
    seconds = _env_int("BENCH_SECONDS", 20)
    bound = _env_int("BENCH_REQUESTS", 0)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    server = Server(
        server_name, env=scratch.env, workers=workers, log_path=BENCH_DIR / f"{server_name}.log"
    )
    lines = [
        f"{scratch.label}: {SERVERS[server_name][0]}, {workers} workers, "
        f"concurrency {concurrency}, seed {scratch.seed_seconds:.0f} s",
        f"{'row':<24}{'requests':>9}{'req/s':>9}{'target':>10}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'target':>8}{'errors':>8}  result",
    ]
    failures = []
    load_before = os.getloadavg()[0]  # other work on the machine skews every number
    try:
        server.wait_until_ready(scratch.token)
        for row in rows:
            argument = _argument(row, scratch)
            if row.key == "suggest":
                first = server.url + argument.split(",")[0]
                status = knowledge_bench.url_answers(first, scratch.session_cookie)
                if status == 404:
                    lines.append(f"{row.title:<24} skipped: the help center has no suggestion "
                                 f"URL in this build ({first} answers 404)")  # fmt: skip
                    print(lines[-1], flush=True)
                    continue

            credential = scratch.session_cookie if row.mode in HTML_MODES else scratch.token

            def drive(
                requests: int,
                row: Row = row,
                argument: str = argument,
                credential: str = credential,
            ) -> RowResult:
                return run_row(url=server.url, mode=row.mode, argument=argument,
                               token=credential, requests=requests, seconds=seconds,
                               concurrency=row.concurrency or concurrency)  # fmt: skip

            drive(WARM_UP_REQUESTS)
            result = drive(bound or row.requests)
            p95_target = f"< {row.max_p95_ms:g}" if row.max_p95_ms is not None else "-"
            rate_target = (
                ">= " + format(row.min_per_second, "g") if row.min_per_second is not None else "-"
            )
            lines.append(
                f"{row.title:<24}{result.responses:>9}{result.per_second:>9.1f}"
                f"{rate_target:>10}{result.p50_ms:>9.1f}"
                f"{result.p95_ms:>9.1f}{p95_target:>8}{result.errors:>8}  {_verdict(row, result)}"
            )
            print(lines[-1], flush=True)
            if result.errors:
                failures.append(f"{row.title}: {result.errors} errors, e.g. {result.sample_error}")
    finally:
        server.stop()
    lines.append(
        "machine load average (1 min) before and after: "
        f"{load_before:.2f} / {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
    )
    lines.append(
        f"server peak RSS: {server.peak_rss / 2**20:.1f} MiB "
        f"(sum of VmRSS over {server.processes} processes: master and workers)"
    )
    lines.extend(failures)
    return lines


def _ingest_table() -> list[str]:
    """Mail in's row (deskline/bench/mail.py), in a process of its own: its own scratch
    databases, as many as BENCH_DATABASES names."""
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "deskline.bench.mail"], capture_output=True, text=True
    )
    lines = done.stdout.rstrip("\n").splitlines()
    if done.returncode not in (0, 1) or not lines:
        lines.append(f"mail ingest failed: {done.stderr.strip()[-500:]}")
    return lines


def main() -> int:
    """Run the bench as configured by the environment; non-zero when any request failed."""
    tickets = _env_int("BENCH_TICKETS", 100_000)
    articles = _env_int("BENCH_ARTICLES", 100_000)
    databases = _env_list("BENCH_DATABASES", "sqlite,postgres")
    servers = _env_list("BENCH_SERVERS", "granian")
    wanted = _env_list(
        "BENCH_ROWS",
        ",".join([*(row.key for row in ROWS), "publish", "clock", "relevance", "ingest"]),
    )
    rows = [row for row in ROWS if row.key in wanted]
    tables: list[list[str]] = []
    if "clock" in wanted:
        tables.append(clock_bench.table(clock_bench.run_clock_bench()))
        if rows:  # the server rows take minutes: show this table now, and again at the end
            print("\n".join(tables[-1]), flush=True)
    if "relevance" in wanted:
        tables.append(relevance_bench.table())
        if rows:
            print("\n".join(tables[-1]), flush=True)
    if "ingest" in wanted:
        tables.append(_ingest_table())
        if rows:
            print("\n".join(tables[-1]), flush=True)
    if not rows and "publish" not in wanted:
        print()
        for table in tables:
            print("\n".join(table), end="\n\n")
        return 0
    unknown = (set(databases) - {"sqlite", "postgres"}) | (set(servers) - set(SERVERS))
    if unknown:
        print(f"Unknown BENCH_DATABASES or BENCH_SERVERS entries: {sorted(unknown)}")
        return 2
    ensure_wrk()
    for database in databases:
        if database == "sqlite":
            url, label = (
                fresh_sqlite(BENCH_DIR),
                f"SQLite, {tickets:,} tickets, {articles:,} articles",
            )
        else:
            pg_url = os.environ.get(
                "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/deskline_bench"
            )
            url = fresh_postgres(pg_url)
            label = f"PostgreSQL, {tickets:,} tickets, {articles:,} articles"
        scratch = prepare(label, url, tickets, articles)
        if "publish" in wanted:
            tables.append(
                knowledge_bench.publish_to_searchable(scratch.env, scratch.label, BENCH_AGENT)
            )
            print("\n".join(tables[-1]), flush=True)
        # Rounds alternate the servers, so that other load on the machine hits each alike.
        for _round in range(_env_int("BENCH_ROUNDS", 1) if rows else 0):
            for server_name in servers:
                if not is_installed(server_name):
                    print(f"-- {server_name} is not installed in this venv: skipped")
                    continue
                tables.append(bench_server(scratch, server_name, rows))
    print()
    for table in tables:
        print("\n".join(table), end="\n\n")
    failed = any(": " in line and " errors, e.g. " in line for table in tables for line in table)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
