"""The help center's community: questions, answers, votes, accepting, moderation.

Visitors read; people who signed in ask, answer and vote; the desk's agents moderate. Thin views:
parse, access (`community.access`), action, render.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from deskline.accounts.models import Locale, User
from deskline.community import actions, selectors
from deskline.community.access import access_answer, access_question, can_moderate
from deskline.community.models import Answer, Question, QuestionStatus
from deskline.core.errors import Conflict, PermissionDenied, ValidationFailed
from deskline.core.text import is_storable_text
from deskline.desks.models import Desk
from deskline.knowledge.models import DeflectionKind
from deskline.portal import deflection
from deskline.portal.forms import DomainErrorsMixin
from deskline.portal.http import error_pages, is_htmx
from deskline.tickets import help_center

LIST_PAGE = 20
STATUS_FILTERS = {
    "answered": gettext_lazy("Answered"),
    "unanswered": gettext_lazy("Unanswered"),
}


class QuestionForm(DomainErrorsMixin, forms.Form):
    use_required_attribute = False

    title = forms.CharField(
        label=gettext_lazy("Your question"),
        max_length=actions.TITLE_MAX,
        help_text=gettext_lazy("One sentence, e.g. “How do I connect to the VPN from home?”"),
        error_messages={"required": gettext_lazy("Enter your question in a few words.")},
    )
    body = forms.CharField(
        label=gettext_lazy("Details"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("What you tried and what happened. You can use Markdown."),
        error_messages={"required": gettext_lazy("Describe your question.")},
    )
    desk = forms.ChoiceField(label=gettext_lazy("Desk"), required=False)
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=Locale.choices)

    ERROR_NAMES = {"title": "title", "body": "body", "desk": "desk", "language": "language"}

    def __init__(self, *args: Any, desks: list[Desk], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.desks = {desk.key: desk for desk in desks}
        field: Any = self.fields["desk"]
        field.choices = [("", _("Everyone (no particular desk)"))] + [
            (desk.key, desk.translated("name")) for desk in desks
        ]


class AnswerForm(DomainErrorsMixin, forms.Form):
    use_required_attribute = False

    body = forms.CharField(
        label=gettext_lazy("Your answer"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("You can use Markdown."),
        error_messages={"required": gettext_lazy("Write your answer.")},
    )

    ERROR_NAMES = {"body": "body"}


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]  # signed in or AnonymousUser
    return user


@error_pages
def question_list(request: HttpRequest) -> HttpResponse:
    """Questions of every desk the visitor may use and the global ones; search, filter by
    answered or not and by desk."""
    user = _user(request)
    query = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    if status not in STATUS_FILTERS:
        status = ""
    desks = help_center.help_center_desks(user)
    desk_key = request.GET.get("desk", "")
    desk = next((d for d in desks if d.key == desk_key.upper()), None) if desk_key else None
    cursor = request.GET.get("cursor") or None
    error = ""
    page = selectors.QuestionPage(items=[], next_cursor=None)
    filters = selectors.QuestionFilters(
        q=query,
        desk=desk,
        global_only=desk_key == "global",
        status={"answered": QuestionStatus.ANSWERED, "unanswered": QuestionStatus.OPEN}.get(status),
    )
    try:
        page = selectors.question_list(user=user, filters=filters, cursor=cursor, limit=LIST_PAGE)
    except ValidationFailed as failure:
        error = str(failure.message)
    return render(
        request,
        "portal/community/list.html",
        {
            "page": page,
            "query": query,
            "status": status,
            "status_filters": list(STATUS_FILTERS.items()),
            "desks": desks,
            "desk_key": desk.key if desk else ("global" if desk_key == "global" else ""),
            "cursor": cursor,
            "error": error,
            "nav": "questions",
        },
        status=400 if error else 200,
    )


@login_required
@error_pages
def question_ask(request: HttpRequest) -> HttpResponse:
    """Ask a question; on success, its page."""
    user = _user(request)
    desks = help_center.help_center_desks(user)
    initial = {"language": user.locale, "desk": request.GET.get("desk", "").upper()}
    form = QuestionForm(request.POST or None, desks=desks, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            question = actions.question_ask(
                actor=user,
                title=data["title"],
                body=data["body"],
                language=data["language"],
                desk=form.desks.get(data["desk"]),
            )
        except ValidationFailed as failure:
            form.add_domain_errors(failure, form.ERROR_NAMES)
        else:
            messages.success(request, _("Your question is published."))
            return redirect("portal:question", question_id=question.pk)
    return render(
        request,
        "portal/community/ask.html",
        {"form": form, "nav": "questions"},
        status=400 if form.errors else 200,
    )


def _detail_context(
    request: HttpRequest, question: Question, answer_form: AnswerForm
) -> dict[str, Any]:
    user = _user(request)
    answers = selectors.question_answers(user=user, question=question)
    votes = selectors.votes_of(user, question, answers)
    signed_in = user.is_authenticated
    moderator = can_moderate(user, question)
    for answer in answers:
        answer.my_vote = votes.get(f"a{answer.pk}", 0)  # type: ignore[attr-defined]
        answer.can_vote = (  # type: ignore[attr-defined]
            signed_in
            and answer.author_id != user.pk
            and not answer.is_hidden
            and not question.is_hidden
        )
    return {
        "question": question,
        "answers": answers,
        "question_vote": votes.get(f"q{question.pk}", 0),
        "can_vote_question": signed_in and question.author_id != user.pk and not question.is_hidden,
        "can_accept": signed_in and (question.author_id == user.pk or moderator),
        "can_answer": signed_in
        and not question.is_locked
        and question.duplicate_of_id is None
        and not question.is_hidden,
        "is_moderator": moderator,
        "answer_form": answer_form,
        "nav": "questions",
    }


@error_pages
def question_detail(request: HttpRequest, question_id: int) -> HttpResponse:
    """One question: its answers best first (the accepted one on top), votes, the answer form,
    and for the desk's agents the moderation buttons."""
    question = access_question(_user(request), question_id)
    actions.question_view(question=question)
    question.view_count += 1  # this view too, as the database now counts it
    if deflection.is_person(request):
        # Opened from a request form's suggestions: that journey's "opened" step.
        step = deflection.journey_of(request, request.GET)
        if step is not None:
            deflection.record(request, step, DeflectionKind.OPENED, question_id=question.id)
    return render(
        request,
        "portal/community/question.html",
        _detail_context(request, question, AnswerForm()),
    )


