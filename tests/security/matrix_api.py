"""The API rows of the authorization matrix (``/api/v1.0/solutions/…``), probed with a session.

Rights per actor, in business X and in business Y: ``read`` (GET), ``book`` (appointments and
customers), ``define`` (the business, its services, staff and questions, publishing). Anonymous
callers get 401 (``WWW-Authenticate: Bearer``), customers 403 (the API is for a business's people),
staff members act in their own business only, as their role allows; creating and deleting
businesses takes an owner.

Team members (S1, S2) read and book in their business, but as on the staff pages they see only the
appointments they are on and those appointments' customers (``bookings/access.py``): a colleague's
is answered as a missing item (404), and booking an appointment they are not on is refused (403).
"""

from __future__ import annotations

from urllib.parse import quote

from .conftest import World
from .matrix import OK, Outcome, Probe, Rule, everyone

DENIED = {"x": (403, 403, 403), "y": (403, 403, 403)}
TEAM_MEMBER = {"x": (OK, OK, 403), "y": (403, 403, 403)}
API_RIGHTS: dict[str, dict[str, tuple[Outcome, Outcome, Outcome]]] = {
    #                  business: (read, book, define)
    "anonymous": {"x": (401, 401, 401), "y": (401, 401, 401)},
    "customer_a": DENIED,
    "customer_b": DENIED,
    "staff_x": TEAM_MEMBER,
    "staff_x2": TEAM_MEMBER,
    "admin_x": {"x": (OK, OK, OK), "y": (403, 403, 403)},
    "superuser": {"x": (OK, OK, OK), "y": (OK, OK, OK)},
}
RIGHT = {"read": 0, "book": 1, "define": 2}
TEAM_MEMBERS = ("staff_x", "staff_x2")
ANY_API_USER = everyone(OK, anonymous=401, customer_a=403, customer_b=403)
OWNER_ONLY = everyone(403, anonymous=401, superuser=OK)
API = "/api/v1.0/solutions"


def rights(which: str, right: str) -> dict[str, Outcome]:
    return {actor: API_RIGHTS[actor][which][RIGHT[right]] for actor in API_RIGHTS}


def only_for(expect: dict[str, Outcome], holder: str | None, refusal: int = 404) -> dict[str, Outcome]:
    """``expect`` for something of X that, of the team members, only ``holder`` is on: whoever else
    of them would get it gets ``refusal`` (a missing item's 404, or 403 for booking a colleague).
    No ``holder``: something every team member gets alike."""
    if holder is None:
        return expect
    return {
        actor: refusal if actor in TEAM_MEMBERS and actor != holder and outcome == OK else outcome
        for actor, outcome in expect.items()
    }


def guessed(which: str, right: str = "read") -> dict[str, Outcome]:
    """Another business's item named under this business: whoever may do this here finds nothing;
    whoever may not is refused before any look-up."""
    return {actor: 404 if outcome == OK else outcome for actor, outcome in rights(which, right).items()}


def base(w: World, which: str) -> str:
    business = w.x if which == "x" else w.y
    return f"{API}/bookingBusinesses/{quote(business.graph_id)}"


# For each segment: who writes it, the item of X and of Y, a valid create and a valid change.
SEGMENTS = {
    "appointments": (
        "book",
        lambda w: (w.appointment_b, w.appointment_y),
        lambda w, which: {
            "serviceId": (w.service_x if which == "x" else w.service_y).api_id,
            "startDateTime": {"dateTime": "2030-05-06T15:00:00", "timeZone": "UTC"},
            "staffMemberIds": [(w.member_x if which == "x" else w.member_y).api_id],  # S1 in X
        },
        {"serviceNotes": "changed by a guess"},
    ),
    "customers": (
        "book",
        lambda w: (w.customer_a, w.customer_y),
        lambda w, which: {"displayName": "Zed", "emailAddress": "zed@example.com"},
        {"displayName": "Renamed"},
    ),
    "staffMembers": (
        "define",
        lambda w: (w.member_x2, w.member_y),
        lambda w, which: {"displayName": "New", "emailAddress": "new@example.com", "role": "viewer"},
        {"displayName": "Renamed"},
    ),
    "services": (
        "define",
        lambda w: (w.service_x, w.service_y),
        lambda w, which: {"displayName": "Shave"},
        {"notes": "changed by a guess"},
    ),
    "customQuestions": (
        "define",
        lambda w: (w.question_x, w.question_y),
        lambda w, which: {"displayName": "Why?"},
        {"displayName": "Renamed?"},
    ),
}
# The team member on X's item of a segment that team members see only their own of: appointment B
# is S2's, customer A is on S1's appointment A. And who of them may book the appointment created.
HOLDERS = {"appointments": "staff_x2", "customers": "staff_x"}
BOOKED_FOR = {"appointments": "staff_x"}


def _collection(segment: str) -> Rule:
    scope, _items, create, _change = SEGMENTS[segment]
    return lambda w: [
        probe
        for which in ("x", "y")
        for probe in (
            Probe("GET", f"{base(w, which)}/{segment}", rights(which, "read")),
            Probe(
                "POST",
                f"{base(w, which)}/{segment}",
                only_for(rights(which, scope), BOOKED_FOR.get(segment), 403),
                create(w, which),
                json=True,
            ),
        )
    ]


