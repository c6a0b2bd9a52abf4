"""Asking a worker to act soon, once per burst of changes.

Every booking commits changes a worker must act on (push the outbox, send the confirmation). A
task per change floods the broker with duplicates at exactly the moment the site is busiest, and
publishing one costs the web request a millisecond or more. Instead, the first change in a window
enqueues the task to run when the window closes, and the changes committed during the window,
which the task will find in the database, ride along on it.

Nothing depends on the kick arriving: the rows are committed first, and beat's scans (the outbox
sweeper, the notices scan) pick up whatever a lost kick, a broker outage or clock skew between web
and worker hosts leaves behind, within their own interval.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def kick(task: Task, *args: Any, key: str) -> None:
    """Have ``task(*args)`` run within ``KICK_WINDOW_SECONDS``, enqueued at most once per window
    for ``key`` (per cache: give web processes one shared cache to share the windows too).

    Raises what the broker raises, after forgetting the window, so the next change tries again.
    """
    window = settings.KICK_WINDOW_SECONDS
    if window <= 0 or settings.CELERY_TASK_ALWAYS_EAGER:
        task.delay(*args)
        return
    marker = f"kick:{key}"
    try:
        first = cache.add(marker, 1, timeout=window)
    except Exception:  # a cache outage: kick every time rather than never
        logger.warning("kick window unavailable; enqueueing %s anyway", task.name, exc_info=True)
        first = True
    if not first:
        return
    try:
        # Runs when the window closes, so every change that found the marker has committed by then.
        task.apply_async(args, countdown=window)
    except Exception:
        cache.delete(marker)
        raise
