"""Refresh the calendar caches from Microsoft Graph (DESIGN §4, flow 2).

Per business, over ``[now - 1 day, now + maximumAdvance]``: read calendarView (every page) and
getStaffAvailability over HTTP first, then apply both in ONE transaction:

* Appointments Bookings holds become ``graph``-origin appointments, matched by Graph id: new ones
  created, changed ones updated, and those of the window Graph no longer lists (cancelled or deleted
  in Bookings, or moved out of the window) marked cancelled, which frees their time. An item whose id
  is a portal booking's (the portal pushed it) is left alone: the portal's row is the truth for its
  own bookings.
* getStaffAvailability's busy ranges replace the window's ``StaffBusyInterval`` rows of the staff
  asked about. It also reports appointments as busy; counting that time twice is harmless.
* A ``graph``-origin appointment whose staff time overlaps a live portal booking of the same staff
  member is flagged (``overlaps_portal_booking``) for the owner, and unflagged once it no longer does.

Reading never touches the database; a Graph error on calendarView leaves the business as it was;
getStaffAvailability failing (403 with a delegated token: Graph serves it to app-only tokens only)
is reported in the result and the appointments are still refreshed. Items that cannot be read are
skipped and reported; one business failing does not stop the others.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction

from .. import slot_cache
from ..graph import calendar_mapping
from ..graph.client import GraphClient
from ..graph.errors import GraphError
from ..graph.paths import business_path
from ..models import Business
from .calendar_apply import LOOK_BEHIND, CalendarRefresh, CalendarSnapshot, apply_snapshot
from .pull import BUSINESSES_IN_PARALLEL

logger = logging.getLogger(__name__)

# Beyond the longest maximumAdvance, a day for a slot that starts at the edge and ends past it.
LOOK_AHEAD_MARGIN = timedelta(days=1)
MAX_LOOK_AHEAD = timedelta(days=366)


@dataclass(frozen=True)
class _Target:
    """A business to refresh, read from the database before the threads start."""

    pk: int
    graph_id: str
    start: datetime
    end: datetime
    staff_ids: tuple[str, ...]


# --- Window and targets --------------------------------------------------------------------------


def calendar_window(business: Business, now: datetime) -> tuple[datetime, datetime]:
    """``[now - 1 day, now + the longest maximumAdvance + 1 day]``, at most 366 days ahead.

    The longest of the business's policy and its active services' own ones: a service that lets
    customers book further ahead than its business needs Bookings' appointments that far.
    """
    advances = [business.scheduling_policy.maximum_advance]
    for policy in business.services.filter(is_active=True, scheduling_policy__isnull=False).values_list(
        "scheduling_policy", flat=True
    ):
        if policy is not None:
            advances.append(policy.maximum_advance)
    now = now.replace(microsecond=0)
    return now - LOOK_BEHIND, now + min(max(advances) + LOOK_AHEAD_MARGIN, MAX_LOOK_AHEAD)


def _target(business: Business, now: datetime, start: datetime | None, end: datetime | None) -> _Target:
    window_start, window_end = calendar_window(business, now)
    staff_ids = tuple(
        business.staff_members.filter(is_active=True, graph_id__isnull=False)
        .order_by("graph_id")
        .values_list("graph_id", flat=True)
    )
    return _Target(business.pk, business.graph_id, start or window_start, end or window_end, staff_ids)


# --- Reading -------------------------------------------------------------------------------------


def fetch_calendar(
    client: GraphClient, business_id: str, *, start: datetime, end: datetime, staff_ids: Sequence[str]
) -> CalendarSnapshot:
    """Read calendarView (all pages) and the staff's availability; raises ``GraphError`` only for
    calendarView. No database access: safe on any thread."""
    items = list(
        client.iter_collection(
            business_path(business_id, "calendarView"), calendar_mapping.calendar_view_params(start, end)
        )
    )
    availability, availability_error = None, ""
    if staff_ids:
        body = calendar_mapping.staff_availability_request(list(staff_ids), start, end)
        try:
            availability = client.post(business_path(business_id, "getStaffAvailability"), body)
        except GraphError as error:
            availability_error = f"getStaffAvailability failed: {error}"
    return CalendarSnapshot(
        business_id, start, end, tuple(staff_ids), items, availability, availability_error
    )


# --- Orchestration -------------------------------------------------------------------------------


def refresh_calendar(
    client: GraphClient,
    business: Business,
    *,
    now: datetime,
    start: datetime | None = None,
    end: datetime | None = None,
) -> CalendarRefresh:
    """Refresh one business's calendar caches over ``[start, end)`` (default: its window, see
    ``calendar_window``). Never raises for Graph: the result says what happened."""
    target = _target(business, now, start, end)
    return _complete(target, lambda: _fetch(client, target), now)


def refresh_all_calendars(client: GraphClient, *, now: datetime) -> list[CalendarRefresh]:
    """Refresh every active business that has a mailbox, reading them in parallel; results come
    back in the businesses' display-name order."""
    businesses = Business.objects.filter(is_active=True).exclude(graph_id="").order_by("display_name", "pk")
    targets = [_target(business, now, None, None) for business in businesses]
    results: dict[int, CalendarRefresh] = {}
    if not targets:
        return []
    with ThreadPoolExecutor(min(BUSINESSES_IN_PARALLEL, len(targets)), "graph-calendar") as pool:
        futures = {pool.submit(_fetch, client, target): target for target in targets}
        for future in as_completed(futures):
            target = futures[future]
            results[target.pk] = _complete(target, future.result, now)
    return [results[target.pk] for target in targets]


def _fetch(client: GraphClient, target: _Target) -> CalendarSnapshot:
    return fetch_calendar(
        client, target.graph_id, start=target.start, end=target.end, staff_ids=target.staff_ids
    )


def _complete(target: _Target, fetch: Any, now: datetime) -> CalendarRefresh:
    """Apply a fetched snapshot, or record why there is none."""
    try:
        snapshot = fetch()
        with transaction.atomic():
            business = Business.objects.select_for_update().get(pk=target.pk)  # one refresh at a time
            result = apply_snapshot(business, snapshot, now)
            slot_cache.invalidate(business.pk)
    except GraphError as error:
        result = CalendarRefresh(target.graph_id, target.start, target.end, error=str(error))
    except IntegrityError as error:  # raced a push storing the same Graph id; the next refresh is clean
        result = CalendarRefresh(target.graph_id, target.start, target.end, error=f"Raced a push: {error}")
    except Exception as error:  # a bug must cost one business's refresh, not every business's
        logger.exception("Calendar refresh of %s failed", target.graph_id)
        result = CalendarRefresh(
            target.graph_id, target.start, target.end, error=f"Unexpected error: {error!r}"
        )
    if result.error:
        logger.warning("Calendar refresh of %s failed: %s", target.graph_id, result.error)
    if result.busy_error:
        logger.warning("Busy time of %s not refreshed: %s", target.graph_id, result.busy_error)
    return result
