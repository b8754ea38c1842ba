"""Pages show times in the signed-in person's time zone."""

from __future__ import annotations

from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from deskline.core.middleware import UserTimeZoneMiddleware


class _Person:
    is_authenticated = True

    def __init__(self, time_zone: str) -> None:
        self.time_zone = time_zone


def _zone_seen_by_view(user: object, *, cookie: bool = True) -> str:
    seen: list[str] = []

    def view(request: object) -> HttpResponse:
        seen.append(timezone.get_current_timezone_name())
        return HttpResponse()

    request = RequestFactory().get("/")
    if cookie:
        request.COOKIES["sessionid"] = "x"
    request.user = user  # type: ignore[assignment]  # a stand-in person, no database
    UserTimeZoneMiddleware(view)(request)
    return seen[0]


def test_a_signed_in_person_sees_their_own_time_zone():
    assert _zone_seen_by_view(_Person("Asia/Shanghai")) == "Asia/Shanghai"


def test_an_unknown_time_zone_falls_back_to_utc():
    assert _zone_seen_by_view(_Person("Mars/Olympus")) == "UTC"


def test_a_request_without_a_session_does_not_load_the_user():
    class Untouchable:
        def __getattr__(self, name: str) -> object:
            raise AssertionError(f"the user was loaded for {name}")

    assert _zone_seen_by_view(Untouchable(), cookie=False) == "UTC"


def test_the_zone_is_reset_after_the_request():
    _zone_seen_by_view(_Person("Australia/Sydney"))

    assert timezone.get_current_timezone_name() == "UTC"
