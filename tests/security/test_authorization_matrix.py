"""Every address of the portal, asked by each of seven actors: each gets what the matrix says.

The addresses come from the root URL resolver, walked in full; one with no row in the matrix fails
``test_every_address_has_a_row_in_the_matrix``, so a page added later cannot go unchecked. A write
that is refused must leave the database exactly as it was; every probe runs in a transaction that
is rolled back afterwards, so allowed writes do not change the world the next probe sees.
"""

from __future__ import annotations

import copy

import pytest
from django.db import transaction
from django.test import Client

from .conftest import ACTORS, World
from .matrix import REFUSALS, Probe
from .routes import ROWS, matches, outcome, probes, rule_for, send, snapshot, url_patterns

pytestmark = pytest.mark.django_db


def run(client: Client, probe: Probe, expected) -> str | None:
    """What went wrong with one probe, in a line; ``None`` if it answered as expected."""
    check_unchanged = probe.writes and expected in REFUSALS
    before = snapshot() if check_unchanged else None
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        try:
            response = send(client, probe)
        except Exception as error:  # a crash is a wrong answer like any other, reported with the rest
            return f"raised {type(error).__name__}: {error}"
        finally:
            # A view that rotates the session (the admin's password change does) would otherwise
            # leave the client holding a session the rollback below removes.
            client.cookies = cookies
        after = snapshot() if check_unchanged else None
        transaction.set_rollback(True)
    actual = outcome(response)
    if not matches(expected, actual):
        return f"expected {expected}, got {actual} ({response.status_code})"
    if before != after:
        changed = sorted(name for name in before if before[name] != after[name])
        return f"refused ({actual}) but changed {', '.join(changed)}"
    return None


def test_every_address_has_a_row_in_the_matrix():
    routes = list(url_patterns())
    missing = [route for route, pattern in routes if rule_for(route, pattern) is None]
    assert not missing, (
        "These addresses have no row in the authorization matrix (tests/security/matrix*.py); add one "
        "saying what each actor gets:\n  " + "\n  ".join(missing)
    )
    stale = set(ROWS) - {route for route, _ in routes}
    assert not stale, f"Rows for addresses that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("actor", ACTORS)
def test_each_actor_gets_what_the_matrix_says_everywhere(world: World, actor: str):
    wrong = []
    count = 0
    for route, probe in probes(world):
        count += 1
        problem = run(world.clients[actor], probe, probe.expect[actor])
        if problem:
            wrong.append(f"{probe.method} {probe.url} [{route}]: {problem}")
    assert count > 200
    assert not wrong, f"{actor}: {len(wrong)} of {count} probes answered wrongly:\n  " + "\n  ".join(wrong)


def test_my_bookings_lists_the_customers_own_booking_and_nobody_elses(world: World):
    page = world.clients["customer_a"].get("/my/bookings/").content.decode()
    assert world.token(world.booking_a) in page
    assert world.token(world.booking_b) not in page and world.token(world.booking_y) not in page
    staff_page = world.clients["staff_x"].get("/my/bookings/").content.decode()
    assert "/booking/" not in staff_page


def test_a_business_administrator_lists_only_their_own_business_through_the_api(world: World):
    listed = world.clients["admin_x"].get("/api/v1.0/solutions/bookingBusinesses").json()["value"]
    assert [item["id"] for item in listed] == [world.x.graph_id]
