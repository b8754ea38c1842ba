"""Scratch databases for the bench: made fresh, migrated and seeded with `deskline` commands."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg

from deskline.demo.seeding import SEED_DOMAIN

DESKLINE = str(Path(sys.executable).parent / "deskline")
BENCH_AGENT = f"agent101@{SEED_DOMAIN}"  # Service Desk, which serves the IT desk


@dataclass(frozen=True)
class Scratch:
    """A prepared database: its URL, the environment to run Deskline on it, and what it holds."""

    label: str
    url: str
    env: dict[str, str]
    token: str
    session_cookie: str
    request_type_id: int
    last_numbers: dict[str, int]
    seed_seconds: float


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own console script
        [DESKLINE, *args], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def _environment(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = url
    env.pop("DESKLINE_DEBUG", None)  # production: debug off
    return env


def fresh_sqlite(directory: Path) -> str:
    """A new, empty SQLite file under `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path.resolve()}"


def fresh_postgres(url: str) -> str:
    """Drop and create the scratch database named in `url` (UTF-8, from template0)."""
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise ValueError(f"Use a plain name for the bench database, not {name!r}.")
    maintenance = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    return url


def _facts(url: str) -> tuple[int, dict[str, int]]:
    query_type = (
        "SELECT r.id FROM desks_requesttype r JOIN desks_desk d ON d.id = r.desk_id "
        "WHERE d.key = 'IT' ORDER BY r.position, r.id LIMIT 1"
    )
    query_desks = "SELECT key, last_ticket_number FROM desks_desk"
    if url.startswith("sqlite"):
        with sqlite3.connect(urlparse(url).path) as connection:
            request_type = connection.execute(query_type).fetchone()[0]
            desks = dict(connection.execute(query_desks).fetchall())
    else:
        with psycopg.connect(url) as connection:
            row = connection.execute(query_type).fetchone()
            assert row is not None, "the seed made no IT request type"
            request_type = row[0]
            desks = dict(connection.execute(query_desks).fetchall())
    return int(request_type), {str(k): int(v) for k, v in desks.items()}


def prepare(label: str, url: str, tickets: int, articles: int = 0) -> Scratch:
    """Migrate the fresh database at `url`, seed `tickets` tickets and `articles` knowledge
    articles, and make an API token."""
    env = _environment(url)
    print(f"== {label}: migrating {url}", flush=True)
    _run(env, "migrate", "--noinput", "-v0")
    _run(env, "collectstatic", "--noinput", "-v0")
    started = time.monotonic()
    output = _run(env, "seed", "--tickets", str(tickets), "--articles", str(articles),
                  "--random-seed", "1")  # fmt: skip
    seconds = time.monotonic() - started
    print(f"   {output.strip().splitlines()[-1]} (command: {seconds:.1f} s)", flush=True)
    token = _run(env, "token", "create", "--email", BENCH_AGENT, "--name", "bench").strip()
    session = _run(env, "shell", "-c", SIGN_IN.format(email=BENCH_AGENT)).strip().splitlines()[-1]
    request_type, last_numbers = _facts(url)
    return Scratch(
        label, url, env, token, f"sessionid={session}", request_type, last_numbers, seconds
    )


# The workspace rows load HTML pages as the bench agent, signed in as a browser would be.
SIGN_IN = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from deskline.accounts.models import User
user = User.objects.get(email="{email}")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""
