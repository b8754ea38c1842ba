"""Bulk synthetic knowledge articles for benchmarks: `seed_articles(articles=M)`.

Articles of the seed desks (and some global ones) in English and Simplified Chinese, generated
from word lists and real IT phrases, mostly published, some drafts and archived ones, some
Chinese ones linked as translations of an English one. Rows are written in batches with
`bulk_create` (explicit ids; PostgreSQL's sequence is moved past them) with their first version;
their HTML is built with the text, which is plain by construction (no Markdown to parse). The
published ones are indexed through `deskline.search.documents`: its bulk `index_documents` when
it offers one, else `index_document` per article, a batch per transaction.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils.html import escape

from deskline.accounts.models import Locale, Team
from deskline.core.time import now
from deskline.desks.models import Desk
from deskline.knowledge.models import Article, ArticleStatus, ArticleVersion, Category
from deskline.search import documents

Progress = Callable[[str], None]

SEED_CATEGORIES = {
    "IT": (("Accounts and passwords", "账号与密码"), ("Laptops and printers", "电脑与打印机"),
           ("Network and VPN", "网络与 VPN"), ("E-mail and calendar", "邮件与日历")),
    "HR": (("Leave", "休假"), ("Payroll", "工资"), ("Onboarding", "入职")),
    "FAC": (("Buildings and rooms", "楼宇与会议室"), ("Badges", "门禁卡")),
    "FIN": (("Expenses", "报销"), ("Invoices", "发票")),
}  # fmt: skip
GLOBAL_CATEGORY = ("Getting help", "获取帮助")

EN_VERBS = ("set up", "reset", "connect to", "fix", "update", "request", "share", "install",
            "remove", "renew", "move", "back up", "restore", "unlock", "configure")  # fmt: skip
EN_THINGS = ("your password", "the office VPN", "Outlook on your phone", "a shared mailbox",
             "the network printer", "a second monitor", "the docking station", "Teams meetings",
             "the wireless network", "two-factor sign-in", "a new laptop", "the shared drive",
             "your leave request", "an expense claim", "a purchase order", "your payslip",
             "a visitor badge", "a meeting room booking", "the intranet", "a software licence",
             "a calendar invitation", "the build server", "a certificate", "the headset",
             "your e-mail signature", "a distribution list", "remote desktop",
             "the webcam")  # fmt: skip
EN_CONTEXTS = ("on Windows", "on a Mac", "from home", "in the Shanghai office", "after an update",
               "for a new starter", "when travelling", "in the London office", "step by step",
               "without admin rights", "on Android", "on an iPhone",
               "before month end")  # fmt: skip
EN_STEPS = ("Open Settings and choose Accounts.", "Sign in with your work e-mail address.",
            "Restart the device and try again.", "Check that the cable is plugged in firmly.",
            "Choose the option that matches your office.", "Wait a few minutes for the change.",
            "Clear the browser cache and reload the page.", "Approve the sign-in on your phone.",
            "Attach a screenshot of the error to your request.", "Select Save to keep it.",
            "Ask your manager to approve it in the portal.", "Copy the code from the e-mail.",
            "Install the latest update from the Software Center.", "Turn Wi-Fi off and on.",
            "Choose the printer nearest to you from the list.",
            "Log out and log in again.")  # fmt: skip
EN_INTROS = ("This article explains how to {task}.", "Follow these steps to {task}.",
             "Many people ask how to {task}; here is the short answer.",
             "You can {task} yourself in a few minutes.")  # fmt: skip
EN_CLOSERS = ("If it still does not work, raise a request and mention this article.",
              "Contact the service desk if you see an error code.",
              "It usually takes effect within fifteen minutes.")  # fmt: skip
ZH_TITLES = ("如何重置密码", "连接公司 VPN", "在手机上设置 Outlook 邮箱", "添加网络打印机",
             "申请共享邮箱", "连接第二台显示器", "扩展坞无法识别", "Teams 会议没有声音",
             "连接办公室无线网络", "开启双重身份验证", "领取新笔记本电脑", "访问共享盘",
             "提交休假申请", "提交报销单", "创建采购订单", "查看工资单", "申请访客门禁卡",
             "预订会议室", "访问公司内网", "申请软件许可证", "更新电子邮件签名",
             "使用远程桌面", "摄像头无法使用", "更换过期的证书", "耳机没有声音",
             "Outlook 日历无法同步", "电脑运行很慢", "打印机卡纸", "忘记门禁卡",
             "浏览器证书错误")  # fmt: skip
ZH_CONTEXTS = ("（Windows）", "（Mac）", "（居家办公）", "（上海办公室）", "（新员工）",
               "（出差时）", "（更新之后）", "（安卓手机）", "（iPhone）", "")  # fmt: skip
ZH_STEPS = ("打开设置，选择账户。", "使用公司邮箱地址登录。", "重启电脑后再试一次。",
            "检查网线是否插好。", "选择离你最近的打印机。", "等待几分钟让更改生效。",
            "清除浏览器缓存并刷新页面。", "在手机上批准登录请求。", "在请求中附上错误截图。",
            "点击保存。", "请经理在门户中审批。", "复制邮件中的验证码。",
            "从软件中心安装最新更新。", "关闭无线网络后重新打开。", "注销后重新登录。",
            "确认 VPN 客户端已经连接。")  # fmt: skip
ZH_INTROS = (
    "本文介绍如何{task}。",
    "按照以下步骤{task}。",
    "很多同事问到如何{task}，简要说明如下。",
)
ZH_CLOSERS = ("如果仍然无法解决，请提交请求并注明本文。", "看到错误代码时请联系服务台。",
              "通常十五分钟内生效。")  # fmt: skip
STATUS_WEIGHTS = ((ArticleStatus.PUBLISHED, 90), (ArticleStatus.DRAFT, 7),
                  (ArticleStatus.ARCHIVED, 3))  # fmt: skip
INDEX_BATCH = 1_000


@dataclass(frozen=True)
class ArticleSeedResult:
    articles: int
    published: int
    seconds: float


@dataclass
class _DeskPlan:
    desk_id: int | None
    category_ids: list[int]
    owner_ids: list[int]


def _plans() -> list[_DeskPlan]:
    """The seed desks (those that exist) with their categories (made when missing) and agents,
    and the global shelf with every agent of them."""
    plans: list[_DeskPlan] = []
    every_agent: set[int] = set()
    for key, names in SEED_CATEGORIES.items():
        desk = Desk.objects.filter(key=key).first()
        if desk is None:
            continue
        owners = sorted(
            set(Team.members.through.objects.filter(team__desks=desk).values_list(
                "user_id", flat=True
            ))
        )  # fmt: skip
        if not owners:
            continue
        every_agent.update(owners)
        plans.append(_DeskPlan(desk.pk, _categories(desk, names), owners))
    if every_agent:
        plans.append(_DeskPlan(None, _categories(None, (GLOBAL_CATEGORY,)), sorted(every_agent)))
    return plans


def _categories(desk: Desk | None, names: tuple[tuple[str, str], ...]) -> list[int]:
    ids = []
    for position, (english, chinese) in enumerate(names):
        category, _created = Category.objects.get_or_create(
            desk=desk,
            name=english,
            defaults={"position": position, "translations": {"zh-hans": {"name": chinese}}},
        )
        ids.append(category.pk)
    return ids


def _english(rng: random.Random) -> tuple[str, list[str]]:
    task = f"{rng.choice(EN_VERBS)} {rng.choice(EN_THINGS)}"
    title = f"How to {task} {rng.choice(EN_CONTEXTS)}"
    steps = rng.sample(EN_STEPS, rng.randint(3, 6))
    lines = [rng.choice(EN_INTROS).format(task=task), *steps, rng.choice(EN_CLOSERS)]
    return title[:200], lines


def _chinese(rng: random.Random) -> tuple[str, list[str]]:
    topic = rng.choice(ZH_TITLES)
    title = f"{topic}{rng.choice(ZH_CONTEXTS)}"
    task = topic.removeprefix("如何")
    steps = rng.sample(ZH_STEPS, rng.randint(3, 6))
    lines = [rng.choice(ZH_INTROS).format(task=task), *steps, rng.choice(ZH_CLOSERS)]
    return title, lines


def _markdown_and_html(lines: list[str]) -> tuple[str, str]:
    """An introduction, numbered steps and a closing line, as Markdown and as its HTML."""
    intro, *steps, closer = lines
    markdown = "\n".join(
        [intro, "", *(f"{n}. {step}" for n, step in enumerate(steps, start=1)), "", closer]
    )
    items = "".join(f"<li>{escape(step)}</li>\n" for step in steps)
    html = f"<p>{escape(intro)}</p>\n<ol>\n{items}</ol>\n<p>{escape(closer)}</p>\n"
    return markdown, html


def _next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        highest = int(cursor.fetchone()[0])
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id'))")
            highest = max(highest, int(cursor.fetchone()[0]))
    return highest + 1


def _move_sequences() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in (Article._meta.db_table, ArticleVersion._meta.db_table):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )


def _index(rows: list[Article], plain: dict[int, str]) -> None:
    published: list[dict[str, Any]] = [
        {
            "kind": documents.ARTICLE,
            "object_id": article.pk,
            "language": article.language,
            "title": article.title,
            "body": plain[article.pk],
            "desk_id": article.desk_id,
        }
        for article in rows
        if article.status == ArticleStatus.PUBLISHED
    ]
    bulk: Any = getattr(documents, "index_documents", None)
    if bulk is not None:
        bulk(published)
        return
    for document in published:
        documents.index_document(**document)


def _vectors(
    rows: list[Article], phrases: dict[int, tuple[str, list[str]]], known: dict[str, Any]
) -> None:
    """The published articles' vectors for the search by meaning, composed from the vectors of
    their phrases: the seed writes each article from a few hundred titles and steps, and
    embedding 100,000 whole bodies would take the better part of an hour (ADR 0017). Each
    distinct phrase is embedded once (`known`, across batches); a body's vector is the
    normalised sum of its lines', the document's that of its title's and its body's, as
    `embeddings.document_vectors` makes it from whole texts."""
    if not documents.semantic_enabled():
        return
    from deskline.search import embeddings, semantic
    from deskline.search.models import SearchDocument

    published = [row for row in rows if row.status == ArticleStatus.PUBLISHED]
    texts = {text for row in published for text in (phrases[row.pk][0], *phrases[row.pk][1])}
    missing = sorted(texts - known.keys())
    for text, vector in zip(missing, embeddings.embed_texts(missing), strict=True):
        known[text] = vector
    document_ids = dict(
        SearchDocument.objects.filter(
            kind=documents.ARTICLE, object_id__in=[row.pk for row in published]
        ).values_list("object_id", "id")
    )
    vectors = {}
    for row in published:
        title, lines = phrases[row.pk]
        body = embeddings.unit(sum(known[line] for line in lines))
        vectors[document_ids[row.pk]] = embeddings.unit(known[title] + body)
    semantic.store_vectors(vectors)


def seed_articles(
    *,
    articles: int,
    progress: Progress | None = None,
    random_seed: int | None = None,
    batch_size: int = 5_000,
) -> ArticleSeedResult:
    """Append `articles` synthetic articles over the last two years to the seed desks (run
    `seed_tickets` first: it makes the desks, teams and agents), about a tenth of them global."""
    if articles < 0:
        raise ValueError("articles must be zero or more")
    say = progress or (lambda _message: None)
    started = time.monotonic()
    rng = random.Random(random_seed)
    plans = _plans()
    if not plans:
        raise RuntimeError("No seed desk with agents: seed the configuration first.")
    weights = [1 if plan.desk_id is None else 3 for plan in plans]
    statuses = [status for status, _weight in STATUS_WEIGHTS]
    status_weights = [weight for _status, weight in STATUS_WEIGHTS]
    moment = now()
    known_vectors: dict[str, Any] = {}
    published_total = 0
    written = 0
    while written < articles:
        count = min(batch_size, articles - written)
        with transaction.atomic():
            first_id = _next_id(Article._meta.db_table)
            first_version_id = _next_id(ArticleVersion._meta.db_table)
            rows: list[Article] = []
            versions: list[ArticleVersion] = []
            previous_english: Article | None = None
            plan_of: dict[int, _DeskPlan] = {}
            # The text the index gets: what the HTML shows, without its tags.
            plain: dict[int, str] = {}
            phrases: dict[int, tuple[str, list[str]]] = {}
            for offset in range(count):
                is_chinese = rng.random() < 0.4
                translation_of = None
                if is_chinese and previous_english is not None and rng.random() < 0.3:
                    # A translation: the same desk and category as the English article.
                    translation_of = previous_english.pk
                    plan = plan_of[previous_english.pk]
                    category_id = previous_english.category_id
                else:
                    plan = rng.choices(plans, weights)[0]
                    category_id = rng.choice(plan.category_ids)
                title, lines = _chinese(rng) if is_chinese else _english(rng)
                body, body_html = _markdown_and_html(lines)
                status = rng.choices(statuses, status_weights)[0]
                created = moment - datetime.timedelta(seconds=rng.randint(3_600, 730 * 86_400))
                article = Article(
                    id=first_id + offset,
                    title=title,
                    body=body,
                    body_html=body_html,
                    language=Locale.SIMPLIFIED_CHINESE if is_chinese else Locale.ENGLISH,
                    desk_id=plan.desk_id,
                    category_id=category_id,
                    status=status,
                    translation_of_id=translation_of,
                    owner_id=rng.choice(plan.owner_ids),
                    review_on=(created + datetime.timedelta(days=365)).date(),
                    view_count=rng.randint(0, 5_000),
                    helpful_count=rng.randint(0, 60),
                    unhelpful_count=rng.randint(0, 15),
                    created_at=created,
                    updated_at=created,
                    published_at=created if status != ArticleStatus.DRAFT else None,
                )
                rows.append(article)
                plain[article.pk] = " ".join(lines)
                phrases[article.pk] = (title, lines)
                versions.append(
                    ArticleVersion(
                        id=first_version_id + offset,
                        article_id=article.pk,
                        number=1,
                        title=title,
                        body=body,
                        author_id=article.owner_id,
                        created_at=created,
                    )
                )
                # A Chinese article translates at most one English one: the next English one
                # starts a new group.
                previous_english = None if is_chinese else article
                plan_of = {article.pk: plan}
            Article.objects.bulk_create(rows, batch_size=1_000)
            ArticleVersion.objects.bulk_create(versions, batch_size=1_000)
            _move_sequences()
            for start in range(0, len(rows), INDEX_BATCH):
                _index(rows[start : start + INDEX_BATCH], plain)
            _vectors(rows, phrases, known_vectors)
        written += count
        published_total += sum(row.status == ArticleStatus.PUBLISHED for row in rows)
        say(f"{written:>12,} / {articles:,} articles, {published_total:,} published and "
            f"indexed ({time.monotonic() - started:.1f} s)")  # fmt: skip
    if written:
        _analyze()
        say(f"search statistics ready ({time.monotonic() - started:.1f} s)")
    return ArticleSeedResult(written, published_total, time.monotonic() - started)


def _analyze() -> None:
    """Fresh planner statistics for the tables just filled: PostgreSQL's search picks its
    plan from how common the words are (search.documents), which the statistics of a table
    analysed when it was empty get wrong by far, and autovacuum would come only later."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ANALYZE knowledge_article, knowledge_articleversion, search_searchdocument, "
                "search_document_match, search_documentvector, search_searchword"
            )
        else:
            # Sampled, as PRAGMA optimize takes them: seconds instead of a full scan.
            for statement in (
                "PRAGMA analysis_limit = 1000",
                "ANALYZE",
                "PRAGMA analysis_limit = 0",
            ):
                cursor.execute(statement)
