"""Suggestions on the request form while the customer types, and the journey that counts what
they achieve: shown, opened, submitted anyway."""

from __future__ import annotations

import re

import pytest

from deskline.knowledge import actions
from deskline.knowledge.models import Article, DeflectionEvent, DeflectionKind
from deskline.testing.scenario import Helpdesk
from deskline.tickets.models import Ticket

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36"}
JOURNEY = "j0urney-0123456789abcdef"


@pytest.fixture
def vpn(helpdesk: Helpdesk) -> Article:
    article = actions.article_create(
        actor=helpdesk.li,
        title="Connect to the VPN",
        body="Open the VPN client and sign in.",
        language="en",
        desk=helpdesk.it,
    )
    return actions.article_publish(actor=helpdesk.li, article=article)


def suggestions_url(helpdesk, request_type=None):
    request_type = request_type or helpdesk.password_reset
    return f"/desks/{request_type.desk.key}/new/{request_type.pk}/suggestions/"


def steps():
    return list(DeflectionEvent.objects.order_by("id").values_list("kind", "journey", "article"))


def test_the_form_carries_a_journey_and_asks_for_suggestions_while_typing(helpdesk, signed_in):
    page = (
        signed_in(helpdesk.alice)
        .get(f"/desks/IT/new/{helpdesk.password_reset.pk}/")
        .content.decode()
    )

    journey = re.search(r'name="journey" id="raise-journey" value="([A-Za-z0-9_-]+)"', page)
    assert journey and 16 <= len(journey.group(1)) <= 64
    assert f'hx-get="{suggestions_url(helpdesk)}"' in page
    assert 'hx-trigger="input changed delay:300ms"' in page
    assert 'id="article-suggestions"' in page


def test_each_form_gets_its_own_journey(helpdesk, signed_in):
    customer = signed_in(helpdesk.alice)
    pattern = r'name="journey" id="raise-journey" value="([^"]+)"'
    url = f"/desks/IT/new/{helpdesk.password_reset.pk}/"

    first = re.search(pattern, customer.get(url).content.decode())
    second = re.search(pattern, customer.get(url).content.decode())

    assert first and second and first.group(1) != second.group(1)


def test_suggestions_show_matching_articles_and_count_once(helpdesk, signed_in, vpn):
    customer = signed_in(helpdesk.alice)

    response = customer.get(
        suggestions_url(helpdesk), {"summary": "vpn", "journey": JOURNEY}, **BROWSER
    )
    customer.get(suggestions_url(helpdesk), {"summary": "vpn", "journey": JOURNEY}, **BROWSER)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Connect to the <mark>VPN</mark>" in page  # the matched word highlighted
    origin = f"IT%3A{helpdesk.password_reset.pk}"
    link = f"/knowledge/articles/{vpn.pk}/?journey={JOURNEY}&amp;from={origin}"
    assert link in page
    assert steps() == [(DeflectionKind.SUGGESTED, JOURNEY, vpn.pk)]


def test_no_match_shows_nothing_and_counts_nothing(helpdesk, signed_in, vpn):
    response = signed_in(helpdesk.alice).get(
        suggestions_url(helpdesk), {"summary": "printer", "journey": JOURNEY}, **BROWSER
    )

    assert response.status_code == 200
    assert response.content.decode().strip() == ""
    assert steps() == []


@pytest.mark.parametrize("summary", ["", "  ", "vp", "!!!", "*"])
def test_short_or_meaningless_summaries_suggest_nothing(helpdesk, signed_in, vpn, summary):
    response = signed_in(helpdesk.alice).get(
        suggestions_url(helpdesk), {"summary": summary, "journey": JOURNEY}, **BROWSER
    )

    assert response.status_code == 200
    assert "Connect to the" not in response.content.decode()
    assert steps() == []


