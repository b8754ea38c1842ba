"""check_upload and attachment_upload: a file is judged by its bytes and size, not by its name."""

import hashlib
import io

import pytest

from deskline.core.errors import ValidationFailed
from deskline.testing.scenario import Helpdesk
from deskline.tickets.actions import attachment_upload
from deskline.tickets.attachments import check_upload
from deskline.tickets.models import Attachment

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 64
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
LINUX_PROGRAM = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64
SHELL_SCRIPT = b"#!/bin/sh\nrm -rf ~\n"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("screen.png", PNG, "image/png"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("photo.JPEG", JPEG, "image/jpeg"),
        ("invoice.pdf", PDF, "application/pdf"),
        ("notes.txt", "打印机坏了\n".encode(), "text/plain"),
        ("data.csv", b"a,b\n1,2\n", "text/csv"),
        ("config.json", b'{"a": 1}', "application/json"),
        ("archive.zip", ZIP, "application/zip"),
        ("report.docx", ZIP, DOCX),
        ("README", b"plain words", "text/plain"),
        ("C:\\Users\\li\\Desktop\\screen.png", PNG, "image/png"),
    ],
)  # fmt: skip
def test_a_file_whose_bytes_match_its_name_is_accepted(name, content, content_type):
    checked = check_upload(name, len(content), content[:8192])

    assert checked.content_type == content_type
    assert checked.size == len(content)
    assert "/" not in checked.filename
    assert "\\" not in checked.filename


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("invoice.pdf", WINDOWS_PROGRAM),
        ("invoice.pdf", LINUX_PROGRAM),
        ("photo.png", WINDOWS_PROGRAM),
        ("notes.txt", WINDOWS_PROGRAM),
        ("README", LINUX_PROGRAM),
        ("setup.exe", b"just text"),
        ("run.sh", SHELL_SCRIPT),
        ("macro.js", b"alert(1)"),
        ("tool.jar", ZIP),
        ("INSTALL.EXE", PNG),
        ("archive.tar.bat", b"echo hi"),
    ],
)
def test_a_program_is_refused_whatever_it_is_called(name, content):
    with pytest.raises(ValidationFailed) as refused:
        check_upload(name, len(content), content[:8192])

    assert refused.value.code == "attachment_forbidden"
    assert refused.value.status == 400


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.txt", PNG),
        ("invoice.pdf", PNG),
        ("invoice.pdf", b"plain text pretending"),
        ("photo.png", JPEG),
        ("photo.jpg", PDF),
        ("data.csv", ZIP),
        ("report.docx", PDF),
        ("notes.txt", b"\x00\x01\x02\x03binary"),
    ],
)
def test_a_file_whose_bytes_contradict_its_name_is_refused(name, content):
    with pytest.raises(ValidationFailed) as refused:
        check_upload(name, len(content), content[:8192])

    assert refused.value.code == "attachment_type_mismatch"
    assert refused.value.fields == {"file": [refused.value.message]}


def test_a_file_over_the_limit_is_refused_as_too_large(settings):
    settings.DESKLINE_ATTACHMENT_MAX_BYTES = 1000

    with pytest.raises(ValidationFailed) as refused:
        check_upload("notes.txt", 1001, b"x" * 1001)

    assert (refused.value.code, refused.value.status) == ("attachment_too_large", 413)
    assert check_upload("notes.txt", 1000, b"x" * 1000).size == 1000


@pytest.mark.parametrize(
    ("name", "size", "code"),
    [
        ("", 5, "attachment_invalid"),
        ("  ", 5, "attachment_invalid"),
        ("dir/", 5, "attachment_invalid"),
        ("empty.txt", 0, "attachment_empty"),
    ],
)
def test_a_nameless_or_empty_file_is_refused(name, size, code):
    with pytest.raises(ValidationFailed) as refused:
        check_upload(name, size, b"x" * size)

    assert refused.value.code == code


def test_a_long_name_is_shortened():
    assert len(check_upload("n" * 300 + ".txt", 3, b"abc").filename) == 255


@pytest.mark.django_db
def test_an_upload_stores_its_bytes_and_their_digest(helpdesk: Helpdesk):
    attachment = attachment_upload(
        actor=helpdesk.alice, filename="../../etc/passwd.txt", content=b"root"
    )

    stored = Attachment.objects.get(pk=attachment.pk)
    assert (stored.filename, stored.content_type, stored.size) == ("passwd.txt", "text/plain", 4)
    assert stored.sha256 == hashlib.sha256(b"root").hexdigest()
    assert (stored.uploaded_by, stored.ticket, stored.comment) == (helpdesk.alice, None, None)
    with stored.file.open("rb") as handle:
        assert handle.read() == b"root"
    assert "passwd" not in stored.file.name
    assert ".." not in stored.file.name


