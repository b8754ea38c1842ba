"""The new text of a reply: without the quoted history and the signature. Pure: no Django.

Mail clients quote in a few ways, all handled line by line (no pattern can backtrack on a long
line: each is anchored and bounded, and long lines are never headers):

- lines starting with ">" (any client, also interleaved answers: the answers stay);
- an attribution line and everything after it: "On <date>, <name> wrote:" (Gmail, Apple Mail,
  Thunderbird; wrapped over two or three lines too), "在 ... 写道：" (Chinese clients), and the
  same in a few other languages;
- Outlook's header block "From: / Sent: / To: / Subject:" (also "发件人: / 发送时间: / 收件人: /
  主题:", and bold "*From:*" from HTML), or a "-----Original Message-----" line (and
  "-----原始邮件-----", QQ Mail's "------------------ 原始邮件 ------------------");
- a signature after "-- " and a trailing "Sent from my iPhone".

When nothing would remain (a message that is only a quote), the text is kept as it was.
"""

from __future__ import annotations

import re

_LONGEST_HEADER = 400  # a line longer than this is never an attribution or a header field

_ATTRIBUTION_END = re.compile(
    r"(?:wrote|writes|a écrit|escribió|scrisse|写道|寫道|のメッセージ|wrote the following"
    r"|schrieb[^:：]{0,200}|\u043d\u0430\u043f\u0438\u0441\u0430\u043b\w{0,3})\s*[:：]?\s*$",
    re.IGNORECASE,
)
_ATTRIBUTION_START = re.compile(
    r"^(?:On|Le|Am|El|Il|在|于|於|\d{4}[-/年.]|\d{1,2}[./]\d{1,2}[./]\d{2,4}|\w{3}, \d)",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(
    r"^[-_=*\s]*(?:original message|original e-?mail|原始邮件|原始郵件|원본 메시지|"
    r"ursprüngliche nachricht|message d'origine|mensaje original)[-_=*\s]*$",
    re.IGNORECASE,
)
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
_FIELD = re.compile(r"^\s*\*?\s*([^\s:：*]{1,24}(?: [^\s:：*]{1,12})?)\s*\*?\s*[:：]")
_FROM_FIELDS = {"from", "von", "de", "发件人", "寄件者", "差出人", "보낸 사람"}
_OTHER_FIELDS = {
    "sent",
    "date",
    "to",
    "cc",
    "subject",
    "gesendet",
    "an",
    "betreff",
    "envoyé",
    "à",
    "objet",
    "enviado",
    "para",
    "asunto",
    "发送时间",
    "发送日期",
    "日期",
    "时间",
    "收件人",
    "抄送",
    "主题",
    "寄件日期",
    "收件者",
    "主旨",
    "送信日時",
    "宛先",
    "件名",
}
_SIGNATURE = {"-- ", "--", "—", "-- \u00a0"}
_DEVICE_FOOTER = re.compile(
    r"^(?:sent from my \w[\w ]{0,30}|get outlook for \w{2,10}|发自我的\w{1,20}|"
    r"从我的\s?\w{1,20}\s?发送|来自\w{1,20}客户端)$",
    re.IGNORECASE,
)


def strip_quoted(text: str) -> str:
    """`text` without quoted history and signature; the text itself when that would leave
    nothing (a message that only quotes)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        if line.lstrip().startswith(">"):
            continue
        stripped = line.strip()
        if stripped and len(stripped) <= _LONGEST_HEADER:
            if _is_attribution(lines, index) and _followed_by_quote(lines, index):
                continue  # "On ... wrote:" over a quote: an answer below it stays (bottom-posting)
            if _starts_history(lines, index, stripped):
                break
        kept.append(line)
    while kept and not kept[-1].strip():
        kept.pop()
    if kept and _DEVICE_FOOTER.match(kept[-1].strip()):
        kept.pop()
    result = "\n".join(kept).strip("\n").rstrip()
    return result if result.strip() else text.strip()


def _starts_history(lines: list[str], index: int, stripped: str) -> bool:
    """Whether everything from this line on is history or signature."""
    return bool(
        lines[index] in _SIGNATURE
        or stripped in ("--", "-- ")
        or _SEPARATOR.match(stripped)
        or (_UNDERSCORES.match(stripped) and _is_header_block(lines, index + 1))
        or _is_header_block(lines, index)
        or _is_attribution(lines, index)
    )


def _is_attribution(lines: list[str], index: int) -> bool:
    stripped = lines[index].strip()
    if stripped.startswith(">"):
        return False
    if _ATTRIBUTION_END.search(stripped):
        if _ATTRIBUTION_START.match(stripped) or _followed_by_quote(lines, index):
            return True
        return stripped.endswith(("写道：", "写道:", "寫道：", "寫道:"))
    if not _ATTRIBUTION_START.match(stripped):
        return False
    # Gmail wraps a long attribution: "On Mon, 3 Mar 2026 at 10:00, Li Wei <\nli@x.cn> wrote:"
    joined = stripped
    for following in lines[index + 1 : index + 3]:
        joined += " " + following.strip()
        if len(joined) > _LONGEST_HEADER:
            return False
        if _ATTRIBUTION_END.search(joined):
            return True
    return False


def _followed_by_quote(lines: list[str], index: int) -> bool:
    for following in lines[index + 1 : index + 4]:
        if following.strip():
            return following.lstrip().startswith(">")
    return False


def _field_name(line: str) -> str | None:
    if len(line) > _LONGEST_HEADER:
        return None
    found = _FIELD.match(line)
    return found.group(1).lower() if found else None


def _is_header_block(lines: list[str], index: int) -> bool:
    """A "From:" line followed, within a few lines, by two more header fields (Sent, To, ...)."""
    if index >= len(lines) or _field_name(lines[index]) not in _FROM_FIELDS:
        return False
    seen = 0
    for following in lines[index + 1 : index + 8]:
        name = _field_name(following)
        if name in _OTHER_FIELDS:
            seen += 1
            if seen >= 2:
                return True
    return False