@login_required
@require_POST
@error_pages
def answer_post(request: HttpRequest, question_id: int) -> HttpResponse:
    user = _user(request)
    question = access_question(user, question_id)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            answer = actions.answer_post(
                actor=user, question=question, body=form.cleaned_data["body"]
            )
        except ValidationFailed as failure:
            form.add_domain_errors(failure, form.ERROR_NAMES)
        except PermissionDenied as refused:
            form.add_error(None, str(refused.message))
        else:
            messages.success(request, _("Your answer is published."))
            url = reverse("portal:question", kwargs={"question_id": question.pk})
            return redirect(f"{url}#answer-{answer.pk}")
    return render(
        request,
        "portal/community/question.html",
        _detail_context(request, question, form),
        status=400,
    )


def _vote_value(request: HttpRequest) -> int | None:
    raw = request.POST.get("value", "")
    return {"1": 1, "-1": -1, "0": 0}.get(raw)


def _vote(request: HttpRequest, target: Question | Answer, question: Question) -> HttpResponse:
    user = _user(request)
    value = _vote_value(request)
    error = ""
    try:
        if value is None:
            raise ValidationFailed(_("Vote with 1, -1 or 0."), code="invalid_vote")
        actions.vote(actor=user, target=target, value=value)
    except (ValidationFailed, PermissionDenied) as refused:
        error = str(refused.message)
    if is_htmx(request):
        target.refresh_from_db(fields=["score"])
        kind = "q" if isinstance(target, Question) else "a"
        answers = [target] if isinstance(target, Answer) else []
        votes = selectors.votes_of(user, question, answers)
        return render(
            request,
            "portal/community/_votes.html",
            {
                "target": target,
                "kind": kind,
                "question": question,
                "my_vote": votes.get(f"{kind}{target.pk}", 0),
                "can_vote": True,
                "vote_error": error,
            },
            status=400 if error else 200,
        )
    if error:
        messages.error(request, error)
    return redirect("portal:question", question_id=question.pk)


