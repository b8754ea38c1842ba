"""The knowledge base's bench rows: article search through the API, suggestions while typing on
a request form, and the time from publishing an article until search finds it.

The two HTTP rows are driven like the others (wrk, `paths` mode: the driver cycles through the
given paths). The suggestion URL is the help center's (`/desks/<KEY>/new/<id>/suggestions/`); a
build without it answers 404, and the row is then skipped with a note. Publish-to-searchable
runs in-process against the scratch database (`deskline shell`), like the SLA clock row: it
times `article_publish` (the index update inside its transaction) and then the search that
finds the article.
"""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

DESKLINE = str(Path(sys.executable).parent / "deskline")
# Words the seeded articles use (deskline/demo/seed_articles.py), English and Chinese.
ARTICLE_QUERIES = ("vpn", "printer", "password", "outlook", "leave request", "expense claim",
                   "docking station", "certificate", "打印机", "密码", "报销", "会议室", "共享盘",
                   "remote desktop", "wireless network", "payslip")  # fmt: skip
# What a person types into the summary, one keystroke-pause at a time.
TYPING = ("pri", "print", "printer", "printer jam", "vp", "vpn", "vpn disconnect", "pass",
          "password", "password reset", "打印", "打印机", "密码")  # fmt: skip
PUBLISH_SAMPLES = 200


def article_search_paths() -> str:
    return ",".join(f"/api/v1/articles?q={quote(query)}&limit=10" for query in ARTICLE_QUERIES)


def suggestion_paths(desk: str, request_type_id: int) -> str:
    base = f"/desks/{desk}/new/{request_type_id}/suggestions/"
    return ",".join(f"{base}?q={quote(text)}" for text in TYPING)


def url_answers(url: str, cookie: str) -> int:
    """The status `url` answers with (a GET with the session cookie)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


PUBLISH_SCRIPT = """
import statistics, time
from deskline.accounts.models import User
from deskline.knowledge.actions import article_create, article_publish
from deskline.search.documents import ARTICLE, search_documents
agent = User.objects.get(email="{email}")
publish, searchable, missing = [], [], 0
for n in range({samples}):
    word = "benchword" + "".join(chr(97 + int(d)) for d in str(n))
    article = article_create(actor=agent, title="Projector " + word + " flickers",
                             body="Swap the cable " + word + ".", language="en", desk="IT")
    started = time.perf_counter()
    article_publish(actor=agent, article=article)
    published = time.perf_counter()
    hits = search_documents(word, kinds=[ARTICLE], language="en", limit=5)
    found = time.perf_counter()
    if not any(hit.object_id == article.pk for hit in hits):
        missing += 1
    publish.append((published - started) * 1000)
    searchable.append((found - started) * 1000)
def p(values, q):
    return statistics.quantiles(values, n=100)[q - 1]
print("BENCH-PUBLISH %.2f %.2f %.2f %.2f %d" % (p(publish, 50), p(publish, 95),
      p(searchable, 50), p(searchable, 95), missing))
"""


def publish_to_searchable(env: dict[str, str], label: str, email: str) -> list[str]:
    """The publish-to-searchable table for the scratch database of `env`."""
    script = PUBLISH_SCRIPT.format(email=email, samples=PUBLISH_SAMPLES)
    done = subprocess.run(  # noqa: S603 - our own console script
        [DESKLINE, "shell", "-c", script], env=env, check=True, capture_output=True, text=True
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH-PUBLISH"))
    p50, p95, total50, total95, missing = line.split()[1:]
    verdict = "ok" if float(p95) < 50 and int(missing) == 0 else "MISS"
    return [
        f"{label}: publish-to-searchable, {PUBLISH_SAMPLES} articles, in-process",
        f"{'step':<34}{'p50 ms':>9}{'p95 ms':>9}{'target':>8}  result",
        f"{'article_publish (index update)':<34}{float(p50):>9.1f}{float(p95):>9.1f}"
        f"{'< 50':>8}  {verdict}",
        f"{'publish, then search finds it':<34}{float(total50):>9.1f}{float(total95):>9.1f}"
        f"{'-':>8}  {'not found: ' + missing if int(missing) else 'found every one'}",
    ]
