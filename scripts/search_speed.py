"""How fast search is on a big database: a quick measurement, not the bench.

    DESKLINE_VAR_DIR=/tmp/speed DATABASE_URL=... python scripts/search_speed.py \
        --documents 100000 --tickets 100000

Run it on a scratch database (it migrates it and adds rows). Documents are written in bulk SQL
as demo/seeding.py writes tickets (the index follows through the triggers on SQLite and the
generated column on PostgreSQL), a tenth of the seeded tickets get a Chinese summary, then each
kind of query is timed many times and p50/p95 printed in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable

DOC_QUERIES = [
    "password", "reset password", "vpn", "printer jammed", "how do I connect to the vpn",
    "pasword", "battrey", "prin", "打印机", "密码", "重置密码", "连不上", "VPN 连不上",
    "qzxwvk", '"NEAR(', "mailbox quota full", "wireless network drops",
]  # fmt: skip
TICKET_QUERIES = ["print", "vpn", "password reset", "打印机", "卡纸", "VPN 连不上", "qzxwvk"]
_ENGLISH = (
    "password reset account printer jammed paper tray toner vpn client network wireless "
    "laptop battery screen keyboard mouse mailbox quota outlook calendar meeting room badge "
    "access door software licence install update windows linux server backup restore file "
    "share folder permission phone headset camera monitor cable dock charger slow error "
    "crash freeze login sign token expired certificate browser proxy firewall port"
)
_CHINESE = (
    "打印机 卡纸 密码 重置 账户 网络 连不上 公司 笔记本 电脑 电池 屏幕 键盘 鼠标 邮箱 "
    "会议室 门禁卡 软件 安装 更新 服务器 备份 文件 共享 权限 手机 耳机 摄像头 显示器 充电器 "
    "很慢 错误 崩溃 登录 证书 浏览器 代理 防火墙 双面 打印 总是 需要 帮助 无法 提示 超时"
)
ENGLISH, CHINESE = _ENGLISH.split(), _CHINESE.split()


def _fake(rng: random.Random, chinese: bool, words: int) -> str:
    pool = CHINESE if chinese else ENGLISH + [f"term{n}" for n in range(3000)]
    joiner = "" if chinese else " "
    return joiner.join(rng.choice(pool) for _ in range(words))


def _timed(calls: int, work: Callable[[], object]) -> tuple[float, float]:
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--tickets", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--existing", action="store_true", help="measure the rows already there")
    arguments = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deskline.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    rng = random.Random(12)
    print(f"database: {connection.vendor}")
    if arguments.documents:
        if not arguments.existing:
            _write_documents(arguments.documents, rng)
        _measure_documents(arguments.repeat, rng)
    if arguments.tickets:
        _tickets(arguments, rng)


def _write_documents(count: int, rng: random.Random) -> None:
    from django.db import connection, transaction

    from deskline.search.models import SearchWord
    from deskline.search.text import indexed_text, words

    started = time.monotonic()
    rows, vocabulary = [], set()
    for n in range(count):
        chinese = rng.random() < 0.3
        title = _fake(rng, chinese, rng.randint(3, 7))
        body = _fake(rng, chinese, rng.randint(40, 160))
        language = "zh-hans" if chinese else "en"
        rows.append(("article", 10_000_000 + n, language, rng.choice([None, 1, 2]), title,
                     body, indexed_text(title), indexed_text(body)))  # fmt: skip
        if not chinese and n < 2000:
            vocabulary |= words(f"{title} {body}")
    print(f"{len(rows):,} documents made ({time.monotonic() - started:.1f} s)")
    columns = "kind, object_id, language, desk_id, title, body, title_terms, body_terms"
    with transaction.atomic():
        raw = connection.connection
        if connection.vendor == "postgresql":
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY search_searchdocument ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            raw.executemany(
                f"INSERT INTO search_searchdocument ({columns}) VALUES (?,?,?,?,?,?,?,?)", rows
            )
        SearchWord.objects.bulk_create(
            [SearchWord(word=w) for w in vocabulary], ignore_conflicts=True
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"documents written and indexed ({time.monotonic() - started:.1f} s)")


def _measure_documents(repeat: int, rng: random.Random) -> None:
    from django.db import transaction

    from deskline.search import documents

    for query in DOC_QUERIES:
        p50, p95 = _timed(
            repeat,
            lambda q=query: documents.search_documents(q, language="en", desk_ids=[1, None]),
        )
        print(f"search_documents {query!r:34} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms")
    counter = iter(range(10**9))

    def index_one() -> None:
        n = next(counter)
        chinese = n % 3 == 0
        with transaction.atomic():
            documents.index_document(
                kind="question", object_id=n, language="zh-hans" if chinese else "en",
                title=_fake(rng, chinese, 6), body=_fake(rng, chinese, 300), desk_id=1,
            )  # fmt: skip

    p50, p95 = _timed(repeat * 3, index_one)
    print(f"index_document (300 words)                 p50 {p50:7.2f} ms  p95 {p95:7.2f} ms")


def _tickets(arguments: argparse.Namespace, rng: random.Random) -> None:
    from django.db import connection

    from deskline.demo.seeding import seed_tickets
    from deskline.search.backends import filter_tickets_by_text
    from deskline.tickets.models import Ticket

    started = time.monotonic()
    seed_tickets(tickets=arguments.tickets, random_seed=7)
    sentences = ["双面打印时打印机总是卡纸", "VPN 连不上公司网络", "笔记本电脑电池很快没电",
                 "会议室的显示器无法连接", "邮箱已满，无法发送邮件"]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM tickets_ticket ORDER BY id")
        ids = [row[0] for row in cursor.fetchall()][::10]
        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            cursor.executemany(
                "UPDATE tickets_ticket SET summary = %s WHERE id = %s",
                [(rng.choice(sentences), i) for i in chunk],
            )
        cursor.execute("ANALYZE")
    print(f"{arguments.tickets:,} tickets seeded, a tenth in Chinese "
          f"({time.monotonic() - started:.1f} s)")  # fmt: skip
    for query in TICKET_QUERIES:

        def page(q: str = query) -> None:
            list(filter_tickets_by_text(Ticket.objects.order_by("-id"), q)[:50].values("id"))

        p50, p95 = _timed(arguments.repeat, page)
        print(f"ticket search {query!r:37} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms")


if __name__ == "__main__":
    main()
