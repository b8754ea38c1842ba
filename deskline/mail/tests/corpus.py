"""Real messages written by others, for the parser's tests: fetched when the tests run, never
committed (issue 13), cached under var/mailcorpus/ (ignored by git).

- CPython's e-mail test data: Debian's `libpython3.11-testsuite` (`apt-get download`, unpacked
  with `dpkg-deb -x`), `usr/lib/python3.11/test/test_email/data/msg_*.txt`;
- the test messages in the source distributions of django-mailbox and mail-parser (`pip
  download --no-deps --no-binary :all:` at the pinned versions below), from their test folders,
  and talon's replies from a dozen mail clients (the same way).

Follows `deskline/bench/relevance_corpus.py`, which fetches the Debian FAQ the same way.
"""

from __future__ import annotations

import fnmatch
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DIRECTORY = ROOT / "var" / "mailcorpus"
DEBIAN_PACKAGE = "libpython3.11-testsuite"
CPYTHON_DATA = Path("usr/lib/python3.11/test/test_email/data")
# name==version for pip: the folder inside its source distribution that holds messages, and
# their file names. talon's are replies written by a dozen mail clients (each says "Hello" above
# or below its quote), for the quote stripping.
DISTRIBUTIONS = {
    "django-mailbox==4.10.1": ("django_mailbox/tests/messages", "*.eml"),
    "mail-parser==4.8.0": ("tests/mails", "mail_*"),
    "talon==1.4.4": ("tests/fixtures/standard_replies", "*.eml"),
}
DONE = ".complete"


def fetch(directory: Path = DIRECTORY) -> Path:
    """The corpus folder (downloaded and unpacked once, then reused): one sub-folder per source,
    each holding its messages as files."""
    if (directory / DONE).exists():
        return directory
    directory.mkdir(parents=True, exist_ok=True)
    _fetch_cpython(directory / "cpython")
    for requirement, (folder, names) in DISTRIBUTIONS.items():
        _fetch_distribution(requirement, folder, names, directory / requirement.split("==", 1)[0])
    (directory / DONE).write_text("")
    return directory


def messages(directory: Path = DIRECTORY) -> list[Path]:
    """Every message file of the corpus, sorted."""
    root = fetch(directory)
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file() and path.relative_to(root).parts[0] not in (DONE, "downloads")
    )


def _fetch_cpython(target: Path) -> None:
    downloads = target.parent / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    if not list(downloads.glob(f"{DEBIAN_PACKAGE}_*.deb")):
        subprocess.run(["apt-get", "download", DEBIAN_PACKAGE], cwd=downloads, check=True)
    unpacked = downloads / "root"
    deb = sorted(downloads.glob(f"{DEBIAN_PACKAGE}_*.deb"))[-1]
    subprocess.run(["dpkg-deb", "-x", str(deb), str(unpacked)], check=True)
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted((unpacked / CPYTHON_DATA).glob("msg_*.txt")):
        (target / path.name).write_bytes(path.read_bytes())


def _sdists(downloads: Path, requirement: str) -> list[Path]:
    """The downloaded source distribution of `name==version` (pip keeps the index's spelling:
    "django-mailbox-4.10.1.tar.gz", "mail_parser-4.8.0.tar.gz")."""
    wanted = requirement.replace("==", "-").replace("-", "_").lower() + ".tar.gz"
    return [path for path in downloads.glob("*.tar.gz") if path.name.replace("-", "_") == wanted]


def _fetch_distribution(requirement: str, folder: str, names: str, target: Path) -> None:
    downloads = target.parent / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    found = _sdists(downloads, requirement)
    if not found:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
                "--no-binary",
                ":all:",
                "--dest",
                str(downloads),
                requirement,
            ],
            check=True,
        )
        found = _sdists(downloads, requirement)
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(found[0]) as archive:
        for member in archive.getmembers():
            parts = Path(member.name).parts
            # "<name>-<version>/<folder>/<file>": the messages directly in the test folder.
            inside = "/".join(parts[1:-1])
            if member.isfile() and inside == folder and fnmatch.fnmatch(parts[-1], names):
                extracted = archive.extractfile(member)
                if extracted is not None:
                    (target / parts[-1]).write_bytes(extracted.read())