@pytest.mark.django_db
def test_an_upload_from_a_stream_is_read_whole(helpdesk: Helpdesk):
    content = b"line\n" * 300_000  # larger than one read chunk

    attachment = attachment_upload(
        actor=helpdesk.alice, filename="big.log", content=io.BytesIO(content)
    )

    assert attachment.size == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    with attachment.file.open("rb") as handle:
        assert handle.read() == content


@pytest.mark.django_db
def test_a_refused_upload_stores_nothing(helpdesk: Helpdesk, settings):
    settings.DESKLINE_ATTACHMENT_MAX_BYTES = 10
    media = settings.MEDIA_ROOT

    with pytest.raises(ValidationFailed):
        attachment_upload(actor=helpdesk.alice, filename="big.txt", content=b"x" * 11)
    with pytest.raises(ValidationFailed):
        attachment_upload(actor=helpdesk.alice, filename="a.pdf", content=WINDOWS_PROGRAM[:10])

    assert Attachment.objects.count() == 0
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


# The script and shortcut types that passed before (ADR 0011 lists the family and why).
@pytest.mark.parametrize(
    "extension",
    [
        ".wsf", ".vbe", ".jse", ".reg", ".url", ".scf", ".msc", ".appref-ms", ".xll", ".psm1",
        ".vb", ".ws", ".wsc", ".wsh", ".psd1", ".ps1xml", ".ps2", ".msh", ".msh1xml", ".inf",
        ".lnk", ".library-ms", ".settingcontent-ms", ".iso", ".img", ".vhd", ".vhdx", ".msp",
        ".mst", ".gadget", ".application", ".xbap", ".jnlp", ".cab", ".chm", ".hlp", ".cpl",
        ".js", ".mjs", ".sct", ".search-ms", ".py", ".command", ".dmg", ".apk",
    ],
)  # fmt: skip
def test_a_script_shortcut_or_disk_image_is_refused(extension):
    for name in (f"report{extension}", f"REPORT{extension.upper()}"):
        with pytest.raises(ValidationFailed) as refused:
            check_upload(name, 5, b"words")

        assert refused.value.code == "attachment_forbidden"
        assert refused.value.fields == {"file": [refused.value.message]}
        assert str(refused.value.message) == "Programs and scripts cannot be attached."


@pytest.mark.parametrize(
    "name",
    [
        "invoice.pdf.exe",  # a double extension: the last one is what runs
        "invoice.pdf.wsf",
        "a.exe.",  # Windows drops trailing dots and spaces: these are saved as a.exe
        "a.exe ",
        "a.exe. . .",
        "a.vbe\u3000",
        "a.exe\t",
        "a.exe::$DATA",  # the main NTFS stream of a.exe
        "a.js:Zone.Identifier",
        "photo\u202egnp.js",  # shown as "photojs.png" by a right-to-left override
        "a.e\u200bxe",  # a zero-width space hides the extension from a plain comparison
        "a.ex\x00e",
        "C:\\Users\\li\\Downloads\\tool.exe",
        ".exe",
    ],
)
def test_a_program_hidden_behind_another_name_is_refused(name):
    with pytest.raises(ValidationFailed) as refused:
        check_upload(name, 5, b"words")

    assert refused.value.code == "attachment_forbidden"


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("notes.txt.", "notes.txt"),
        ("notes.txt  ", "notes.txt"),
        ("not\u202eestxt.txt", "notestxt.txt"),
        ("line\r\nbreak.txt", "linebreak.txt"),
        ("报销单.txt", "报销单.txt"),
        ("setup.exe.txt", "setup.exe.txt"),  # text, whatever it says before .txt
    ],
)
def test_a_name_is_stored_as_windows_would_save_it(name, stored):
    assert check_upload(name, 5, b"words").filename == stored


def test_a_long_name_keeps_its_extension():
    # Cut from the end, a long name would lose the extension it is judged (and opened) by
    assert check_upload("n" * 300 + ".txt", 3, b"abc").filename == "n" * 251 + ".txt"
    with pytest.raises(ValidationFailed) as refused:
        check_upload("n" * 300 + ".exe", 3, b"abc")
    assert refused.value.code == "attachment_forbidden"


@pytest.mark.django_db
def test_the_refusal_is_in_the_persons_language(helpdesk: Helpdesk):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as refused:
        attachment_upload(actor=helpdesk.alice, filename="invoice.pdf.wsf", content=b"x")

    with translation.override("zh-hans"):
        assert str(refused.value.message) == "不能附加程序和脚本。"
    assert Attachment.objects.count() == 0
