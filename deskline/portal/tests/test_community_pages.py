"""The help center's questions and answers: who may read, ask, answer, vote, accept and
moderate, and what the pages refuse."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from deskline.community.actions import answer_post, question_ask, question_hide, question_lock
from deskline.community.models import Answer, Question, QuestionStatus, Vote
from deskline.testing.scenario import Helpdesk


@pytest.fixture
def question(helpdesk: Helpdesk) -> Question:
    return question_ask(
        actor=helpdesk.alice,
        title="How do I connect to the office VPN?",
        body="The client says **certificate expired**.",
        desk=helpdesk.it,
    )


def _page(question: Question) -> str:
    return reverse("portal:question", kwargs={"question_id": question.pk})


def test_visitors_read_the_list_and_the_question(helpdesk, question):
    listing = Client().get(reverse("portal:questions"))
    page = Client().get(_page(question))

    assert listing.status_code == 200
    assert "How do I connect to the office VPN?" in listing.content.decode()
    assert page.status_code == 200
    assert "<strong>certificate expired</strong>" in page.content.decode()
    assert "Sign in to answer or vote." in page.content.decode()
    assert "1 view" in page.content.decode()
    question.refresh_from_db()
    assert question.view_count == 1


def test_the_list_searches_and_filters(helpdesk, question, signed_in):
    other = question_ask(
        actor=helpdesk.bob, title="Printer on floor 3 is offline", body="Since noon.", desk=None
    )
    client = signed_in(helpdesk.carol)

    found = client.get(reverse("portal:questions"), {"q": "VPN"}).content.decode()
    answered = client.get(reverse("portal:questions"), {"status": "answered"}).content.decode()
    global_only = client.get(reverse("portal:questions"), {"desk": "global"}).content.decode()

    assert "VPN" in found and other.title not in found
    assert question.title not in answered and other.title not in answered
    assert other.title in global_only and question.title not in global_only


def test_a_search_too_long_is_a_400_with_the_reason(helpdesk):
    response = Client().get(reverse("portal:questions"), {"q": "x" * 500})

    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()


def test_a_hidden_question_is_404_for_customers_and_marked_for_agents(
    helpdesk, question, signed_in
):
    question_hide(actor=helpdesk.li, question=question, is_hidden=True)

    assert signed_in(helpdesk.bob).get(_page(question)).status_code == 404
    assert Client().get(_page(question)).status_code == 404
    agent_page = signed_in(helpdesk.li).get(_page(question))
    assert agent_page.status_code == 200
    assert "This question is hidden" in agent_page.content.decode()


def test_a_question_of_an_inactive_desk_is_404(helpdesk, question, signed_in):
    helpdesk.it.is_active = False
    helpdesk.it.save()
    assert signed_in(helpdesk.bob).get(_page(question)).status_code == 404


def test_signed_in_people_ask(helpdesk, signed_in):
    response = signed_in(helpdesk.bob).post(
        reverse("portal:question_ask"),
        {
            "title": "Where is the guest Wi-Fi password?",
            "body": "For visitors.",
            "desk": "IT",
            "language": "en",
        },
    )

    question = Question.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _page(question)
    assert (question.author, question.desk) == (helpdesk.bob, helpdesk.it)


def test_visitors_are_sent_to_sign_in_before_asking(helpdesk):
    response = Client().post(
        reverse("portal:question_ask"), {"title": "Anonymous question", "body": "Hi"}
    )

    assert response.status_code == 302
    assert reverse("portal:login") in response["Location"]
    assert not Question.objects.exists()


def test_a_bad_question_shows_the_errors_and_nothing_is_written(helpdesk, signed_in):
    response = signed_in(helpdesk.bob).post(
        reverse("portal:question_ask"),
        {"title": "?!", "body": "", "desk": "", "language": "en"},
    )

    assert response.status_code == 400
    assert "Describe your question." in response.content.decode()
    assert not Question.objects.exists()


def test_script_in_an_answer_is_shown_as_text(helpdesk, question, signed_in):
    client = signed_in(helpdesk.bob)

    response = client.post(
        reverse("portal:answer_post", kwargs={"question_id": question.pk}),
        {"body": "<script>alert('x')</script> Renew it."},
    )

    assert response.status_code == 302
    page = client.get(_page(question)).content.decode()
    assert "<script>alert" not in page
    assert "Renew it." in page


def test_a_locked_question_refuses_answers(helpdesk, question, signed_in):
    question_lock(actor=helpdesk.li, question=question, is_locked=True)

    response = signed_in(helpdesk.bob).post(
        reverse("portal:answer_post", kwargs={"question_id": question.pk}), {"body": "Late"}
    )

    assert response.status_code == 400
    assert "locked" in response.content.decode()
    assert not Answer.objects.exists()


def test_voting_with_htmx_answers_the_widget(helpdesk, question, signed_in):
    url = reverse("portal:question_vote", kwargs={"question_id": question.pk})

    response = signed_in(helpdesk.bob).post(url, {"value": "1"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert f'id="votes-q{question.pk}"' in response.content.decode()
    question.refresh_from_db()
    assert question.score == 1


def test_voting_on_ones_own_question_is_refused(helpdesk, question, signed_in):
    url = reverse("portal:question_vote", kwargs={"question_id": question.pk})

    response = signed_in(helpdesk.alice).post(url, {"value": "1"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 400
    assert "your own post" in response.content.decode()
    assert not Vote.objects.exists()


def test_the_asker_accepts_and_a_stranger_cannot(helpdesk, question, signed_in):
    answer = answer_post(actor=helpdesk.li, question=question, body="Renew the certificate.")
    url = reverse(
        "portal:answer_accept", kwargs={"question_id": question.pk, "answer_id": answer.pk}
    )

    assert signed_in(helpdesk.bob).post(url).status_code == 403
    question.refresh_from_db()
    assert question.status == QuestionStatus.OPEN

    assert signed_in(helpdesk.alice).post(url).status_code == 302
    question.refresh_from_db()
    assert question.accepted_answer_id == answer.pk
    page = signed_in(helpdesk.bob).get(_page(question)).content.decode()
    assert "Accepted answer" in page


def test_agents_moderate_and_customers_get_403(helpdesk, question, signed_in):
    url = reverse("portal:question_moderate", kwargs={"question_id": question.pk})

    assert signed_in(helpdesk.bob).post(url, {"action": "lock"}).status_code == 403
    assert signed_in(helpdesk.hana).post(url, {"action": "lock"}).status_code == 403
    question.refresh_from_db()
    assert not question.is_locked

    assert signed_in(helpdesk.li).post(url, {"action": "lock"}).status_code == 302
    question.refresh_from_db()
    assert question.is_locked
    page = signed_in(helpdesk.bob).get(_page(question)).content.decode()
    assert "This question is locked" in page


def test_marking_a_duplicate_shows_the_banner_and_itself_is_refused(helpdesk, question, signed_in):
    copy = question_ask(
        actor=helpdesk.bob, title="VPN certificate expired", body="Same.", desk=helpdesk.it
    )
    url = reverse("portal:question_moderate", kwargs={"question_id": copy.pk})
    agent = signed_in(helpdesk.li)

    agent.post(url, {"action": "duplicate", "duplicate_of": str(copy.pk)})
    copy.refresh_from_db()
    assert copy.duplicate_of_id is None

    agent.post(url, {"action": "duplicate", "duplicate_of": f"#{question.pk}"})
    copy.refresh_from_db()
    assert copy.duplicate_of_id == question.pk
    assert "This question was asked before." in agent.get(_page(copy)).content.decode()


def test_agents_hide_an_answer_and_customers_cannot(helpdesk, question, signed_in):
    answer = answer_post(actor=helpdesk.bob, question=question, body="Buy cheap watches")
    url = reverse(
        "portal:answer_moderate", kwargs={"question_id": question.pk, "answer_id": answer.pk}
    )

    assert signed_in(helpdesk.carol).post(url, {"action": "hide"}).status_code == 403
    assert signed_in(helpdesk.li).post(url, {"action": "hide"}).status_code == 302

    answer.refresh_from_db()
    assert answer.is_hidden
    assert "cheap watches" not in signed_in(helpdesk.carol).get(_page(question)).content.decode()


def test_customers_cannot_turn_a_question_into_an_article(helpdesk, question, signed_in):
    answer_post(actor=helpdesk.li, question=question, body="Renew it.")
    url = reverse("portal:question_to_article", kwargs={"question_id": question.pk})

    assert signed_in(helpdesk.bob).post(url).status_code == 403


def test_the_help_center_home_and_desk_pages_link_to_the_questions(helpdesk):
    home = Client().get(reverse("portal:home")).content.decode()
    desk = Client().get(reverse("portal:desk", kwargs={"desk_key": "IT"})).content.decode()

    assert f'href="{reverse("portal:questions")}"' in home
    assert f'href="{reverse("portal:questions")}?desk=IT"' in desk


def test_the_pages_speak_chinese(helpdesk, question, signed_in):
    response = Client().get(reverse("portal:questions"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert "问答" in response.content.decode()


def test_agents_turn_a_question_into_a_draft_article(helpdesk, question, signed_in):
    from deskline.knowledge.models import Article, ArticleStatus

    answer_post(actor=helpdesk.li, question=question, body="Renew it.")
    url = reverse("portal:question_to_article", kwargs={"question_id": question.pk})

    response = signed_in(helpdesk.li).post(url, follow=True)

    article = Article.objects.get()
    assert article.status == ArticleStatus.DRAFT
    assert f"Draft article #{article.pk} created" in response.content.decode()
