"""A real mail server on loopback for the tests: Debian's Postfix and Dovecot, run directly.

Postfix answers SMTP on 127.0.0.1:<free port> and delivers every address of the virtual domain
(`example.test`) by LMTP to Dovecot, whose IMAP listens on 127.0.0.1:<another free port> with
plain logins allowed (loopback only) for the users of a passwd-file. Both run as processes of the
test run (no systemd, no init script), with every file they need in one temporary folder, and
stop when the session ends.

The daemons' workers run as system users (`postfix`, `mail`) that the Debian packages create, so
the folder is made readable for them. Missing binaries make the fixture fail, naming the Debian
packages to install (`.ci/run` installs them): a mail test never skips silently.
"""

from __future__ import annotations

import http.server
import imaplib
import json
import os
import pwd
import secrets
import shutil
import signal
import smtplib
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest

DOMAIN = "example.test"
PACKAGES = "postfix dovecot-imapd dovecot-lmtpd openssl"
POSTFIX = "/usr/sbin/postfix"
DOVECOT = "/usr/sbin/dovecot"
MAIL_USER = "mail"  # owns the mail files; Dovecot refuses root for mail access


class MailServerMissing(RuntimeError):
    """Postfix or Dovecot is not installed on this machine."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listens(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _wait_for(port: int, process: subprocess.Popen[bytes], what: str, log: Path) -> None:
    deadline = time.monotonic() + 30
    while not _listens(port):
        if process.poll() is not None or time.monotonic() > deadline:
            text = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            raise RuntimeError(f"{what} did not listen on 127.0.0.1:{port}.\n{text}")
        time.sleep(0.05)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def missing_binaries() -> list[str]:
    """The binaries of the mail server that this machine lacks (empty when all are there)."""
    wanted = [
        "/usr/bin/openssl",
        POSTFIX,
        "/usr/lib/postfix/sbin/master",
        "/usr/lib/postfix/sbin/lmtp",
        DOVECOT,
        "/usr/lib/dovecot/imap",
        "/usr/lib/dovecot/lmtp",
    ]
    return [path for path in wanted if not os.access(path, os.X_OK)]


@dataclass
class MailServer:
    """A running Postfix + Dovecot pair; `stop()` ends both and removes their folder."""

    directory: Path
    smtp_port: int
    imap_port: int
    lmtp_port: int
    imaps_port: int = 0  # IMAP over TLS; the plain port offers STARTTLS
    domain: str = DOMAIN
    users: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    relayed: list[str] = field(default_factory=list)  # "domain=host:port"
    introspection: _IntrospectionServer | None = None  # OAuth 2.0 access tokens Dovecot accepts

    @property
    def ca_file(self) -> Path:
        """The certificate of the IMAP server (self-signed): trust it to connect over TLS."""
        return self.directory / "tls" / "cert.pem"

    @property
    def introspection_port(self) -> int:
        assert self.introspection is not None
        return int(self.introspection.server_address[1])

    def issue_token(self, user: str) -> str:
        """A new OAuth 2.0 access token that Dovecot accepts for the user (XOAUTH2)."""
        assert self.introspection is not None
        token = secrets.token_urlsafe(24)
        self.introspection.tokens[token] = self.address(user)
        return token

    def revoke_token(self, token: str) -> None:
        """The token expires: Dovecot refuses it from now on."""
        assert self.introspection is not None
        self.introspection.tokens.pop(token, None)

    host = "127.0.0.1"

    def address(self, user: str) -> str:
        return f"{user}@{self.domain}"

    def add_user(self, user: str, password: str) -> str:
        """A new IMAP user (Dovecot reads its passwd-file again when it changes); its address."""
        self.users[user] = password
        account = pwd.getpwnam(MAIL_USER)
        home = self.directory / "mail" / user
        lines = [
            f"{name}@{self.domain}:{{PLAIN}}{secret}:{account.pw_uid}:{account.pw_gid}::"
            f"{self.directory / 'mail' / name}::"
            for name, secret in self.users.items()
        ]
        passwd = self.directory / "dovecot" / "users"
        staged = passwd.with_suffix(".new")
        staged.write_text("\n".join(lines) + "\n")
        staged.chmod(0o644)
        staged.replace(passwd)
        home.mkdir(parents=True, exist_ok=True)
        os.chown(home, account.pw_uid, account.pw_gid)
        # Dovecot looks at its passwd-file at most once a second: wait until the user can log in.
        deadline = time.monotonic() + 10
        while not self._can_log_in(user, password):
            if time.monotonic() > deadline:
                raise RuntimeError(f"Dovecot does not know {user} after 10 s.")
            time.sleep(0.1)
        return self.address(user)

    def _can_log_in(self, user: str, password: str) -> bool:
        with imaplib.IMAP4(self.host, self.imap_port, timeout=10) as client:
            try:
                client.login(self.address(user), password)
            except imaplib.IMAP4.error:
                return False
            client.logout()
            return True

    def send(self, message: EmailMessage | bytes, *, sender: str, recipients: list[str]) -> None:
        """Submit a message to Postfix by SMTP, as any mail client would."""
        with smtplib.SMTP(self.host, self.smtp_port, timeout=30) as client:
            if isinstance(message, EmailMessage):
                client.send_message(message, from_addr=sender, to_addrs=recipients)
            else:
                client.sendmail(sender, recipients, message)

    def maildir_count(self, user: str) -> int:
        """How many messages the user's INBOX holds on disk (new and seen)."""
        root = self.directory / "mail" / user / "Maildir"
        return sum(len(list((root / part).glob("*"))) for part in ("new", "cur") if root.exists())

    def wait_for_delivery(self, user: str, count: int, within: float = 30) -> None:
        """Wait until the user's INBOX holds `count` messages (Postfix queues, then LMTP)."""
        deadline = time.monotonic() + within
        while self.maildir_count(user) < count:
            if time.monotonic() > deadline:
                log = (self.directory / "postfix.log").read_text(errors="replace")[-3000:]
                raise AssertionError(f"{user} has {self.maildir_count(user)} of {count}.\n{log}")
            time.sleep(0.05)

    def _postfix_master_pid(self) -> int | None:
        try:
            return int((self.directory / "queue" / "pid" / "master.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def relay_domain_to(self, host: str, port: int) -> str:
        """A new domain whose mail Postfix relays by SMTP to host:port (Deskline's receiver)."""
        self.relayed.append(f"relay{len(self.relayed) + 1}.{self.domain}={host}:{port}")
        routes = " ".join(
            f"{name}=smtp:[{address.rsplit(':', 1)[0]}]:{address.rsplit(':', 1)[1]}"
            for name, address in (entry.split("=") for entry in self.relayed)
        )
        domains = ", ".join(entry.split("=")[0] for entry in self.relayed)
        config = str(self.directory / "postfix")
        env = {**os.environ, "MAIL_CONFIG": config}
        subprocess.run(  # noqa: S603 - fixed argv, no shell
            [
                "/usr/sbin/postconf",
                "-c",
                config,
                "-e",
                f"relay_domains = {domains}",
                f"transport_maps = inline:{{ {routes} }}",
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        reload = [POSTFIX, "-c", config, "reload"]
        subprocess.run(reload, env=env, check=True, capture_output=True)  # noqa: S603 - fixed argv
        return self.relayed[-1].split("=")[0]

    def log(self) -> str:
        """The end of Postfix's and Dovecot's logs, for a failing test's message."""
        parts = []
        for name in ("postfix.log", "dovecot.log"):
            with suppress(OSError):
                parts.append((self.directory / name).read_text(errors="replace")[-3000:])
        return "\n".join(parts)

    def stop(self) -> None:
        # Postfix's master starts a session of its own: it is asked to stop by its pid file.
        master_pid = self._postfix_master_pid()
        if master_pid is not None:
            with suppress(ProcessLookupError):
                os.kill(master_pid, signal.SIGTERM)
        # Dovecot's master leads the group of its workers.
        for process in reversed(self.processes):
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in reversed(self.processes):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
            deadline = time.monotonic() + 15
            while _group_alive(process.pid) and time.monotonic() < deadline:
                time.sleep(0.05)
        if master_pid is not None:
            deadline = time.monotonic() + 15
            while _pid_alive(master_pid) and time.monotonic() < deadline:
                time.sleep(0.05)
        if self.introspection is not None:
            self.introspection.shutdown()
            self.introspection.server_close()
        shutil.rmtree(self.directory, ignore_errors=True)


def _postfix_config(server: MailServer) -> tuple[str, str]:
    root = server.directory
    main = f"""\
compatibility_level = 3.6
config_directory = {root}/postfix
queue_directory = {root}/queue
data_directory = {root}/data
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
daemon_directory = /usr/lib/postfix/sbin
command_directory = /usr/sbin
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.{server.domain}
mydomain = {server.domain}
myorigin = {server.domain}
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_reject_unlisted_recipient = no
virtual_mailbox_domains = {server.domain}
virtual_transport = lmtp:inet:127.0.0.1:{server.lmtp_port}
relayhost =
default_transport = error:this test server sends no mail off the machine
alias_maps =
alias_database =
local_recipient_maps =
biff = no
smtputf8_enable = yes
message_size_limit = 52428800
maillog_file_prefixes = {root}
maillog_file = {root}/postfix.log
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 5s
"""
    master = f"""\
127.0.0.1:{server.smtp_port} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""
    return main, master


def _dovecot_config(server: MailServer) -> str:
    root = server.directory
    return f"""\
base_dir = {root}/dovecot/run
state_dir = {root}/dovecot/state
log_path = {root}/dovecot.log
instance_name = deskline-test-{server.imap_port}
protocols = imap lmtp
listen = 127.0.0.1
ssl = yes
ssl_cert = <{root}/tls/cert.pem
ssl_key = <{root}/tls/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2
mail_location = maildir:~/Maildir
first_valid_uid = 1
first_valid_gid = 1
default_internal_user = dovecot
default_login_user = dovenull
mail_privileged_group =
login_trusted_networks = 127.0.0.0/8
imap_idle_notify_interval = 1 secs
passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u {root}/dovecot/users
}}
passdb {{
  driver = oauth2
  mechanisms = xoauth2
  args = {root}/dovecot/oauth2.conf.ext
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/dovecot/users
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {server.imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {server.imaps_port}
    ssl = yes
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {server.lmtp_port}
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
protocol lmtp {{
  auth_username_format = %u
}}
"""


def _self_signed_certificate(directory: Path) -> None:
    """cert.pem (for 127.0.0.1 and localhost, a day long) and key.pem: the server's identity,
    which a client trusts only when told to (`MailServer.ca_file`)."""
    directory.mkdir()
    command = [
        "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-keyout", str(directory / "key.pem"), "-out", str(directory / "cert.pem"),
        "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
    ]  # fmt: skip
    made = subprocess.run(command, capture_output=True, text=True)  # noqa: S603 - fixed argv
    if made.returncode != 0:
        raise RuntimeError(f"openssl could not make the test certificate:\n{made.stderr}")


def _oauth2_config(server: MailServer) -> str:
    return f"""\
introspection_mode = post
introspection_url = http://127.0.0.1:{server.introspection_port}/introspect
username_attribute = username
active_attribute = active
active_value = true
"""


class _Introspection(http.server.BaseHTTPRequestHandler):
    """RFC 7662 token introspection for Dovecot: is this access token valid, and whose is it."""

    server: _IntrospectionServer

    def do_POST(self) -> None:  # http.server's hook name
        length = int(self.headers.get("Content-Length") or 0)
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        token = (form.get("token") or [""])[0]
        user = self.server.tokens.get(token)
        body = json.dumps({"active": "true", "username": user} if user else {"active": "false"})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, format: str, *args: object) -> None:
        pass


class _IntrospectionServer(http.server.ThreadingHTTPServer):
    tokens: dict[str, str]


def start_mail_server() -> MailServer:
    """Write the configuration into a new temporary folder and start Dovecot, then Postfix."""
    missing = missing_binaries()
    if missing:
        raise MailServerMissing(
            "The mail server tests need Postfix and Dovecot, which are not installed "
            f"(missing: {', '.join(missing)}). Install them with: "
            "echo 'postfix postfix/main_mailer_type select No configuration' "
            f"| debconf-set-selections && apt-get install -y {PACKAGES}"
        )
    if os.geteuid() != 0:
        raise MailServerMissing("Postfix and Dovecot are started as root (as CI runs the tests).")
    # Not under pytest's 0700 temporary folders: the daemons' workers (users postfix, mail,
    # dovecot) must reach their files.
    directory = Path(tempfile.mkdtemp(prefix="deskline-mail-", dir="/tmp"))
    directory.chmod(0o755)
    introspection = _IntrospectionServer(("127.0.0.1", 0), _Introspection)
    introspection.tokens = {}
    threading.Thread(target=introspection.serve_forever, daemon=True).start()
    server = MailServer(
        directory=directory,
        smtp_port=_free_port(),
        imap_port=_free_port(),
        lmtp_port=_free_port(),
        imaps_port=_free_port(),
        introspection=introspection,
    )
    try:
        for part in ("postfix", "queue", "dovecot/run", "dovecot/state", "mail"):
            (directory / part).mkdir(parents=True)
            (directory / part).chmod(0o755)
        postfix_user = pwd.getpwnam("postfix")
        (directory / "data").mkdir()
        os.chown(directory / "data", postfix_user.pw_uid, postfix_user.pw_gid)
        (directory / "dovecot" / "users").write_text("")
        (directory / "dovecot" / "users").chmod(0o644)
        mail_user = pwd.getpwnam(MAIL_USER)
        os.chown(directory / "mail", mail_user.pw_uid, mail_user.pw_gid)

        (directory / "dovecot" / "oauth2.conf.ext").write_text(_oauth2_config(server))
        _self_signed_certificate(directory / "tls")
        config = directory / "dovecot" / "dovecot.conf"
        config.write_text(_dovecot_config(server))
        dovecot_log = directory / "dovecot.log"
        dovecot = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            [DOVECOT, "-F", "-c", str(config)],
            stdout=dovecot_log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        server.processes.append(dovecot)
        _wait_for(server.imap_port, dovecot, "Dovecot IMAP", dovecot_log)
        _wait_for(server.lmtp_port, dovecot, "Dovecot LMTP", dovecot_log)
        _wait_for(server.imaps_port, dovecot, "Dovecot IMAPS", dovecot_log)

        main, master = _postfix_config(server)
        (directory / "postfix" / "main.cf").write_text(main)
        (directory / "postfix" / "master.cf").write_text(master)
        postfix_env = {**os.environ, "MAIL_CONFIG": str(directory / "postfix")}
        postfix_log = directory / "postfix.log"
        postfix_out = directory / "postfix.out"
        check = subprocess.run(  # noqa: S603 - fixed argv, no shell
            [POSTFIX, "-c", str(directory / "postfix"), "check"],
            env=postfix_env,
            capture_output=True,
            text=True,
        )
        if check.returncode != 0:
            raise RuntimeError(f"postfix check refused the configuration:\n{check.stderr}")
        postfix = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            [POSTFIX, "-c", str(directory / "postfix"), "start-fg"],
            env=postfix_env,
            stdout=postfix_out.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        server.processes.append(postfix)
        _wait_for(server.smtp_port, postfix, "Postfix SMTP", postfix_out)
        postfix_log.touch()
    except BaseException:
        server.stop()
        raise
    return server


@pytest.fixture(scope="session")
def mail_server() -> Iterator[MailServer]:
    """Postfix and Dovecot on loopback for the whole test session (fails when not installed)."""
    try:
        server = start_mail_server()
    except MailServerMissing as missing:
        pytest.fail(str(missing), pytrace=False)
    try:
        yield server
    finally:
        server.stop()
