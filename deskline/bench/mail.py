"""Mail in's bench row: `deskline mail ingest` of 10,000 generated .eml files, messages/s.

`python -m deskline.bench.mail` makes a scratch database (SQLite under var/bench/mail; also
PostgreSQL with BENCH_DATABASES=sqlite,postgres and BENCH_POSTGRES_URL), migrates it, adds a
desk with a team, an agent and a mailbox, writes the messages as files and times one
`deskline mail ingest --desk MAIL FILE...` over them, from the start of the process to its end
(Django's start-up included). Target: at least 200 messages/s on SQLite. The ingest process's
CPU time is printed beside it: on a machine other work shares, wall time says more of the load
than of the code.

The mix, generated with a fixed seed, is what a desk's mailbox carries: new requests from 1,000
people (each sender's first mail makes their customer account), replies threading by
In-Reply-To and by the key in the subject, automatic replies, and a message in ten with a small
PNG attached. Environment: BENCH_MAIL_MESSAGES (10000).
"""

from __future__ import annotations

import email.policy
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

DESKLINE = str(Path(sys.executable).parent / "deskline")
BENCH_DIR = Path(__file__).resolve().parents[2] / "var" / "bench" / "mail"
TARGET_PER_SECOND = 200.0
TITLE = "mail ingest, .eml files"
SENDERS = 1000
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
SETUP = """
from deskline.accounts.models import Role, Team, User
from deskline.desks.actions import desk_create, request_type_create
from deskline.mail.models import Mailbox
team = Team.objects.create(name="Mail bench")
agent = User.objects.create_user("agent@bench.example", display_name="Agent", role=Role.AGENT)
team.members.add(agent)
desk = desk_create(key="MAIL", name="Mail bench", teams=[team])
request_type = request_type_create(desk=desk, name="E-mail request", default_team=team)
Mailbox.objects.create(desk=desk, name="Bench", address="desk@bench.example",
                       request_type=request_type, sender_rate_limit=0)
"""
SUBJECTS = (
    "Printer on the 3rd floor is jammed",
    "VPN disconnects every hour",
    "Password reset for the finance share",
    "New laptop for a new starter",
    "Outlook keeps asking for my password",
    "打印机卡纸",
    "无法连接 VPN",
    "申请新的显示器",
)


@dataclass(frozen=True)
class MailResult:
    label: str
    messages: int
    seconds: float
    cpu_seconds: float  # of the ingest process: the part that does not depend on the machine's load
    summary: str
    target: float = TARGET_PER_SECOND

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0

    @property
    def ok(self) -> bool:
        return self.per_second >= self.target