def test_a_summary_longer_than_a_question_is_refused(helpdesk, signed_in, vpn):
    response = signed_in(helpdesk.alice).get(
        suggestions_url(helpdesk), {"summary": "vpn " * 60, "journey": JOURNEY}
    )

    assert response.status_code == 400
    assert steps() == []


@pytest.mark.parametrize("journey", ["short", "x" * 65, "has spaces in it ok", "é" * 20])
def test_a_bad_journey_is_refused(helpdesk, signed_in, vpn, journey):
    response = signed_in(helpdesk.alice).get(
        suggestions_url(helpdesk), {"summary": "vpn", "journey": journey}, **BROWSER
    )

    assert response.status_code == 400
    assert steps() == []


def test_crawlers_and_head_requests_are_not_counted(helpdesk, signed_in, vpn):
    customer = signed_in(helpdesk.alice)
    params = {"summary": "vpn", "journey": JOURNEY}

    crawled = customer.get(suggestions_url(helpdesk), params, HTTP_USER_AGENT="bingbot/2.0")
    head = customer.head(suggestions_url(helpdesk), params, **BROWSER)

    assert crawled.status_code == 200 and head.status_code == 405
    assert steps() == []


def test_suggestions_need_a_signed_in_person(helpdesk, client, vpn):
    response = client.get(suggestions_url(helpdesk), {"summary": "vpn", "journey": JOURNEY})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert steps() == []


def test_suggestions_of_an_unknown_form_are_not_found(helpdesk, signed_in, vpn):
    customer = signed_in(helpdesk.alice)

    wrong_desk = customer.get(
        f"/desks/HR/new/{helpdesk.password_reset.pk}/suggestions/", {"summary": "vpn"}
    )
    unknown = customer.get("/desks/IT/new/999999/suggestions/", {"summary": "vpn"})

    assert (wrong_desk.status_code, unknown.status_code) == (404, 404)


def test_suggestions_do_not_show_another_desks_drafts(helpdesk, signed_in):
    actions.article_create(
        actor=helpdesk.li, title="VPN secret draft", body="vpn", language="en", desk=helpdesk.it
    )

    response = signed_in(helpdesk.alice).get(suggestions_url(helpdesk), {"summary": "vpn"})

    assert "VPN secret draft" not in response.content.decode()


def test_opening_a_suggestion_counts_as_opened(helpdesk, signed_in, vpn):
    customer = signed_in(helpdesk.alice)
    origin = f"IT:{helpdesk.password_reset.pk}"

    response = customer.get(
        f"/knowledge/articles/{vpn.pk}/", {"journey": JOURNEY, "from": origin}, **BROWSER
    )

    assert response.status_code == 200
    assert steps() == [(DeflectionKind.OPENED, JOURNEY, vpn.pk)]
    event = DeflectionEvent.objects.get()
    assert (event.desk_id, event.request_type_id, event.user_id) == (
        helpdesk.it.pk,
        helpdesk.password_reset.pk,
        helpdesk.alice.pk,
    )


@pytest.mark.parametrize(
    "params",
    [
        {"journey": "bad", "from": "IT:1"},
        {"journey": JOURNEY, "from": "NOPE:1"},
        {"journey": JOURNEY, "from": "IT:999999"},
        {"journey": JOURNEY, "from": "garbage"},
        {"journey": JOURNEY},
    ],
)
def test_an_article_opened_with_a_bad_journey_shows_but_counts_no_step(
    helpdesk, signed_in, vpn, params
):
    response = signed_in(helpdesk.alice).get(f"/knowledge/articles/{vpn.pk}/", params, **BROWSER)

    assert response.status_code == 200
    assert steps() == []


def test_sending_the_form_counts_as_submitted(helpdesk, signed_in):
    customer = signed_in(helpdesk.alice)
    url = f"/desks/IT/new/{helpdesk.password_reset.pk}/"

    response = customer.post(
        url,
        {"summary": "VPN broken", "description": "", "priority": "medium", "journey": JOURNEY},
        **BROWSER,
    )

    assert response.status_code == 302
    assert Ticket.objects.count() == 1
    assert steps() == [(DeflectionKind.SUBMITTED, JOURNEY, None)]


