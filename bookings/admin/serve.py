"""Choosing the booking businesses the portal serves.

The list is what the connection can see (delegated: every business the signed-in owner manages,
``GET solutions/bookingBusinesses``; app-only: ``BOOKINGS_BUSINESS_IDS``, as app tokens cannot list
them) merged with the businesses already in the portal. Saving serves the ticked ones (``is_active``),
stops serving the others (as deleting one does: its booking page is unpublished, nothing is deleted in
Graph) and syncs the newly served ones that Graph knows at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from .. import resources
from ..graph import client_from_settings
from ..graph.paths import BUSINESSES
from ..models import Business
from ..models.sync import ConnectionTokenCacheStore
from .common import plural
from .connect import GRAPH_PROBLEMS, is_delegated
from .sync import sync_businesses


@dataclass(frozen=True)
class Choice:
    """One row of the form: a business, whether Graph lists it, whether the portal serves it."""

    graph_id: str
    display_name: str
    in_graph: bool
    served: bool
    pk: Any = None


def merge_choices(
    visible: Iterable[tuple[str, str]], local: Iterable[tuple[Any, str, str, bool]]
) -> list[Choice]:
    """Graph's ``(id, name)`` pairs and the portal's ``(pk, graph_id, name, is_active)`` rows, one row
    per mailbox (matched without regard to letter case, as Graph matches them), sorted by name.

    The portal's name wins (it is what the owner knows the business by); a business only in the portal
    stays on the list, so that serving it can be stopped.
    """
    rows: dict[str, Choice] = {}
    for graph_id, name in visible:
        key = graph_id.lower()
        if key not in rows:
            rows[key] = Choice(graph_id, name or graph_id, in_graph=True, served=False)
    for pk, graph_id, name, is_active in local:
        seen = rows.get(graph_id.lower())
        rows[graph_id.lower()] = Choice(
            seen.graph_id if seen else graph_id, name, in_graph=seen is not None, served=is_active, pk=pk
        )
    return sorted(rows.values(), key=lambda choice: (choice.display_name.lower(), choice.graph_id.lower()))


@dataclass(frozen=True)
class Plan:
    """What saving the form does: mailboxes newly served, portal rows to serve again or to stop serving,
    and the mailboxes to sync (the newly served ones Graph lists)."""

    serve: tuple[str, ...]
    activate: tuple[Any, ...]
    deactivate: tuple[Any, ...]
    sync: tuple[str, ...]


def plan_changes(choices: Iterable[Choice], chosen: Iterable[str]) -> Plan:
    """Turn the ticked mailboxes into changes; ids not on the list are ignored (a forged form)."""
    wanted = {graph_id.lower() for graph_id in chosen}
    serve, activate, deactivate, sync = [], [], [], []
    for choice in choices:
        ticked = choice.graph_id.lower() in wanted
        if ticked and not choice.served:
            serve.append(choice.graph_id)
            if choice.pk is not None:
                activate.append(choice.pk)
            if choice.in_graph:
                sync.append(choice.graph_id)
        elif choice.served and not ticked:
            deactivate.append(choice.pk)
    return Plan(tuple(serve), tuple(activate), tuple(deactivate), tuple(sync))


def visible_businesses() -> list[tuple[str, str]]:
    """What the connection can see; raises what the Graph client raises."""
    if not is_delegated():
        return [(graph_id, graph_id) for graph_id in settings.BOOKINGS_BUSINESS_IDS]
    with client_from_settings(cache_store=ConnectionTokenCacheStore()) as client:
        listing = client.list_all(BUSINESSES)
    return [(item["id"], item.get("displayName") or item["id"]) for item in listing if item.get("id")]


def current_choices(request: HttpRequest) -> list[Choice]:
    try:
        visible = visible_businesses()
    except GRAPH_PROBLEMS as error:
        messages.error(request, f"Cannot list the businesses in Microsoft 365: {error}")
        visible = []
    local = Business.objects.values_list("pk", "graph_id", "display_name", "is_active")
    return merge_choices(visible, local)


def choose_businesses(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("bookings.change_business"):
        raise PermissionDenied
    choices = current_choices(request)
    if request.method == "POST":
        apply(request, plan_changes(choices, request.POST.getlist("serve")))
        return HttpResponseRedirect(reverse("admin:graph_businesses"))
    context = {
        **admin.site.each_context(request),
        "title": "Businesses to serve",
        "choices": choices,
        "delegated": is_delegated(),
    }
    return TemplateResponse(request, "admin/graph_businesses.html", context)


def apply(request: HttpRequest, plan: Plan) -> None:
    """Carry out a plan and say what changed; the sync reports its own outcome."""
    for business in Business.objects.filter(pk__in=plan.deactivate):
        resources.delete_business(business)
    Business.objects.filter(pk__in=plan.activate).update(is_active=True)
    if plan.serve:
        messages.success(request, f"Now serving {', '.join(plan.serve)}.")
    if plan.deactivate:
        messages.info(request, f"Stopped serving {plural(len(plan.deactivate), 'business')}.")
    if not (plan.serve or plan.deactivate):
        messages.info(request, "Nothing changed.")
    if plan.sync:
        sync_businesses(request, list(plan.sync))
