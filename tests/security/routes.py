"""The matrix's rows and the tools both security specifications use to probe them.

``probes(world)`` yields every probe of every address the root URL resolver knows; ``send`` makes
one request; ``snapshot`` reads every row that a refused write must leave as it was.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from .conftest import World
from .matrix import ADMIN_LOGIN, CUSTOMER_PAGES, LOGIN, OK, REDIRECT, SERVED, STAFF_PAGES, Probe, Rule
from .matrix_accounts import ACCOUNT_PAGES, ADMIN_PAGES, admin_rule
from .matrix_api import API_PAGES

ROWS: dict[str, Rule] = {**CUSTOMER_PAGES, **STAFF_PAGES, **API_PAGES, **ACCOUNT_PAGES, **ADMIN_PAGES}
# Columns that record that something was read or who signed in, not a change anyone asked for.
BOOKKEEPING = {"last_login", "last_used_at", "last_fetched_at"}


def url_patterns(patterns=None, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    """(route, pattern) of every pattern reachable from the root resolver."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def rule_for(route: str, pattern: URLPattern) -> Rule | None:
    return ROWS.get(route) or admin_rule(route, pattern)


def probes(world: World) -> Iterator[tuple[str, Probe]]:
    """(route, probe) for every probe of every address that has a row."""
    for route, pattern in url_patterns():
        rule = rule_for(route, pattern)
        for probe in rule(world) if rule else ():
            yield route, probe


def outcome(response) -> str | int:
    status = response.status_code
    if 300 <= status < 400:
        location = response["Location"]
        if location.startswith("/admin/login/"):
            return ADMIN_LOGIN
        if location.startswith("/accounts/login/"):
            return LOGIN
        return REDIRECT
    return OK if 200 <= status < 300 else status


def matches(expected, actual) -> bool:
    if expected == SERVED:
        return actual not in (LOGIN, ADMIN_LOGIN) and not (isinstance(actual, int) and actual >= 500)
    return expected == actual


def snapshot() -> dict[str, list[dict]]:
    """Every row of the portal's tables and of the accounts, but bookkeeping columns."""
    models = [*apps.get_app_config("bookings").get_models(), get_user_model(), EmailAddress]
    return {
        model.__name__: [
            {key: value for key, value in row.items() if key not in BOOKKEEPING}
            for row in model._default_manager.order_by("pk").values()
        ]
        for model in models
    }


def send(client: Client, probe: Probe):
    call = getattr(client, probe.method.lower())
    if probe.data is None:
        return call(probe.url)
    if probe.json:
        return call(probe.url, json.dumps(probe.data), content_type="application/json")
    return call(probe.url, probe.data)