def generate(directory: Path, count: int, seed: int = 20261204) -> list[str]:
    """Write `count` messages into `directory` as NNNNN.eml; their file names, in order."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    # (sender, Message-ID, ticket number) of the new requests so far: a reply comes from the
    # person who asked.
    sent: list[tuple[str, str, int]] = []
    names = []
    for number in range(1, count + 1):
        sender = f"person{rng.randrange(SENDERS)}@customers.example"
        roll = rng.random()
        if sent and roll < 0.35:
            sender, answered, ticket = rng.choice(sent)
        message = EmailMessage(policy=email.policy.SMTP)
        message["From"] = f"Person <{sender}>"
        message["To"] = "desk@bench.example"
        message["Date"] = "Fri, 04 Dec 2026 10:00:00 +0800"
        message["Message-ID"] = f"<bench{number}@customers.example>"
        body = "Hello,\n\nit stopped working this morning. Could you have a look?\n\nThanks\n"
        if sent and roll < 0.25:
            message["Subject"] = "Re: " + rng.choice(SUBJECTS)
            message["In-Reply-To"] = f"<{answered}>"
            message["References"] = f"<{answered}>"
            body = "It happened again just now.\n\nOn Friday, the desk wrote:\n> Please restart.\n"
        elif sent and roll < 0.35:
            message["Subject"] = f"RE: [MAIL-{ticket}] " + rng.choice(SUBJECTS)
            body = "Still broken, see above.\n"
        elif roll < 0.40:
            message["Subject"] = "Out of office"
            message["Auto-Submitted"] = "auto-replied"
        else:
            message["Subject"] = rng.choice(SUBJECTS)
            sent.append((sender, f"bench{number}@customers.example", len(sent) + 1))
        message.set_content(body)
        if rng.random() < 0.1:
            message.add_attachment(PNG, maintype="image", subtype="png", filename="screen.png")
        name = f"{number:05d}.eml"
        (directory / name).write_bytes(message.as_bytes())
        names.append(name)
    return names


def run_mail_bench(label: str, url: str, count: int) -> MailResult:
    """Prepare the database at `url`, generate `count` messages and time their ingest."""
    work = BENCH_DIR / label
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    env = dict(os.environ)
    env.update({"DATABASE_URL": url, "DESKLINE_MEDIA_ROOT": str(work / "media")})
    # Customers' replies notify the agents; their e-mails are written but sent nowhere.
    env["DESKLINE_EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    env.pop("DESKLINE_DEBUG", None)
    print(f"== {label}: migrating {url}", flush=True)
    subprocess.run([DESKLINE, "migrate", "--noinput", "-v0"], env=env, check=True)  # noqa: S603
    subprocess.run([DESKLINE, "shell", "-c", SETUP], env=env, check=True)  # noqa: S603
    names = generate(work / "messages", count)
    print(f"   {count} messages written; ingesting", flush=True)
    cpu_before = _children_cpu()
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603 - our own console script
        [DESKLINE, "mail", "ingest", "--desk", "MAIL", *names],
        env=env,
        cwd=work / "messages",
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.monotonic() - started
    cpu_seconds = _children_cpu() - cpu_before
    lines = done.stdout.splitlines()
    if len(lines) != count:
        print("\n".join(lines[:20]))
        raise RuntimeError(f"ingest printed {len(lines)} lines for {count} messages")
    summary = done.stderr.strip().splitlines()[-1]
    return MailResult(label, count, seconds, cpu_seconds, summary)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return float(usage.ru_utime + usage.ru_stime)


def table(results: list[MailResult]) -> list[str]:
    lines = [
        f"{'row':<28} {'database':<10} {'messages':>9} {'seconds':>8} {'msg/s':>8} "
        f"{'cpu s':>7} {'msg/cpu s':>9} {'target':>8}  verdict",
    ]
    for result in results:
        verdict = "ok" if result.ok else "BELOW TARGET"
        lines.append(
            f"{TITLE:<28} {result.label:<10} {result.messages:>9} {result.seconds:>8.1f} "
            f"{result.per_second:>8.1f} {result.cpu_seconds:>7.1f} "
            f"{result.messages / max(result.cpu_seconds, 1e-9):>9.1f} "
            f"{'>=' + format(result.target, '.0f'):>8}  {verdict}"
        )
        lines.append(f"{'':<28} {'':<10} {result.summary}")
    return lines


def main() -> int:
    # The scratch-database helpers live beside the seeding code, which needs Django set up.
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deskline.settings")
    django.setup()
    from deskline.bench.databases import fresh_postgres, fresh_sqlite

    count = int(os.environ.get("BENCH_MAIL_MESSAGES", "10000"))
    databases = [d.strip() for d in os.environ.get("BENCH_DATABASES", "sqlite").split(",")]
    results = []
    for label in databases:
        if label == "sqlite":
            url = fresh_sqlite(BENCH_DIR / "sqlite-db")
        elif label == "postgres":
            url = fresh_postgres(
                os.environ.get(
                    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/deskline_bench"
                )
            )
        else:
            print(f"Unknown database {label!r}: use sqlite or postgres")
            return 2
        results.append(run_mail_bench(label, url, count))
    print("\n".join(table(results)))
    # Only SQLite has a target.
    return 0 if all(result.ok for result in results if result.label == "sqlite") else 1


if __name__ == "__main__":
    sys.exit(main())
