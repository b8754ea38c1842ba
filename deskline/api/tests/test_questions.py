"""API v1's questions: list and search, ask, read with answers, answer, vote, accept; who may,
and what bad input gets (a 4xx with a code, nothing written)."""

from __future__ import annotations

import pytest

from deskline.community.actions import answer_post, question_ask, question_hide, question_lock
from deskline.community.models import Answer, Question, Vote
from deskline.testing.factories import ApiClient
from deskline.testing.scenario import Helpdesk

pytestmark = pytest.mark.django_db


@pytest.fixture
def question(helpdesk: Helpdesk) -> Question:
    return question_ask(
        actor=helpdesk.alice,
        title="How do I connect to the office VPN?",
        body="The client says certificate expired.",
        desk=helpdesk.it,
    )


def _refused(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    assert set(body) == {"code", "message", "fields"}
    return body


def test_ask_and_read_a_question(helpdesk):
    client = ApiClient(helpdesk.bob)

    created = client.post(
        "/questions",
        {
            "title": "Where is the guest Wi-Fi?",
            "body": "For **visitors**.",
            "desk": "it",
            "language": "zh-Hans",
        },
    )

    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["title"], body["desk"], body["language"], body["status"]) == (
        "Where is the guest Wi-Fi?",
        "IT",
        "zh-Hans",
        "open",
    )
    assert "<strong>visitors</strong>" in body["body_html"]
    assert body["answers"] == []
    assert body["url"].endswith(f"/questions/{body['id']}/")
    assert client.get(f"/questions/{body['id']}").json()["id"] == body["id"]


def test_the_list_pages_with_a_cursor_newest_first(helpdesk, question):
    later = question_ask(actor=helpdesk.bob, title="Printer is offline", body="Floor 3.")
    client = ApiClient(helpdesk.carol)

    first = client.get("/questions", {"limit": 1}).json()
    second = client.get("/questions", {"limit": 1, "cursor": first["next_cursor"]}).json()

    assert [item["id"] for item in first["items"]] == [later.pk]
    assert [item["id"] for item in second["items"]] == [question.pk]
    assert second["next_cursor"] is None


def test_a_search_answers_best_first_with_a_snippet(helpdesk, question):
    question_ask(actor=helpdesk.bob, title="Printer is offline", body="Floor 3.")

    items = ApiClient(helpdesk.carol).get("/questions", {"q": "VPN"}).json()["items"]

    assert [item["id"] for item in items] == [question.pk]
    assert "certificate" in items[0]["snippet"]


def test_filters_by_desk_status_and_language(helpdesk, question):
    client = ApiClient(helpdesk.carol)

    assert client.get("/questions", {"desk": "HR"}).json()["items"] == []
    assert client.get("/questions", {"status": "answered"}).json()["items"] == []
    assert client.get("/questions", {"language": "zh-Hans"}).json()["items"] == []
    assert len(client.get("/questions", {"desk": "IT", "language": "en"}).json()["items"]) == 1


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"status": "closed"}, "invalid_filter"),
        ({"language": "fr"}, "invalid_language"),
        ({"cursor": "nonsense"}, "invalid_cursor"),
        ({"limit": 0}, "invalid_filter"),
        ({"limit": 201}, "invalid_filter"),
        ({"desk": "NOPE"}, "unknown_desk"),
        ({"q": "x" * 201}, "query_too_long"),
    ],
)
def test_bad_filters_are_400_or_404(helpdesk, question, params, code):
    response = ApiClient(helpdesk.carol).get("/questions", params)

    assert response.status_code in (400, 404)
    assert response.json()["code"] == code


@pytest.mark.parametrize("query", ['"', "AND OR NOT", "*", "a:b", "(((", "!!!", "   "])
def test_search_syntax_is_text(helpdesk, question, query):
    response = ApiClient(helpdesk.carol).get("/questions", {"q": query})

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"title": "", "body": "x"}, "title_required"),
        ({"title": "x" * 201, "body": "x"}, "title_too_long"),
        ({"title": "A real question", "body": ""}, "body_required"),
        ({"title": "A real question", "body": "x", "language": "fr"}, "invalid_language"),
        ({"title": "A real question", "body": "x", "extra": 1}, "invalid_input"),
        ({"title": "A real question", "body": "nul\u0000"}, "invalid_input"),
    ],
)
def test_a_bad_question_is_400_and_nothing_is_written(helpdesk, body, code):
    _refused(ApiClient(helpdesk.bob).post("/questions", body), 400, code)

    assert not Question.objects.exists()


