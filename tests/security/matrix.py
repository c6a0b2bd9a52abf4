"""The authorization matrix: for every address of the portal, what each actor gets.

Each URL pattern of the root resolver maps to a rule: a function of the world returning probes (one
request each: method, concrete address, body) with the expected outcome for each of the seven
actors. Ids of another actor's objects are used on purpose, as someone guessing ids would.

Outcomes: ``OK`` (2xx), ``REDIRECT`` (3xx, not to a sign-in page), ``LOGIN`` (to the site's sign-in
page), ``ADMIN_LOGIN`` (to the admin's), ``SERVED`` (anything below 500 but a sign-in redirect: for
pages whose answer depends on the page, not on who asks), or a status code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .conftest import ACTORS, World

OK, REDIRECT, LOGIN, ADMIN_LOGIN, SERVED = "ok", "redirect", "login", "admin-login", "served"
Outcome = str | int
REFUSALS = {LOGIN, ADMIN_LOGIN, 400, 401, 403, 404, 405, 409}


@dataclass(frozen=True)
class Probe:
    method: str
    url: str
    expect: Mapping[str, Outcome]
    data: dict[str, Any] | None = None
    json: bool = False  # send ``data`` as a JSON body (the API)

    @property
    def writes(self) -> bool:
        return self.method not in ("GET", "HEAD", "OPTIONS")


def everyone(outcome: Outcome, **overrides: Outcome) -> dict[str, Outcome]:
    """``outcome`` for every actor, but ``overrides``."""
    unknown = set(overrides) - set(ACTORS)
    assert not unknown, f"no such actors: {unknown}"
    return {actor: overrides.get(actor, outcome) for actor in ACTORS}


Rule = Callable[[World], list[Probe]]

# ---- customer pages ---------------------------------------------------------------------------------
# The manage link is a bearer credential: whoever holds a real one acts on that one booking, signed in
# or not; a forged one (another booking's id under a real signature, or no signature) is a 404.
PUBLIC = everyone(OK)
NOT_FOUND = everyone(404)


def _manage(suffix: str, method: str = "GET", data: Callable[[World], dict] | None = None) -> Rule:
    def probes(w: World) -> list[Probe]:
        body = data(w) if data else None
        real = REDIRECT if method == "POST" else OK
        return [
            Probe(method, f"/booking/{w.token(w.booking_a)}/{suffix}", everyone(real), body),
            Probe(method, f"/booking/{w.forged_token(w.booking_b, w.booking_a)}/{suffix}", NOT_FOUND, body),
            Probe(method, f"/booking/{w.booking_b.pk}/{suffix}", NOT_FOUND, body),
        ]

    return probes


def _booking_form(w: World, service) -> dict[str, str]:
    return {
        "start": w.free_start(service),
        "staff": "",
        "tz": "Europe/London",
        "request_key": "0" * 32,
        "name": "Guesser",
        "email": "guesser@example.com",
        "phone": "",
        "notes": "",
    }


def _details(w: World) -> list[Probe]:
    own = f"/book/{w.x.slug}/{w.service_x.pk}/details/"
    crossed = f"/book/{w.x.slug}/{w.service_y.pk}/details/"  # Y's service under X's address
    return [
        Probe("GET", f"{own}?start={w.free_start(w.service_x)}", PUBLIC),
        Probe("POST", own, everyone(REDIRECT), _booking_form(w, w.service_x)),
        Probe("GET", crossed, NOT_FOUND),
        Probe("POST", crossed, NOT_FOUND, _booking_form(w, w.service_y)),
    ]


def _service_pages(suffix: str) -> Rule:
    return lambda w: [
        Probe("GET", f"/book/{w.x.slug}/{w.service_x.pk}/{suffix}", PUBLIC),
        Probe("GET", f"/book/{w.x.slug}/{w.service_y.pk}/{suffix}", NOT_FOUND),
    ]


CUSTOMER_PAGES: dict[str, Rule] = {
    "": lambda w: [Probe("GET", "/", PUBLIC)],
    "book/<slug:slug>/": lambda w: [
        Probe("GET", f"/book/{w.x.slug}/", PUBLIC),
        Probe("GET", "/book/no-such-business/", NOT_FOUND),
    ],
    "book/<slug:slug>/<uuid:service_id>/": _service_pages(""),
    "book/<slug:slug>/<uuid:service_id>/slots.json": _service_pages("slots.json"),
    "book/<slug:slug>/<uuid:service_id>/details/": _details,
    "booking/<str:token>/": _manage(""),
    "booking/<str:token>/booking.ics": _manage("booking.ics"),
    "booking/<str:token>/cancel/": lambda w: [
        *_manage("cancel/", "POST", lambda w: {"message": "guessed"})(w),
        Probe("GET", f"/booking/{w.token(w.booking_a)}/cancel/", everyone(405)),
    ],
    "booking/<str:token>/reschedule/": lambda w: [
        *_manage("reschedule/")(w),
        *_manage("reschedule/", "POST", lambda w: {"start": w.free_start(w.service_x)})(w),
    ],
    "my/bookings/": lambda w: [Probe("GET", "/my/bookings/", everyone(OK, anonymous=LOGIN))],
    # For load balancers: 200 or 503 by the services' state, to anyone (details only to staff).
    "health/": lambda w: [Probe("GET", "/health/", everyone(SERVED))],
}

# ---- staff pages ------------------------------------------------------------------------------------
# Team members (S1, S2) see only the appointments they are on; the business's administrator all of
# X's; owners everything; nobody anything of a business they are not in.
SIGNED_IN = everyone(OK, anonymous=LOGIN)


def _staff_appointment(w: World) -> list[Probe]:
    url = "/staff/appointments/{}/"
    return [
        Probe(
            "GET",
            url.format(w.appointment_a.pk),
            everyone(404, anonymous=LOGIN, staff_x=OK, admin_x=OK, superuser=OK),
        ),
        Probe(
            "GET",
            url.format(w.appointment_b.pk),
            everyone(404, anonymous=LOGIN, staff_x2=OK, admin_x=OK, superuser=OK),
        ),
        Probe("GET", url.format(w.appointment_y.pk), everyone(404, anonymous=LOGIN, superuser=OK)),
    ]


def _feed_form(action: str) -> Rule:
    own = everyone(404, anonymous=LOGIN, staff_x=REDIRECT, staff_x2=REDIRECT, admin_x=REDIRECT)
    return lambda w: [
        Probe("POST", f"/staff/feed/{action}", own, {"business": w.x.slug}),
        Probe("POST", f"/staff/feed/{action}", everyone(404, anonymous=LOGIN), {"business": w.y.slug}),
        Probe("GET", f"/staff/feed/{action}", everyone(405, anonymous=LOGIN)),
    ]


STAFF_PAGES: dict[str, Rule] = {
    "staff/": lambda w: [
        Probe("GET", "/staff/", SIGNED_IN),
        # Another business's schedule: the member's own is shown instead, with the reason (400).
        Probe(
            "GET",
            f"/staff/?business={w.y.slug}",
            everyone(400, anonymous=LOGIN, customer_a=OK, customer_b=OK, superuser=OK),
        ),
    ],
    "staff/appointments/<uuid:appointment_id>/": _staff_appointment,
    "staff/feed/": _feed_form(""),
    "staff/feed/revoke/": _feed_form("revoke/"),
    # The feed address is the credential (calendar programs send no session); a made-up one is a 404.
    "staff/feed/<str:token>.ics": lambda w: [
        Probe("GET", f"/staff/feed/{w.feed_x}.ics", PUBLIC),
        Probe("GET", f"/staff/feed/{w.feed_x[:-2]}xx.ics", NOT_FOUND),
    ],
}
