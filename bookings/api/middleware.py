"""Graph resolves its path segments case-insensitively (its own docs write ``staffmembers`` and
``bookingbusinesses``); this puts the literal segments of API paths into their canonical case so
the URL patterns stay plain."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

CANONICAL_SEGMENTS = {
    name.lower(): name
    for name in (
        "solutions",
        "bookingBusinesses",
        "bookingCurrencies",
        "staffMembers",
        "services",
        "customers",
        "customQuestions",
        "appointments",
        "calendarView",
        "publish",
        "unpublish",
        "cancel",
        "$count",
    )
}
API_PREFIX = "/api/v1.0/"


class CanonicalGraphPathMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            segments = request.path_info[len(API_PREFIX) :].split("/")
            canonical = [CANONICAL_SEGMENTS.get(segment.lower(), segment) for segment in segments]
            if canonical != segments:
                request.path_info = API_PREFIX + "/".join(canonical)
        return self.get_response(request)