def test_a_form_with_errors_keeps_its_journey_and_counts_nothing(helpdesk, signed_in):
    customer = signed_in(helpdesk.alice)

    response = customer.post(
        f"/desks/IT/new/{helpdesk.password_reset.pk}/",
        {"summary": "", "priority": "medium", "journey": JOURNEY},
    )

    assert response.status_code == 400
    assert f'value="{JOURNEY}"' in response.content.decode()
    assert steps() == []


def test_a_form_sent_with_a_bad_journey_still_raises_the_request(helpdesk, signed_in):
    response = signed_in(helpdesk.alice).post(
        f"/desks/IT/new/{helpdesk.password_reset.pk}/",
        {"summary": "VPN broken", "priority": "medium", "journey": "<script>"},
    )

    assert response.status_code == 302
    assert Ticket.objects.count() == 1
    assert steps() == []


def test_an_article_and_its_translation_are_suggested_once(helpdesk, signed_in, vpn):
    actions.article_create(
        actor=helpdesk.li,
        title="连接 VPN",
        body="打开 VPN 客户端。",
        language="zh-hans",
        desk=helpdesk.it,
        translation_of=vpn,
        status="published",
    )

    page = signed_in(helpdesk.alice).get(suggestions_url(helpdesk), {"summary": "vpn"})
    page = page.content.decode()

    assert "Connect to the <mark>VPN</mark>" in page and "连接" not in page


def test_suggestions_take_a_few_queries(helpdesk, signed_in, vpn, django_assert_max_num_queries):
    customer = signed_in(helpdesk.alice)
    params = {"summary": "vpn", "journey": JOURNEY}
    customer.get(suggestions_url(helpdesk), params, **BROWSER)

    # The search by meaning adds two: the vector index's version, the documents it found.
    with django_assert_max_num_queries(10):
        response = customer.get(suggestions_url(helpdesk), params, **BROWSER)

    assert "Connect to the <mark>VPN</mark>" in response.content.decode()


def test_answered_questions_are_suggested_beside_articles_and_opening_one_counts(
    helpdesk, signed_in
):
    from deskline.community.actions import question_ask, question_hide

    question = question_ask(
        actor=helpdesk.bob,
        title="Printer jams on every double-sided job",
        body="Which tray should I use for duplex printing?",
        desk=helpdesk.it,
    )
    customer = signed_in(helpdesk.alice)

    page = customer.get(
        suggestions_url(helpdesk), {"summary": "printer jams", "journey": JOURNEY}, **BROWSER
    ).content.decode()
    origin = f"IT%3A{helpdesk.password_reset.pk}"
    link = f"/questions/{question.pk}/?journey={JOURNEY}&amp;from={origin}"
    assert link in page
    customer.get(link.replace("&amp;", "&"), **BROWSER)
    opened = DeflectionEvent.objects.filter(kind=DeflectionKind.OPENED, journey=JOURNEY)
    assert list(opened.values_list("question_id", flat=True)) == [question.pk]

    question_hide(actor=helpdesk.li, question=question, is_hidden=True)
    page = customer.get(
        suggestions_url(helpdesk), {"summary": "printer jams", "journey": JOURNEY}, **BROWSER
    ).content.decode()
    assert f"/questions/{question.pk}/" not in page


def test_suggestions_of_an_inactive_form_are_not_found(helpdesk, signed_in, vpn):
    form = helpdesk.password_reset
    customer = signed_in(helpdesk.alice)
    assert customer.get(suggestions_url(helpdesk, form), {"summary": "vpn"}).status_code == 200

    form.is_active = False
    form.save()

    assert customer.get(suggestions_url(helpdesk, form), {"summary": "vpn"}).status_code == 404
