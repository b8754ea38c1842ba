"""The demo's community: a few questions with their answers, in English and in Chinese, asked
over the last weeks by the demo's customers and answered by them and the agents."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from deskline.accounts.models import Locale, User
from deskline.community.actions import answer_accept, answer_post, question_ask, vote
from deskline.community.models import Answer, Question
from deskline.desks.models import Desk


@dataclass(frozen=True)
class Thread:
    desk: str | None  # a desk's key; None for a global question
    asker: str  # a login of people.py
    title: str
    body: str
    language: str
    # (login, body); the first one listed in `accepted` is accepted by the asker.
    answers: tuple[tuple[str, str], ...]
    accepted: int | None
    voters: tuple[str, ...]
    days_ago: int


THREADS: tuple[Thread, ...] = (
    Thread(
        "IT",
        "emma.taylor",
        "How do I connect to the VPN from home?",
        "I'm working from home this week and the VPN client says **certificate expired**.",
        Locale.ENGLISH,
        (
            (
                "chloe.nguyen",
                "Open the VPN client, choose *Settings > Renew certificate*, then connect again.",
            ),
            ("noah.smith", "Restarting the laptop fixed it for me, but renewing is the real fix."),
        ),
        0,
        ("mia.jones", "noah.smith", "ava.johnson"),
        12,
    ),
    Thread(
        "IT",
        "ava.johnson",
        "Printer on the 3rd floor keeps jamming",
        "Every second page jams. I already replaced the paper tray.",
        Locale.ENGLISH,
        (("marcus.reed", "Open the back cover, take out any torn paper and clean the rollers."),),
        None,
        ("emily.davis",),
        5,
    ),
    Thread(
        "IT",
        "zhang.min",
        "怎样在家里连接公司 VPN？",
        "这周在家办公，VPN 客户端提示**证书已过期**。",
        Locale.SIMPLIFIED_CHINESE,
        (("li.wei", "打开 VPN 客户端，选择“设置 > 更新证书”，然后重新连接即可。"),),
        0,
        ("liu.yang", "chen.jing"),
        9,
    ),
    Thread(
        "HR",
        "liu.yang",
        "年假可以跨年使用吗？",
        "今年还剩三天年假，明年一季度还能用吗？",
        Locale.SIMPLIFIED_CHINESE,
        (
            ("zhao.li", "可以，未休年假可顺延至次年 3 月 31 日，之后自动作废。"),
            ("huang.lei", "我去年就是这样用的，记得提前在系统里提交申请。"),
        ),
        0,
        ("zhang.min",),
        20,
    ),
    Thread(
        None,
        "james.harris",
        "Where can I find the guest Wi-Fi password?",
        "A visitor is coming tomorrow and needs Wi-Fi.",
        Locale.ENGLISH,
        (),
        None,
        (),
        1,
    ),
)


def load_community(
    *, users: dict[str, User], desks: dict[str, Desk], started_at: datetime.datetime
) -> int:
    """Ask, answer, accept and vote the demo's threads through the actions, then date them in
    the past; returns how many questions were asked."""
    for thread in THREADS:
        asker = users[thread.asker]
        question = question_ask(
            actor=asker,
            title=thread.title,
            body=thread.body,
            language=thread.language,
            desk=desks[thread.desk] if thread.desk else None,
        )
        asked_at = started_at - datetime.timedelta(days=thread.days_ago)
        answers = []
        for position, (login, body) in enumerate(thread.answers):
            answer = answer_post(actor=users[login], question=question, body=body)
            Answer.objects.filter(pk=answer.pk).update(
                created_at=asked_at + datetime.timedelta(hours=2 + 5 * position),
                updated_at=asked_at + datetime.timedelta(hours=2 + 5 * position),
            )
            answers.append(answer)
        if thread.accepted is not None:
            answer_accept(actor=asker, answer=answers[thread.accepted])
        for login in thread.voters:
            vote(actor=users[login], target=answers[0] if answers else question, value=1)
        Question.objects.filter(pk=question.pk).update(
            created_at=asked_at,
            updated_at=asked_at + datetime.timedelta(hours=8),
            view_count=7 + 3 * len(thread.voters) + 2 * len(thread.answers),
        )
    return len(THREADS)
