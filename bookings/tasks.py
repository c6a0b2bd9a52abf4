"""Celery tasks: thin wrappers that build what a worker needs and call a service (no logic here)."""

from __future__ import annotations

from celery import shared_task

from .graph import client_from_settings
from .models.sync import ConnectionTokenCacheStore, SyncTrigger
from .sync import pull_all


@shared_task(name="bookings.sync_graph_definitions", ignore_result=True)
def sync_graph_definitions(trigger: str = SyncTrigger.BEAT) -> list[int]:
    """Pull every configured business's definitions from Graph; returns the SyncRun ids.

    Failures are recorded in the runs, so the task itself only fails when Graph is not configured.
    """
    with client_from_settings(cache_store=ConnectionTokenCacheStore()) as client:
        return [run.pk for run in pull_all(client, trigger=trigger)]