def test_without_a_token_nothing_is_read_or_written(helpdesk, question):
    client = ApiClient(None)

    _refused(client.get("/questions"), 401, "not_authenticated")
    _refused(
        client.post("/questions", {"title": "Hello there", "body": "x"}), 401, "not_authenticated"
    )
    assert Question.objects.count() == 1


def test_a_hidden_question_is_404_for_customers_and_shown_to_agents(helpdesk, question):
    question_hide(actor=helpdesk.li, question=question, is_hidden=True)

    _refused(ApiClient(helpdesk.bob).get(f"/questions/{question.pk}"), 404, "unknown_question")
    assert ApiClient(helpdesk.bob).get("/questions").json()["items"] == []
    assert ApiClient(helpdesk.li).get(f"/questions/{question.pk}").json()["is_hidden"] is True


@pytest.mark.parametrize("question_id", ["0", "-1", "99999999999999999999999", "abc"])
def test_an_unknown_question_is_404_or_400(helpdesk, question_id):
    response = ApiClient(helpdesk.bob).get(f"/questions/{question_id}")

    assert response.status_code in (400, 404)


def test_answer_then_vote_then_accept(helpdesk, question):
    answered = ApiClient(helpdesk.li).post(
        f"/questions/{question.pk}/answers", {"body": "Renew it <script>x</script>"}
    )
    assert answered.status_code == 201, answered.content
    answer_id = answered.json()["id"]
    assert "<script>" not in answered.json()["body_html"]

    voted = ApiClient(helpdesk.bob).post(f"/answers/{answer_id}/votes", {"value": 1})
    assert voted.json() == {"score": 1, "value": 1}
    assert ApiClient(helpdesk.bob).post(
        f"/questions/{question.pk}/votes", {"value": -1}
    ).json() == {
        "score": -1,
        "value": -1,
    }

    accepted = ApiClient(helpdesk.alice).post(
        f"/questions/{question.pk}/accept", {"answer": answer_id}
    )
    assert accepted.status_code == 200, accepted.content
    assert (accepted.json()["status"], accepted.json()["accepted_answer"]) == (
        "answered",
        answer_id,
    )
    assert accepted.json()["answers"][0]["is_accepted"] is True


def test_voting_twice_counts_once_and_on_ones_own_post_is_403(helpdesk, question):
    bob = ApiClient(helpdesk.bob)

    bob.post(f"/questions/{question.pk}/votes", {"value": 1})
    again = bob.post(f"/questions/{question.pk}/votes", {"value": 1})

    assert again.json()["score"] == 1
    _refused(
        ApiClient(helpdesk.alice).post(f"/questions/{question.pk}/votes", {"value": 1}),
        403,
        "vote_own_post",
    )
    _refused(bob.post(f"/questions/{question.pk}/votes", {"value": 5}), 400, "invalid_input")
    assert Vote.objects.count() == 1


def test_a_stranger_cannot_accept(helpdesk, question):
    answer = answer_post(actor=helpdesk.li, question=question, body="Renew it.")

    _refused(
        ApiClient(helpdesk.bob).post(f"/questions/{question.pk}/accept", {"answer": answer.pk}),
        403,
        "not_the_asker",
    )
    _refused(
        ApiClient(helpdesk.alice).post(f"/questions/{question.pk}/accept", {"answer": 999999}),
        400,
        "unknown_answer",
    )
    assert not Answer.objects.filter(is_accepted=True).exists()


def test_a_locked_question_takes_no_answer(helpdesk, question):
    question_lock(actor=helpdesk.li, question=question, is_locked=True)

    _refused(
        ApiClient(helpdesk.bob).post(f"/questions/{question.pk}/answers", {"body": "Late"}),
        403,
        "question_locked",
    )
    assert not Answer.objects.exists()


def test_the_openapi_document_bounds_every_input(helpdesk):
    schema = ApiClient(helpdesk.bob).get("/openapi.json").json()
    ask = schema["components"]["schemas"]["QuestionIn"]["properties"]

    assert ask["title"]["maxLength"] == 200
    assert ask["body"]["maxLength"] == 20000
    assert "/api/v1/questions/{question_id}/accept" in schema["paths"]
