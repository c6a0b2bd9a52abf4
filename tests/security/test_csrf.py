"""CSRF: every form that posts carries the token, and no endpoint takes a signed-in POST without it.

The pages looked at are every page of the authorization matrix that some actor may open (customer
pages, manage link, sign-in, staff, admin), as a visitor, a customer, a staff member and an owner;
each post form found must hold ``csrfmiddlewaretoken``, and its target must refuse (403) the same
browser's POST without one. Every write of the matrix is also sent with a session and no token, the
API's included: only a Bearer token, which a browser never sends by itself, makes the API exempt.
"""

from __future__ import annotations

import copy
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client

from bookings.models import ApiToken

from .conftest import World
from .matrix import OK, REFUSALS, SERVED, Probe
from .routes import probes, send, snapshot

pytestmark = pytest.mark.django_db

VIEWERS = ("anonymous", "customer_a", "staff_x", "superuser")
TOKEN_FIELD = "csrfmiddlewaretoken"


class PostForms(HTMLParser):
    """The ``<form method="post">`` elements of a page: (action, names of the inputs inside)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, set[str]]] = []
        self._open: tuple[str, set[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form" and (found.get("method") or "").lower() == "post":
            self._open = (found.get("action") or "", set())
            self.forms.append(self._open)
        elif tag == "input" and self._open is not None and found.get("name"):
            self._open[1].add(found["name"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None


def signed_in_as(world: World, actor: str) -> Client:
    """A browser holding ``actor``'s session that Django checks for CSRF, as real browsers get."""
    client = Client(enforce_csrf_checks=True)
    client.cookies = copy.deepcopy(world.clients[actor].cookies)
    return client


def refused_without_token(client: Client, probe: Probe) -> str | None:
    """Send ``probe`` without a token; what went wrong, or ``None`` if it was a 403 changing nothing."""
    before = snapshot()
    with transaction.atomic():
        response = send(client, probe)
        after = snapshot()
        transaction.set_rollback(True)
    if response.status_code != 403:
        return f"answered {response.status_code} without a CSRF token"
    if before != after:
        return "refused but changed " + ", ".join(name for name in before if before[name] != after[name])
    return None


def test_every_post_form_carries_the_token_and_its_target_needs_it(world: World):
    problems, forms_seen, targets = [], 0, set()
    for _route, probe in probes(world):
        if probe.method != "GET":
            continue
        for actor in VIEWERS:
            if probe.expect[actor] not in (OK, SERVED):
                continue
            response = world.clients[actor].get(probe.url)
            if "html" not in response.get("Content-Type", ""):
                continue
            page = PostForms()
            page.feed(response.content.decode())
            for action, inputs in page.forms:
                forms_seen += 1
                target = urlsplit(urljoin(probe.url, action)).path
                if TOKEN_FIELD not in inputs:
                    problems.append(f"{probe.url} as {actor}: a post form to {target} has no CSRF token")
                if (actor, target) not in targets:
                    targets.add((actor, target))
                    problem = refused_without_token(signed_in_as(world, actor), Probe("POST", target, {}))
                    if problem:
                        problems.append(f"POST {target} as {actor} (form on {probe.url}): {problem}")
    assert forms_seen > 20
    assert not problems, "\n".join(problems)


def test_no_write_is_taken_from_a_browser_without_the_token(world: World):
    problems, sent = [], 0
    for route, probe in probes(world):
        allowed = [actor for actor, expected in probe.expect.items() if expected not in REFUSALS]
        if not probe.writes or not allowed:
            continue
        sent += 1
        problem = refused_without_token(signed_in_as(world, allowed[-1]), probe)
        if problem:
            problems.append(f"{probe.method} {probe.url} [{route}] as {allowed[-1]}: {problem}")
    assert sent > 30
    assert not problems, "\n".join(problems)


def test_the_api_with_a_bearer_token_needs_no_csrf_token(world: World):
    """A Bearer token is not sent by a browser on its own, so a forged cross-site request cannot
    carry it: token clients (every Graph client) post without CSRF tokens."""
    _token, raw = ApiToken.objects.issue(get_user_model().objects.get(username="superuser"))
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.post(
        f"/api/v1.0/solutions/bookingBusinesses/{world.x.graph_id}/services",
        '{"displayName": "Shave"}',
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
