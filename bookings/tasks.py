"""Celery tasks: thin wrappers that build what a worker needs and call a service (no logic here)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .graph import client_from_settings
from .models import Business
from .models.sync import ConnectionTokenCacheStore, SyncTrigger
from .sync import CalendarRefresh, pull_all, refresh_all_calendars, refresh_calendar
from .sync.health import note_connection_health
from .sync.push import due_items_exist, push_due, sweep


@shared_task(name="bookings.sync_graph_definitions", ignore_result=True)
def sync_graph_definitions(trigger: str = SyncTrigger.BEAT) -> list[int]:
    """Pull every configured business's definitions from Graph; returns the SyncRun ids.

    Failures are recorded in the runs, so the task itself only fails when Graph is not configured.
    """
    with client_from_settings(cache_store=ConnectionTokenCacheStore()) as client:
        runs = pull_all(client, trigger=trigger)
    note_connection_health(runs)
    return [run.pk for run in runs]


@shared_task(name="bookings.refresh_calendars", ignore_result=True)
def refresh_calendars() -> list[dict[str, Any]]:
    """Refresh every business's calendar caches from Graph (beat); returns what each refresh did.

    A business whose refresh failed says so in its result; the task itself only fails when Graph is
    not configured.
    """
    with client_from_settings(cache_store=ConnectionTokenCacheStore()) as client:
        return [_summary(result) for result in refresh_all_calendars(client, now=timezone.now())]


@shared_task(name="bookings.refresh_business_calendar", ignore_result=True)
def refresh_business_calendar(business_id: str) -> dict[str, Any] | None:
    """Refresh one business's calendar caches now (after a push reached Graph, say).

    ``business_id`` is the booking mailbox address (Graph's id, any letter case); None if the portal
    serves no such active business.
    """
    business = Business.objects.filter(graph_id__iexact=business_id, is_active=True).first()
    if business is None:
        return None
    with client_from_settings(cache_store=ConnectionTokenCacheStore()) as client:
        return _summary(refresh_calendar(client, business, now=timezone.now()))


def _summary(result: CalendarRefresh) -> dict[str, Any]:
    """The result as JSON-safe values, for the task's log line and result backend."""
    summary = asdict(result)
    summary.update(start=result.start and result.start.isoformat(), end=result.end and result.end.isoformat())
    summary["problems"] = list(result.problems)
    return summary


@shared_task(name="bookings.push_outbox", ignore_result=True)
def push_outbox(business_id: str | None = None) -> dict[str, int]:
    """Deliver a business's due outbox items (every business's when ``business_id`` is None).

    Works for at most ``OUTBOX_PUSH_BUDGET_SECONDS``, then hands over to a fresh task if items are
    still due, so a long backlog never holds a worker for good. A lost task is harmless: the items
    stay in the database and the sweeper enqueues them again. Businesses whose appointments reached
    Graph get their calendar cache refreshed at once.
    """
    with client_from_settings(cache_store=ConnectionTokenCacheStore()) as client:
        summary = push_due(
            client, business_id=business_id, budget_seconds=settings.OUTBOX_PUSH_BUDGET_SECONDS
        )
    if due_items_exist(business_id=business_id, now=timezone.now()):
        push_outbox.delay(business_id)
    touched = {business for business, _start, _end in summary.touched_windows}
    for mailbox in Business.objects.filter(pk__in=touched).values_list("graph_id", flat=True):
        refresh_business_calendar.delay(mailbox)
    return {"delivered": summary.delivered, "retrying": summary.retrying, "dead": summary.dead}


@shared_task(name="bookings.sweep_outbox", ignore_result=True)
def sweep_outbox() -> list[str]:
    """Beat: return the items of workers that died to the queue, and make sure every business with
    due items has a push task on its way (a Redis restart may have lost the one it had)."""
    businesses = [str(business_id) for business_id in sweep(now=timezone.now())]
    for business_id in businesses:
        push_outbox.delay(business_id)
    return businesses


@shared_task(name="bookings.send_notices", ignore_result=True)
def send_notices() -> int:
    """Send the booking e-mails that are due (beat, every minute; and after each booking)."""
    from .notices import send_due

    return send_due(now=timezone.now())