def _item(segment: str, path_segment: str | None = None) -> Rule:
    scope, items, _create, change = SEGMENTS[segment]
    path_segment = path_segment or segment

    def probes(w: World) -> list[Probe]:
        item_x, item_y = items(w)
        found = []
        for which, item, other in (("x", item_x, item_y), ("y", item_y, item_x)):
            url = f"{base(w, which)}/{path_segment}/{quote(item.api_id)}"
            guess = f"{base(w, which)}/{path_segment}/{quote(other.api_id)}"
            holder = HOLDERS.get(segment)
            found += [
                Probe("GET", url, only_for(rights(which, "read"), holder)),
                Probe("PATCH", url, only_for(rights(which, scope), holder), change, json=True),
                Probe("DELETE", url, only_for(rights(which, scope), holder)),
                Probe("GET", guess, guessed(which)),
                Probe("PATCH", guess, guessed(which, scope), change, json=True),
                Probe("DELETE", guess, guessed(which, scope)),
            ]
        return found

    return probes


def _cancel(path_segment: str) -> Rule:
    def probes(w: World) -> list[Probe]:
        found = []
        for which, item, other in (
            ("x", w.appointment_b, w.appointment_y),
            ("y", w.appointment_y, w.appointment_b),
        ):
            own = only_for(rights(which, "book"), HOLDERS["appointments"])
            for appointment, expect in ((item, own), (other, guessed(which, "book"))):
                url = f"{base(w, which)}/{path_segment}/{quote(appointment.api_id)}/cancel"
                found.append(Probe("POST", url, expect, {"cancellationMessage": "guessed"}, json=True))
        return found

    return probes


def _business(w: World) -> list[Probe]:
    found = []
    for which in ("x", "y"):
        found += [
            Probe("GET", base(w, which), rights(which, "read")),
            Probe("PATCH", base(w, which), rights(which, "define"), {"phone": "555-0100"}, json=True),
            Probe("DELETE", base(w, which), OWNER_ONLY),
        ]
    return found


def _action(name: str) -> Rule:
    return lambda w: [
        Probe("POST", f"{base(w, which)}/{name}", rights(which, "define")) for which in ("x", "y")
    ]


API_PAGES: dict[str, Rule] = {
    "api/schema/": lambda w: [Probe("GET", "/api/schema/", everyone(OK))],
    "api/docs/": lambda w: [Probe("GET", "/api/docs/", everyone(OK))],
    "api/v1.0/solutions/bookingBusinesses": lambda w: [
        Probe("GET", f"{API}/bookingBusinesses", ANY_API_USER),
        Probe("POST", f"{API}/bookingBusinesses", OWNER_ONLY, {"displayName": "Mine now"}, json=True),
    ],
    "api/v1.0/solutions/bookingBusinesses/<str:business_id>": _business,
    "api/v1.0/solutions/bookingBusinesses/<str:business_id>/publish": _action("publish"),
    "api/v1.0/solutions/bookingBusinesses/<str:business_id>/unpublish": _action("unpublish"),
    "api/v1.0/solutions/bookingBusinesses/<str:business_id>/calendarView": lambda w: [
        Probe(
            "GET",
            f"{base(w, which)}/calendarView?start=2000-01-01T00:00:00Z&end=2100-01-01T00:00:00Z",
            rights(which, "read"),
        )
        for which in ("x", "y")
    ],
    "api/v1.0/solutions/bookingBusinesses/<str:business_id>/appointments/<path:item_id>/cancel": _cancel(
        "appointments"
    ),
    "api/v1.0/solutions/bookingBusinesses/<str:business_id>/calendarView/<path:item_id>/cancel": _cancel(
        "calendarView"
    ),
    "api/v1.0/solutions/bookingBusinesses/<str:business_id>/calendarView/<path:item_id>": _item(
        "appointments", "calendarView"
    ),
    **{f"api/v1.0/solutions/bookingBusinesses/<str:business_id>/{s}": _collection(s) for s in SEGMENTS},
    **{
        f"api/v1.0/solutions/bookingBusinesses/<str:business_id>/{s}/<path:item_id>": _item(s)
        for s in SEGMENTS
    },
    "api/v1.0/solutions/bookingCurrencies": lambda w: [
        Probe("GET", f"{API}/bookingCurrencies", ANY_API_USER)
    ],
    "api/v1.0/solutions/bookingCurrencies/<str:currency_id>": lambda w: [
        Probe("GET", f"{API}/bookingCurrencies/USD", ANY_API_USER)
    ],
    # Anything else under /api/: a Graph-shaped 404, whoever asks.
    r"api/^[\s\S]*$": lambda w: [
        Probe("GET", "/api/v1.0/nowhere", everyone(404)),
        # An id ending in a newline matches no endpoint: still Graph's 404, not a CSRF page or HTML.
        Probe("PATCH", f"{base(w, 'x')}/appointments/a%0A", everyone(404), {}, json=True),
    ],
}