@login_required
@require_POST
@error_pages
def question_vote(request: HttpRequest, question_id: int) -> HttpResponse:
    question = access_question(_user(request), question_id)
    return _vote(request, question, question)


@login_required
@require_POST
@error_pages
def answer_vote(request: HttpRequest, question_id: int, answer_id: int) -> HttpResponse:
    user = _user(request)
    question = access_question(user, question_id)
    answer = access_answer(user, answer_id, question=question)
    return _vote(request, answer, question)


@login_required
@require_POST
@error_pages
def answer_accept(request: HttpRequest, question_id: int, answer_id: int) -> HttpResponse:
    user = _user(request)
    question = access_question(user, question_id)
    answer = access_answer(user, answer_id, question=question)
    actions.answer_accept(actor=user, answer=answer)
    messages.success(request, _("Answer accepted."))
    return redirect("portal:question", question_id=question.pk)


MODERATION = ("hide", "unhide", "lock", "unlock", "duplicate", "not_duplicate")


@login_required
@require_POST
@error_pages
def question_moderate(request: HttpRequest, question_id: int) -> HttpResponse:
    """Hide, show, lock, unlock, or mark as a duplicate (agents of the desk only: 403)."""
    user = _user(request)
    question = access_question(user, question_id)
    if not can_moderate(user, question):
        raise PermissionDenied()
    action = request.POST.get("action", "")
    try:
        if action == "hide" or action == "unhide":
            actions.question_hide(actor=user, question=question, is_hidden=action == "hide")
        elif action == "lock" or action == "unlock":
            actions.question_lock(actor=user, question=question, is_locked=action == "lock")
        elif action == "duplicate":
            original = selectors.question_for_duplicate(
                user=user, question_id=_number(request.POST.get("duplicate_of", ""))
            )
            actions.question_mark_duplicate(actor=user, question=question, duplicate_of=original)
        elif action == "not_duplicate":
            actions.question_mark_duplicate(actor=user, question=question, duplicate_of=None)
        else:
            raise ValidationFailed(_("Choose what to do."), code="invalid_action")
    except ValidationFailed as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("Done."))
    return redirect("portal:question", question_id=question.pk)


def _number(raw: str) -> int:
    text = raw.strip().lstrip("#")
    return int(text) if text.isdigit() and len(text) < 19 and is_storable_text(text) else 0


@login_required
@require_POST
@error_pages
def answer_moderate(request: HttpRequest, question_id: int, answer_id: int) -> HttpResponse:
    """Hide or show an answer (agents of the desk only: 403)."""
    user = _user(request)
    question = access_question(user, question_id)
    if not can_moderate(user, question):
        raise PermissionDenied()
    answer = access_answer(user, answer_id, question=question)
    action = request.POST.get("action", "")
    if action not in ("hide", "unhide"):
        messages.error(request, _("Choose what to do."))
    else:
        actions.answer_hide(actor=user, answer=answer, is_hidden=action == "hide")
        messages.success(request, _("Done."))
    return redirect("portal:question", question_id=question.pk)


@login_required
@require_POST
@error_pages
def question_to_article(request: HttpRequest, question_id: int) -> HttpResponse:
    """Turn the question and its accepted answer into a draft article (agents only: 403)."""
    user = _user(request)
    question = access_question(user, question_id)
    try:
        article = actions.question_to_article(actor=user, question=question)
    except (Conflict, ValidationFailed) as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(
            request,
            _("Draft article #%(id)d created from this question: review and publish it.")
            % {"id": article.pk},
        )
    return redirect("portal:question", question_id=question.pk)
