"""``/health/``: is this web process able to take bookings, for load balancers and docker-compose.

The database and Redis (the Celery broker) are asked live, each with a short timeout: without the
database nothing works, and without the broker nothing reaches Graph, so either one down answers
503 ``down``. The shared cache and the Graph connection only make the answer ``degraded`` (200):
pages work without the cache, and bookings wait in the outbox while Graph is unreachable. Graph is
never called from here (a probe every few seconds would spend the mailbox's request budget); its
health is what the token provider and the last sync runs recorded.

Anonymous callers (the probes) see each check's status and nothing else; signed-in staff also see
the error texts and the last sync runs, which may name hosts and mailboxes.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable
from typing import Any

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ..models import GraphConnection, SyncRun
from ..models.sync import SyncRunState

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 2
# A check is "ok", "down", "degraded", "unknown" (never ran, e.g. no sync yet) or "skipped" (not used).
REQUIRED = ("database", "redis")
RECENT_RUNS = 50

Check = dict[str, Any]


def overall(checks: dict[str, Check]) -> tuple[str, int]:
    """The answer's status and HTTP code: 503 ``down`` when a required check is down, else 200,
    ``degraded`` when any other check is down or degraded."""
    if any(checks[name]["status"] == "down" for name in REQUIRED if name in checks):
        return "down", 503
    if any(check["status"] in ("down", "degraded") for check in checks.values()):
        return "degraded", 200
    return "ok", 200


def graph_status(connection_row: GraphConnection | None, runs: list[SyncRun]) -> Check:
    """Graph's health from what was recorded: the connection's token health and, per business,
    its latest finished sync run (``runs`` newest first)."""
    latest: dict[str, SyncRun] = {}
    for run in runs:
        if run.state != SyncRunState.RUNNING:
            latest.setdefault(run.business_graph_id, run)
    failing = sorted(key for key, run in latest.items() if run.state == SyncRunState.FAILED)
    if connection_row is not None and not connection_row.healthy:
        status = "down"
    elif failing:
        status = "degraded"
    elif not latest:
        status = "unknown"
    else:
        status = "ok"
    details = {
        "connection_healthy": connection_row.healthy if connection_row else None,
        "error": connection_row.last_error if connection_row and not connection_row.healthy else None,
        "failing_businesses": failing,
        "last_sync": [
            {
                "business": key,
                "state": run.state,
                "finished_at": run.finished_at.isoformat() if run.finished_at else None,
                "errors": run.error_count,
            }
            for key, run in latest.items()
        ],
    }
    return {"status": status, "details": details}


def _probe(check: Callable[[], Check | None]) -> Check:
    try:
        return check() or {"status": "ok"}
    except Exception as error:  # any failure of the dependency is the answer, never a 500
        logger.warning("health check failed: %s", check.__name__, exc_info=True)
        return {"status": "down", "error": f"{type(error).__name__}: {error}"}


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


@functools.lru_cache(maxsize=4)
def _redis_client(url: str) -> redis.Redis:
    """One client (and connection pool) per URL for the process: a probe reuses its connection."""
    return redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS)


def check_redis() -> Check | None:
    url = settings.CELERY_BROKER_URL
    if settings.CELERY_TASK_ALWAYS_EAGER:  # `make run`: tasks run in the request, no broker
        return {"status": "skipped", "error": "tasks run in process (CELERY_TASK_ALWAYS_EAGER)"}
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return {"status": "skipped", "error": "the Celery broker is not Redis"}
    _redis_client(url).ping()
    return None


def check_cache() -> Check | None:
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    found = cache.get(key)
    cache.delete(key)
    if found != "1":
        return {"status": "degraded", "error": "the cache did not keep a value"}
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return {"status": "ok", "backend": backend}


def check_graph() -> Check:
    connection_row = GraphConnection.objects.filter(id=GraphConnection.SINGLETON_ID).first()
    fields = ("business_graph_id", "state", "started_at", "finished_at", "errors")
    runs = list(SyncRun.objects.only(*fields)[:RECENT_RUNS])
    return graph_status(connection_row, runs)


def _is_staff(request: HttpRequest) -> bool:
    """Whether the caller is signed-in staff; False when the session cannot be read (database down)."""
    try:
        return bool(request.user.is_authenticated and request.user.is_staff)
    except Exception:  # the session store is the database, which may be the thing that is down
        return False


def _public(check: Check) -> Check:
    return {"status": check["status"]}


@login_not_required
@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """JSON ``{"status": "ok"|"degraded"|"down", "checks": {name: {"status": …}}}``; 200 or 503."""
    checks = {
        "database": _probe(check_database),
        "redis": _probe(check_redis),
        "cache": _probe(check_cache),
    }
    if checks["database"]["status"] == "ok":
        checks["graph"] = _probe(check_graph)
    else:
        checks["graph"] = {"status": "unknown", "error": "its records are in the database, which is down"}
    status, code = overall(checks)
    shown = checks if _is_staff(request) else {name: _public(check) for name, check in checks.items()}
    return JsonResponse({"status": status, "checks": shown}, status=code)
