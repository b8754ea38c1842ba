"""strip_quoted: the new text of a reply, without the history it quotes or its signature."""

from __future__ import annotations

import time

import pytest

from deskline.mail.quoting import strip_quoted


def lines(*text: str) -> str:
    return "\n".join(text)


def test_text_without_quotes_is_kept() -> None:
    assert strip_quoted("The printer is jammed.\n\nThanks, Li\n") == (
        "The printer is jammed.\n\nThanks, Li"
    )


def test_lines_starting_with_a_quote_mark_go_and_interleaved_answers_stay() -> None:
    text = lines(
        "> Which floor?",
        "Floor 3.",
        "",
        ">> And the model?",
        "> HP LaserJet",
        "It is the HP.",
    )
    assert strip_quoted(text) == "Floor 3.\n\nIt is the HP."


@pytest.mark.parametrize(
    "attribution",
    [
        "On Tue, 3 Mar 2026 at 10:00, Li Wei <li.wei@example.com> wrote:",
        "On Mar 3, 2026, at 10:00, Li Wei <li.wei@example.com> wrote:",  # Apple Mail
        "On 03/03/2026 10:00, Li Wei wrote:",  # Thunderbird
        "On Tuesday, March 3, 2026 10:00 AM, Li Wei wrote:",
        "Le mar. 3 mars 2026 à 10:00, Li Wei <li.wei@example.com> a écrit :",
        "Am Di., 3. März 2026 um 10:00 Uhr schrieb Li Wei <li.wei@example.com>:",
        "El mar, 3 mar 2026 a las 10:00, Li Wei (<li.wei@example.com>) escribió:",
    ],
)
def test_an_attribution_line_and_everything_after_it_go(attribution: str) -> None:
    text = lines("Restarted, it works now.", "", attribution, "", "> Please restart it.", "")
    assert strip_quoted(text) == "Restarted, it works now."


def test_an_attribution_wrapped_over_two_lines_by_gmail() -> None:
    text = lines(
        "Thanks!",
        "",
        "On Tue, 3 Mar 2026 at 10:00, IT Service Desk via Deskline <",
        "desk@example.com> wrote:",
        "",
        "> Your request IT-42 was received.",
    )
    assert strip_quoted(text) == "Thanks!"


@pytest.mark.parametrize(
    "attribution",
    [
        "在 2026年3月3日 星期二 10:00，IT 服务台 <desk@example.cn> 写道：",
        "在 2026/3/3 10:00, 李伟 写道:",
        "2026年3月3日 上午10:00，李伟 <li.wei@example.cn> 写道：",  # Apple Mail in Chinese
        "李伟 <li.wei@example.cn> 于2026年3月3日周二 10:00写道：",  # Gmail in Chinese
    ],
)
def test_a_chinese_attribution_and_everything_after_it_go(attribution: str) -> None:
    text = lines("已经重启，现在好了。", "", attribution, "您的请求已收到。", "旧的内容")
    assert strip_quoted(text) == "已经重启，现在好了。"


def test_an_outlook_header_block_and_everything_after_it_go() -> None:
    text = lines(
        "Restarted, it works now.",
        "",
        "Li Wei",
        "________________________________",
        "From: IT Service Desk <desk@example.com>",
        "Sent: Tuesday, March 3, 2026 10:00 AM",
        "To: Li Wei <li.wei@example.com>",
        "Subject: [IT-42] Please restart the printer",
        "",
        "Please restart it.",
    )
    assert strip_quoted(text) == "Restarted, it works now.\n\nLi Wei"


def test_a_chinese_outlook_header_block_goes() -> None:
    text = lines(
        "已经重启。",
        "",
        "发件人: IT 服务台 <desk@example.cn>",
        "发送时间: 2026年3月3日 10:00",
        "收件人: 李伟 <li.wei@example.cn>",
        "主题: [IT-42] 请重启打印机",
        "",
        "请重启。",
    )
    assert strip_quoted(text) == "已经重启。"
    full_width = text.replace("发件人: ", "发件人：").replace("发送时间: ", "发送时间：")
    assert strip_quoted(full_width.replace("收件人: ", "收件人：")) == "已经重启。"


def test_an_outlook_block_in_bold_from_html() -> None:
    text = lines(
        "Done.",
        "",
        "*From:* IT Service Desk <desk@example.com>",
        "*Sent:* Tuesday, March 3, 2026 10:00 AM",
        "*To:* Li Wei",
        "*Subject:* [IT-42] Please restart",
    )
    assert strip_quoted(text) == "Done."


def test_a_from_line_alone_is_text() -> None:
    text = lines("From: the third floor, the printer is jammed again.", "Can you help?")
    assert strip_quoted(text) == text


@pytest.mark.parametrize(
    "separator",
    [
        "-----Original Message-----",
        "----- Original Message -----",
        "-----原始邮件-----",
        "------------------ 原始邮件 ------------------",
        "-------- Ursprüngliche Nachricht --------",
    ],
)
def test_an_original_message_line_and_everything_after_it_go(separator: str) -> None:
    text = lines("It works now.", "", separator, "From: desk@example.com", "Please restart it.")
    assert strip_quoted(text) == "It works now."


def test_a_signature_goes() -> None:
    text = lines("It works now.", "", "-- ", "Li Wei", "Finance, Shanghai", "+86 21 5555 0000")
    assert strip_quoted(text) == "It works now."
    assert strip_quoted(lines("It works now.", "--", "Li Wei")) == "It works now."


def test_a_device_footer_goes() -> None:
    assert strip_quoted("It works.\n\nSent from my iPhone\n") == "It works."
    assert strip_quoted("好了。\n\n发自我的iPhone") == "好了。"


def test_a_message_that_is_only_a_quote_keeps_its_text() -> None:
    only_quote = lines("> Please restart it.", "> Thanks")
    assert strip_quoted(only_quote) == only_quote
    only_history = lines("-----Original Message-----", "From: desk@example.com", "Hello")
    assert strip_quoted(only_history) == only_history


def test_a_bottom_posted_answer_below_the_quote_stays() -> None:
    text = lines("On 03/03/2026 10:00, Li Wei wrote:", "> Hi", "", "Hello")
    assert strip_quoted(text) == "Hello"


def test_windows_line_endings() -> None:
    assert strip_quoted("Fixed.\r\n\r\n> old\r\n") == "Fixed."


def test_long_lines_are_read_in_linear_time() -> None:
    long_line = "On " + "x" * 200_000 + " wrote:"
    many_colons = ("From: " + "a: " * 60_000) + "\n" + "Sent: x\n" * 3
    for text in (long_line, many_colons, ("> " + "y" * 1000 + "\n") * 2000, "x\n" * 200_000):
        started = time.process_time()
        strip_quoted(text)
        # Not a benchmark: quadratic work on these would take minutes.
        assert time.process_time() - started < 2
