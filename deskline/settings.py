"""Deskline settings: one file, everything from the environment (see .env.example)."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from deskline.core.env import ConfigurationError, env_bool, env_int, env_list, env_str

# Lets generic classes such as admin.ModelAdmin[Ticket] be subscripted at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("DESKLINE_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    configured = env_str("DESKLINE_SECRET_KEY", "")
    if configured:
        return configured
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DESKLINE_DEBUG", False)
ALLOWED_HOSTS = env_list("DESKLINE_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])


def _base_url() -> str:
    """DESKLINE_BASE_URL: where people reach Deskline, used in every link of every e-mail."""
    value = env_str("DESKLINE_BASE_URL", "").strip()
    if not value:
        return ""
    parsed = urlparse(value)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        raise ConfigurationError(
            f"DESKLINE_BASE_URL must be an http:// or https:// address such as "
            f"https://help.example.com; got {value!r}"
        )
    if parsed.query or parsed.fragment or parsed.params:
        raise ConfigurationError(
            f"DESKLINE_BASE_URL must not have a query or fragment; got {value!r}"
        )
    return value.rstrip("/")


DESKLINE_BASE_URL = _base_url()


def _web_security(base_url: str) -> dict[str, Any]:
    """The settings that DESKLINE_BASE_URL implies (README, "Behind a TLS proxy").

    An https:// address means Deskline is reached through a proxy that ends TLS: browsers' POSTs
    come from that origin, cookies travel only over TLS, browsers are told to stay on https
    (HSTS), and the proxy says a request came over TLS with `X-Forwarded-Proto: https` (it must
    set that header itself and drop any the client sent). The address's host is served in any
    case.
    """
    parsed = urlparse(base_url)
    found: dict[str, Any] = {
        "EXTRA_ALLOWED_HOSTS": [parsed.hostname] if parsed.hostname else [],
        "CSRF_TRUSTED_ORIGINS": [],
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_PROXY_SSL_HEADER": None,
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SILENCED_SYSTEM_CHECKS": [],
        # How many proxies in front of Deskline append the client's address to X-Forwarded-For
        # (read by core.clients for sign-in throttling); without TLS, none unless told.
        "DESKLINE_TRUSTED_PROXIES": env_int("DESKLINE_TRUSTED_PROXIES", 0, minimum=0),
    }
    if parsed.scheme != "https":
        return found
    redirect = env_bool("DESKLINE_SSL_REDIRECT", True)
    preload = env_bool("DESKLINE_HSTS_PRELOAD", False)
    silenced = []
    if not redirect:
        silenced.append("security.W008")  # the proxy sends http:// to https:// itself
    if not preload:
        # Asking browsers to preload the host is the domain owner's decision, not a default.
        silenced.append("security.W021")
    found.update(
        {
            "CSRF_TRUSTED_ORIGINS": ["https://" + parsed.netloc.rsplit("@", 1)[-1]],
            "SESSION_COOKIE_SECURE": True,
            "CSRF_COOKIE_SECURE": True,
            "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
            "SECURE_SSL_REDIRECT": redirect,
            "SECURE_HSTS_SECONDS": env_int("DESKLINE_HSTS_SECONDS", 365 * 24 * 3600, minimum=0),
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
            "SECURE_HSTS_PRELOAD": preload,
            "SILENCED_SYSTEM_CHECKS": silenced,
            "DESKLINE_TRUSTED_PROXIES": env_int("DESKLINE_TRUSTED_PROXIES", 1, minimum=0),
        }
    )
    return found


_security = _web_security(DESKLINE_BASE_URL)
ALLOWED_HOSTS += [host for host in _security["EXTRA_ALLOWED_HOSTS"] if host not in ALLOWED_HOSTS]
CSRF_TRUSTED_ORIGINS: list[str] = _security["CSRF_TRUSTED_ORIGINS"]
SESSION_COOKIE_SECURE: bool = _security["SESSION_COOKIE_SECURE"]
CSRF_COOKIE_SECURE: bool = _security["CSRF_COOKIE_SECURE"]
SECURE_PROXY_SSL_HEADER: tuple[str, str] | None = _security["SECURE_PROXY_SSL_HEADER"]
SECURE_SSL_REDIRECT: bool = _security["SECURE_SSL_REDIRECT"]
SECURE_HSTS_SECONDS: int = _security["SECURE_HSTS_SECONDS"]
SECURE_HSTS_INCLUDE_SUBDOMAINS: bool = _security["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
SECURE_HSTS_PRELOAD: bool = _security["SECURE_HSTS_PRELOAD"]
SILENCED_SYSTEM_CHECKS: list[str] = _security["SILENCED_SYSTEM_CHECKS"]
DESKLINE_TRUSTED_PROXIES: int = _security["DESKLINE_TRUSTED_PROXIES"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    # ninja's own templates and static Swagger UI for /api/v1/docs (without it, ninja renders a
    # page that loads Swagger UI from a CDN with an inline script: blocked by our CSP, and offline).
    "ninja",
    "axes",
    "deskline.core",
    "deskline.accounts",
    "deskline.desks",
    "deskline.sla",
    "deskline.tickets",
    "deskline.knowledge",
    "deskline.community",
    "deskline.search",
    "deskline.api",
    "deskline.portal",
    "deskline.workspace",
    "deskline.mail",
    "deskline.demo",
]

MIDDLEWARE = [
    "deskline.core.config.ConfigurationVersionMiddleware",
    "deskline.core.links.RequestLinksMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "deskline.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "deskline.core.middleware.UserTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a refused sign-in (too many failures) into the "sign-in paused" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "deskline.urls"
WSGI_APPLICATION = "deskline.wsgi.application"
ASGI_APPLICATION = "deskline.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
            ],
        },
    },
]


def _database(url: str) -> dict[str, object]:
    scheme = urlparse(url).scheme
    if scheme not in {"postgres", "postgresql", "sqlite"}:
        raise ConfigurationError(
            f"DATABASE_URL must start with postgres:// or sqlite:///; got scheme {scheme!r}"
        )
    try:
        config: dict[str, object] = dict(dj_database_url.parse(url))
    except Exception as error:  # dj-database-url raises several types for a malformed URL
        raise ConfigurationError(f"DATABASE_URL is malformed: {error}") from None
    if scheme == "sqlite":
        return _sqlite(str(config["NAME"]))
    config["ENGINE"] = "deskline.core.postgresql"  # Django's, with a cheaper health check
    config["CONN_MAX_AGE"] = env_int("DESKLINE_DB_CONN_MAX_AGE", 600, minimum=0)
    config["CONN_HEALTH_CHECKS"] = True
    # The planner searches every join order of up to join_collapse_limit tables (8 by default).
    # A ticket list joins seven small tables to tickets, and planning it took 6 ms (18 ms with
    # search) against 0.4 ms to run it; groups of 4 keep the planning under a millisecond and
    # still let it reorder the joins of a filter.
    options: dict[str, object] = dict(config.get("OPTIONS") or {})  # type: ignore[call-overload]
    options["options"] = f"{options.get('options', '')} -c join_collapse_limit=4".strip()
    # Parameters travel apart from the SQL, so the same query has the same text whatever the
    # ticket: psycopg prepares it on its fifth run in a connection (CONN_MAX_AGE keeps them),
    # and PostgreSQL stops planning it again. A ticket's 8-table read went from 0.9-1.5 ms to
    # 0.25-0.3 ms of server time (docs/adr/0005-prepared-statements.md).
    # Django turns prepared statements off unless asked, for transaction-mode poolers such as
    # PgBouncer before 1.21: behind one of those, set DESKLINE_DB_PREPARE_THRESHOLD=0.
    threshold = env_int("DESKLINE_DB_PREPARE_THRESHOLD", 5, minimum=0)
    options.setdefault("server_side_binding", True)
    options.setdefault("prepare_threshold", threshold or None)
    config["OPTIONS"] = options
    # Text search on Chinese depends on a UTF-8 character type, so test databases are made
    # from template0 with UTF-8 explicitly instead of inheriting whatever template1 has.
    config["TEST"] = {"CHARSET": "UTF8", "TEMPLATE": "template0"}
    return config


def _sqlite(path: str) -> dict[str, object]:
    return {
        "ENGINE": "deskline.core.sqlite",
        "NAME": path,
        "CONN_MAX_AGE": 600,
        "OPTIONS": {
            # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at
            # BEGIN so two writers queue on busy_timeout instead of failing on a lock upgrade.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            # No memory map (ADR 0007): SQLite unmaps the whole file at the start of every
            # transaction that finds another connection's changes, and the pages are faulted in
            # again. make bench, alternating runs: create 688-713 req/s without it against
            # 553-622 with 256 MB, and list and search no slower.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; "
                "PRAGMA mmap_size=0; PRAGMA cache_size=-65536;"
            ),
        },
        # Tests use a file, not the in-memory default: shared-cache memory databases lock whole
        # tables and ignore busy_timeout, so concurrent writers fail instead of queueing as they
        # do in production. One file per test process keeps parallel runs apart.
        "TEST": {
            "NAME": env_str("DESKLINE_TEST_SQLITE", "")
            or str(VAR_DIR / f"test-{os.getpid()}.sqlite3")
        },
    }


_database_url = env_str("DATABASE_URL", "")
DATABASES = {
    "default": _database(_database_url)
    if _database_url
    else _sqlite(str(VAR_DIR / "deskline.sqlite3"))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    if urlparse(REDIS_URL).scheme not in {"redis", "rediss"}:
        raise ConfigurationError(f"REDIS_URL must start with redis://; got {REDIS_URL!r}")
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background jobs (`deskline worker`): Huey, on Redis when REDIS_URL is set, else on a SQLite
# file beside the database. Periodic jobs (SLA warnings and breaches) run in every worker; they
# claim their work row by row, so several workers never announce the same thing twice.
HUEY: dict[str, object] = {
    "name": "deskline",
    "immediate": False,
    "utc": True,
    "consumer": {"workers": env_int("DESKLINE_WORKER_THREADS", 2), "worker_type": "thread"},
}
if REDIS_URL:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": REDIS_URL})
else:
    HUEY.update(
        {
            "huey_class": "huey.SqliteHuey",
            "filename": env_str("DESKLINE_QUEUE_FILE", str(VAR_DIR / "queue.sqlite3")),
        }
    )

AUTH_USER_MODEL = "accounts.User"
# Every sign-in with a password (help center, /admin/login/) goes through django-axes first: it
# refuses an account or a client address with too many recent failures (docs/adr/0010). The API
# takes bearer tokens only and has no password endpoint.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "deskline.accounts.throttle.SignInFailures"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = 10  # per account; per client address see accounts.throttle
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "deskline.accounts.throttle.attempted_username"
AXES_CLIENT_IP_CALLABLE = "deskline.core.clients.client_address"
AXES_LOCKOUT_CALLABLE = "deskline.portal.account_views.sign_in_paused"
# A success does not wipe the failures: otherwise signing in to one's own account from the same
# address would reset the count of guesses at someone else's.
AXES_RESET_ON_SUCCESS = False
# Attempts while paused are refused without being recorded: the pause ends on time, and a flood
# of refused guesses adds no rows.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # Not a check: revokes the account's API tokens whenever its password changes.
    {"NAME": "deskline.accounts.passwords.PasswordChangeRevokesApiTokens"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

LANGUAGE_CODE = "en"
# Search finds documents by meaning as well as by their words (ADR 0017).
SEARCH_SEMANTIC = env_bool("DESKLINE_SEARCH_SEMANTIC", True)

LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "deskline" / "locale"]
USE_I18N = True
# One way to write a date-time per language: "3 Dec 2026, 14:05", "2026年12月3日 14:05".
FORMAT_MODULE_PATH = ["deskline.core.formats"]
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end libraries installed by `npm ci` (make assets), served under static/vendor/.
STATICFILES_DIRS = [("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist")]
MEDIA_ROOT = Path(env_str("DESKLINE_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"

DESKLINE_ATTACHMENT_MAX_BYTES = env_int(
    "DESKLINE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1
)
# Uploads no ticket has claimed yet (a file sent to POST /api/v1/attachments and never named by
# a comment or a form) count towards a quota per person; the worker removes them after a day.
DESKLINE_PENDING_UPLOADS_MAX_COUNT = env_int("DESKLINE_PENDING_UPLOADS_MAX_COUNT", 20, minimum=1)
DESKLINE_PENDING_UPLOADS_MAX_BYTES = env_int(
    "DESKLINE_PENDING_UPLOADS_MAX_BYTES", 50 * 1024 * 1024, minimum=1
)
DATA_UPLOAD_MAX_MEMORY_SIZE = max(DESKLINE_ATTACHMENT_MAX_BYTES + 1024 * 1024, 2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

EMAIL_BACKEND = env_str("DESKLINE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DESKLINE_FROM_EMAIL", "Deskline <desk@localhost>")
# The SMTP server the worker sends through (with the smtp backend); deskline.mail.sending tries
# again after 1, 5 and 30 minutes when it is away or answers 4xx.
EMAIL_HOST = env_str("DESKLINE_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DESKLINE_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("DESKLINE_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("DESKLINE_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DESKLINE_EMAIL_USE_TLS", False)  # STARTTLS
EMAIL_USE_SSL = env_bool("DESKLINE_EMAIL_USE_SSL", False)  # TLS from the start (port 465)
EMAIL_TIMEOUT = env_int("DESKLINE_EMAIL_TIMEOUT", 30, minimum=1)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ConfigurationError("Set DESKLINE_EMAIL_USE_TLS or DESKLINE_EMAIL_USE_SSL, not both.")

# Mail in over IMAP (mail/imap.py) and SMTP (`deskline mail smtpd`, mail/smtpd.py).
DESKLINE_IMAP_TIMEOUT = env_int("DESKLINE_IMAP_TIMEOUT", 60, minimum=1)  # seconds per network wait
DESKLINE_IMAP_CA_FILE = env_str("DESKLINE_IMAP_CA_FILE", "")  # extra CA certificates (PEM file)
DESKLINE_SMTPD_MAX_BYTES = env_int("DESKLINE_SMTPD_MAX_BYTES", 40 * 1024 * 1024, minimum=1024)
DESKLINE_SMTPD_HOSTNAME = env_str("DESKLINE_SMTPD_HOSTNAME", "")  # EHLO name; "" = this host's

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DESKLINE_LOG_LEVEL", "WARNING")},
    # The worker says which job ran (INFO); configured here, Huey adds no second handler.
    "loggers": {"huey": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
