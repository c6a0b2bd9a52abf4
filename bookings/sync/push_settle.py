"""Recording what happened to claimed outbox items: leases renewed before sending, outcomes settled
(done, retry later, wait for a prerequisite, dead), only ever by the worker still holding the lease.

Shared by single requests (``push.deliver``) and ``$batch`` delivery (``push_batch``), so an inner
response of a batch ends exactly as the same answer to a single request would. The bulk forms
(``renew_leases``, ``release_done``) record a whole batch in one statement: per-item statements left
Graph's places idle while the database caught up (issue 5).
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from ..graph.errors import (
    GraphAuthError,
    GraphError,
    GraphNotFound,
    GraphServerError,
    GraphThrottled,
    GraphTimeout,
)
from ..models import OutboxItem, OutboxKind, OutboxState
from .push_definitions import DependencyPending

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 25
BACKOFF_CAP = timedelta(minutes=30)
WAIT_FOR_CUSTOMER = timedelta(seconds=2)


class NotSent(Exception):
    """Graph skipped a ``$batch`` request (424: a request before it in its lane failed), or the
    client did not send it: nothing happened, so the item goes back as never attempted."""


@dataclass
class PushSummary:
    delivered: int = 0
    retrying: int = 0
    dead: int = 0
    waiting: int = 0
    adopted: int = 0
    touched_windows: list[tuple[uuid.UUID, datetime, datetime]] = field(default_factory=list)

    def add(self, other: PushSummary) -> None:
        self.delivered += other.delivered
        self.retrying += other.retrying
        self.dead += other.dead
        self.waiting += other.waiting
        self.adopted += other.adopted
        self.touched_windows += other.touched_windows


def lease() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def renew_lease(item: OutboxItem, now: datetime) -> bool:
    """Extend this worker's lease just before the item is sent; False if the lease is gone.

    A claim is worked through over time, so a slow claim can outlive the lease it was given; the
    sweeper then hands its later items to another worker. Sending such an item anyway could create
    it twice: the other worker's create may be in flight with no answer yet, and this worker's stale
    copy (first attempt, nothing noted) would not look it up first.
    """
    lease_end = now + lease()
    renewed = OutboxItem.objects.filter(
        pk=item.pk, state=OutboxState.IN_FLIGHT, lease_expires_at=item.lease_expires_at
    ).update(lease_expires_at=lease_end)
    if not renewed:
        logger.warning("outbox item %s was handed to another worker (lease expired); not sent", item.pk)
        return False
    item.lease_expires_at = lease_end
    return True


def renew_leases(items: Iterable[OutboxItem], now: datetime) -> list[OutboxItem]:
    """``renew_lease`` for many items: those whose lease this worker still held, renewed.

    One UPDATE per lease (a claim's items share one); only if it did not renew them all (some were
    handed on) is it undone and each item renewed on its own, so the answer is exact.
    """
    kept: list[OutboxItem] = []
    for lease_was, group in _by_lease(items).items():
        lease_end = now + lease()
        with transaction.atomic():
            renewed = OutboxItem.objects.filter(
                pk__in=[item.pk for item in group], state=OutboxState.IN_FLIGHT, lease_expires_at=lease_was
            ).update(lease_expires_at=lease_end)
            if renewed != len(group):
                transaction.set_rollback(True)
        if renewed == len(group):
            for item in group:
                item.lease_expires_at = lease_end
            kept += group
        else:
            kept += [item for item in group if renew_lease(item, now)]
    return kept


def release_done(items: Iterable[OutboxItem], now: datetime) -> None:
    """Many items delivered: what ``settle`` records for each success, in one UPDATE per lease."""
    for lease_was, group in _by_lease(items).items():
        OutboxItem.objects.filter(
            pk__in=[item.pk for item in group], state=OutboxState.IN_FLIGHT, lease_expires_at=lease_was
        ).update(state=OutboxState.DONE, lease_expires_at=None, done_at=now)


def _by_lease(items: Iterable[OutboxItem]) -> dict[datetime | None, list[OutboxItem]]:
    groups: dict[datetime | None, list[OutboxItem]] = {}
    for item in items:
        groups.setdefault(item.lease_expires_at, []).append(item)
    return groups


def settle(item: OutboxItem, now: datetime, attempt: Callable[[PushSummary], bool]) -> PushSummary:
    """Run ``attempt`` (it returns whether it adopted an earlier lost create) and record its outcome
    on the item: done, retry later, wait for a prerequisite, back as never sent, or dead."""
    summary = PushSummary()
    try:
        adopted = attempt(summary)
    except DependencyPending:  # not deliverable yet: back to pending without counting the attempt
        release(item, OutboxState.PENDING, next_attempt_at=now + WAIT_FOR_CUSTOMER, uncount=True)
        summary.waiting += 1
        return summary
    except NotSent:
        release(item, OutboxState.PENDING, next_attempt_at=now, uncount=True, forget_attempt=True)
        summary.waiting += 1
        return summary
    except GraphThrottled as error:
        wait = timedelta(seconds=error.retry_after) if error.retry_after else backoff(item.attempts)
        retry(item, now + wait, error)
        summary.retrying += 1
        return summary
    except GraphNotFound as error:
        if item.kind in (OutboxKind.CANCEL, OutboxKind.DELETE):
            release(item, OutboxState.DONE, done_at=now)  # already gone from Graph: nothing to do
            summary.delivered += 1
            return summary
        release(item, OutboxState.DEAD, error=str(error))
        summary.dead += 1
        return summary
    except (GraphServerError, GraphTimeout, GraphAuthError) as error:
        retry(item, now + backoff(item.attempts), error)
        summary.retrying += 1
        return summary
    except GraphError as error:  # a 4xx that sending again cannot fix
        logger.warning("outbox item %s refused by Graph: %s", item.pk, error)
        release(item, OutboxState.DEAD, error=str(error))
        summary.dead += 1
        return summary
    except Exception as error:  # a bug or a database hiccup: retried, then dead, never lost
        logger.exception("outbox item %s failed", item.pk)
        retry(item, now + backoff(item.attempts), error)
        summary.retrying += 1
        return summary
    release(item, OutboxState.DONE, done_at=now)
    summary.delivered += 1
    summary.adopted += int(bool(adopted))
    return summary


def backoff(attempts: int) -> timedelta:
    """Full jitter: retries of many items spread out instead of hitting Graph together."""
    ceiling = min(BACKOFF_CAP.total_seconds(), 2 ** min(attempts, 20))
    return timedelta(seconds=random.uniform(0.5, max(1.0, ceiling)))


def retry(item: OutboxItem, when: datetime, error: BaseException) -> None:
    if item.attempts >= MAX_ATTEMPTS:
        release(item, OutboxState.DEAD, error=f"gave up after {item.attempts} attempts: {error}")
    else:
        release(item, OutboxState.PENDING, next_attempt_at=when, error=str(error))


def release(
    item: OutboxItem,
    state: OutboxState,
    *,
    next_attempt_at: datetime | None = None,
    done_at: datetime | None = None,
    error: str | None = None,
    uncount: bool = False,
    forget_attempt: bool = False,
) -> None:
    """Record the outcome, but only while this worker still holds the lease (a sweeper may have
    handed the item to another worker after a very slow attempt). ``forget_attempt`` clears what a
    create wrote down before sending: it was never sent, so there is nothing to look up."""
    changes: dict[str, Any] = {"state": state, "lease_expires_at": None}
    if next_attempt_at is not None:
        changes["next_attempt_at"] = next_attempt_at
    if done_at is not None:
        changes["done_at"] = done_at
    if error is not None:
        changes["last_error"] = error[:4000]
    if uncount:
        changes["attempts"] = max(item.attempts - 1, 0)
    if forget_attempt:
        changes["last_attempt"] = {}
    OutboxItem.objects.filter(
        pk=item.pk, state=OutboxState.IN_FLIGHT, lease_expires_at=item.lease_expires_at
    ).update(**changes)
