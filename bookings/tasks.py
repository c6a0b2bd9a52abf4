"""Celery tasks: thin wrappers that build what a worker needs and call a service (no logic here)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from celery import shared_task
from django.utils import timezone

from .graph import client_from_settings
from .models import Business
from .models.sync import ConnectionTokenCacheStore, SyncTrigger
from .sync import CalendarRefresh, pull_all, refresh_all_calendars, refresh_calendar


@shared_task(name="bookings.sync_graph_definitions", ignore_result=True)
def sync_graph_definitions(trigger: str = SyncTrigger.BEAT) -> list[int]:
    """Pull every configured business's definitions from Graph; returns the SyncRun ids.

    Failures are recorded in the runs, so the task itself only fails when Graph is not configured.
    """
    with client_from_settings(cache_store=ConnectionTokenCacheStore()) as client:
        return [run.pk for run in pull_all(client, trigger=trigger)]


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
