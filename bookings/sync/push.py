"""Deliver outbox items to Microsoft Graph, each exactly once (DESIGN §4 flow 4, §8).

How "exactly once" holds when anything can fail:

* An item is claimed in its own committed transaction (``SELECT … FOR UPDATE SKIP LOCKED``, so
  workers never claim the same row), which also counts the attempt and sets a lease. Only the first
  undelivered item of each record is claimable, so a record's changes reach Graph in order.
* A create whose answer never came (timeout, 5xx, a worker killed mid-request) may have happened.
  Before a create is sent again, Graph is searched for it (an appointment in calendarView by
  service, start and customer e-mail; a customer in the customer list by e-mail) and adopted if
  found. What the create sent is written down before sending, so the search looks in the right place
  even when the booking moved meanwhile.
* Customers go before their appointments: an appointment whose customer has no Graph id yet waits
  (Graph would otherwise create the customer itself, and a retried create would create another).
* 429 waits for ``Retry-After``; 5xx and timeouts back off with jitter; a 4xx that retrying cannot
  fix marks the item dead with Graph's error, for the owner to see and retry in the admin. A worker
  that dies leaves its items in flight until their lease expires; ``sweep`` returns them.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from ..graph.batch import BATCH_LIMIT, BatchResponse
from ..graph.client import GraphClient
from ..graph.errors import (
    GraphAuthError,
    GraphError,
    GraphNotFound,
    GraphServerError,
    GraphThrottled,
    GraphTimeout,
)
from ..models import OutboxItem, OutboxKind, OutboxState, OutboxTarget
from .push_bookings import HANDLERS as BOOKING_HANDLERS
from .push_bookings import PREPARERS, PreparedCreate, id_of, store_graph_id
from .push_definitions import HANDLERS as DEFINITION_HANDLERS
from .push_definitions import DependencyPending

logger = logging.getLogger(__name__)

CLAIM_SIZE = 20
# What others refer to goes first: staff and questions before the services naming them, customers
# before their appointments.
DELIVERY_ORDER = {
    OutboxTarget.STAFF_MEMBER: 0,
    OutboxTarget.CUSTOM_QUESTION: 0,
    OutboxTarget.CUSTOMER: 1,
    OutboxTarget.SERVICE: 2,
    OutboxTarget.BUSINESS: 2,
    OutboxTarget.APPOINTMENT: 3,
}
PER_MAILBOX = 4  # Bookings serves at most 4 concurrent requests per mailbox
MAX_ATTEMPTS = 25
BACKOFF_CAP = timedelta(minutes=30)
WAIT_FOR_CUSTOMER = timedelta(seconds=2)


# Not deliverable yet (a customer's or staff member's create goes first): back to pending
# without counting the attempt.
_Wait = DependencyPending


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


def _lease() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def claim_due(*, business_id: Any = None, limit: int = CLAIM_SIZE, now: datetime) -> list[OutboxItem]:
    """Claim up to ``limit`` due items (customers first), each the oldest undelivered one of its record."""
    earlier = OutboxItem.objects.filter(
        target_type=OuterRef("target_type"), target_id=OuterRef("target_id"), id__lt=OuterRef("id")
    ).exclude(state=OutboxState.DONE)
    due = OutboxItem.objects.filter(state=OutboxState.PENDING, next_attempt_at__lte=now).exclude(
        Exists(earlier)
    )
    if business_id is not None:
        due = due.filter(business_id=business_id)
    with transaction.atomic():
        items = list(due.select_for_update(skip_locked=True).order_by("id")[:limit])
        lease_end = now + _lease()
        for item in items:
            item.state = OutboxState.IN_FLIGHT
            item.attempts += 1
            item.lease_expires_at = lease_end
        OutboxItem.objects.bulk_update(items, ["state", "attempts", "lease_expires_at"])
    return sorted(items, key=lambda item: (DELIVERY_ORDER.get(item.target_type, 9), item.pk))


def due_items_exist(*, business_id: Any = None, now: datetime) -> bool:
    """Whether anything is due now (what a push task checks before handing over to the next one)."""
    due = OutboxItem.objects.filter(state=OutboxState.PENDING, next_attempt_at__lte=now)
    if business_id is not None:
        due = due.filter(business_id=business_id)
    return due.exists()


def push_due(
    client: GraphClient,
    *,
    business_id: Any = None,
    budget_seconds: float = 50.0,
    clock: Callable[[], datetime] = timezone.now,
) -> PushSummary:
    """Deliver due items until none is left or ``budget_seconds`` passed; at most 4 at a time."""
    summary = PushSummary()
    deadline = time.monotonic() + budget_seconds
    with ThreadPoolExecutor(max_workers=PER_MAILBOX, thread_name_prefix="outbox") as pool:
        while time.monotonic() < deadline:
            items = claim_due(business_id=business_id, limit=BATCH_CLAIM, now=clock())
            if not items:
                break
            summary.add(deliver_claimed(client, items, pool=pool, clock=clock))
    return summary


def _deliver_in_thread(client: GraphClient, item: OutboxItem, clock: Callable[[], datetime]) -> PushSummary:
    try:
        return deliver(client, item, now=clock())
    finally:
        connection.close()  # each pool thread has its own connection; do not leave it open


def deliver(client: GraphClient, item: OutboxItem, *, now: datetime) -> PushSummary:
    """Send one claimed item and record the outcome on it."""
    if not _renew_lease(item, now):
        return PushSummary()
    return _settle(item, now, lambda summary: _HANDLERS[(item.target_type, item.kind)](client, item, summary))


def _renew_lease(item: OutboxItem, now: datetime) -> bool:
    """Extend this worker's lease just before the item is sent; False if the lease is gone.

    A claim is worked through item by item, so a slow claim can outlive the lease it was given; the
    sweeper then hands its later items to another worker. Sending such an item anyway could create
    it twice: the other worker's create may be in flight with no answer yet, and this worker's stale
    copy (first attempt, nothing noted) would not look it up first.
    """
    lease_end = now + _lease()
    renewed = OutboxItem.objects.filter(
        pk=item.pk, state=OutboxState.IN_FLIGHT, lease_expires_at=item.lease_expires_at
    ).update(lease_expires_at=lease_end)
    if not renewed:
        logger.warning("outbox item %s was handed to another worker (lease expired); not sent", item.pk)
        return False
    item.lease_expires_at = lease_end
    return True


def _settle(item: OutboxItem, now: datetime, attempt: Callable[[PushSummary], bool]) -> PushSummary:
    """Run ``attempt`` (it returns whether it adopted an earlier lost create) and record its outcome
    on the item: done, retry later, wait for a customer, or dead. Shared by single and $batch delivery,
    so an inner response of a batch ends exactly as the same answer to a single request would."""
    summary = PushSummary()
    try:
        adopted = attempt(summary)
    except _Wait:
        _release(item, OutboxState.PENDING, next_attempt_at=now + WAIT_FOR_CUSTOMER, uncount=True)
        summary.waiting += 1
        return summary
    except GraphThrottled as error:
        wait = timedelta(seconds=error.retry_after) if error.retry_after else _backoff(item.attempts)
        _retry(item, now + wait, error)
        summary.retrying += 1
        return summary
    except GraphNotFound as error:
        if item.kind in (OutboxKind.CANCEL, OutboxKind.DELETE):
            _release(item, OutboxState.DONE, done_at=now)  # already gone from Graph: nothing to do
            summary.delivered += 1
            return summary
        _release(item, OutboxState.DEAD, error=str(error))
        summary.dead += 1
        return summary
    except (GraphServerError, GraphTimeout, GraphAuthError) as error:
        _retry(item, now + _backoff(item.attempts), error)
        summary.retrying += 1
        return summary
    except GraphError as error:  # a 4xx that sending again cannot fix
        logger.warning("outbox item %s refused by Graph: %s", item.pk, error)
        _release(item, OutboxState.DEAD, error=str(error))
        summary.dead += 1
        return summary
    except Exception as error:  # a bug or a database hiccup: retried, then dead, never lost
        logger.exception("outbox item %s failed", item.pk)
        _retry(item, now + _backoff(item.attempts), error)
        summary.retrying += 1
        return summary
    _release(item, OutboxState.DONE, done_at=now)
    summary.delivered += 1
    summary.adopted += int(bool(adopted))
    return summary


def _backoff(attempts: int) -> timedelta:
    """Full jitter: retries of many items spread out instead of hitting Graph together."""
    ceiling = min(BACKOFF_CAP.total_seconds(), 2 ** min(attempts, 20))
    return timedelta(seconds=random.uniform(0.5, max(1.0, ceiling)))


def _retry(item: OutboxItem, when: datetime, error: BaseException) -> None:
    if item.attempts >= MAX_ATTEMPTS:
        _release(item, OutboxState.DEAD, error=f"gave up after {item.attempts} attempts: {error}")
    else:
        _release(item, OutboxState.PENDING, next_attempt_at=when, error=str(error))


def _release(
    item: OutboxItem,
    state: OutboxState,
    *,
    next_attempt_at: datetime | None = None,
    done_at: datetime | None = None,
    error: str | None = None,
    uncount: bool = False,
) -> None:
    """Record the outcome, but only while this worker still holds the lease (a sweeper may have
    handed the item to another worker after a very slow attempt)."""
    changes: dict[str, Any] = {"state": state, "lease_expires_at": None}
    if next_attempt_at is not None:
        changes["next_attempt_at"] = next_attempt_at
    if done_at is not None:
        changes["done_at"] = done_at
    if error is not None:
        changes["last_error"] = error[:4000]
    if uncount:
        changes["attempts"] = max(item.attempts - 1, 0)
    OutboxItem.objects.filter(
        pk=item.pk, state=OutboxState.IN_FLIGHT, lease_expires_at=item.lease_expires_at
    ).update(**changes)


def sweep(*, now: datetime) -> list[uuid.UUID]:
    """Return items whose worker vanished (lease expired) to pending; the businesses with due items.

    Run by beat, so an item whose push task was lost (a Redis restart, a crash before the task was
    published) is still delivered.
    """
    expired = OutboxItem.objects.filter(state=OutboxState.IN_FLIGHT, lease_expires_at__lt=now)
    returned = expired.update(state=OutboxState.PENDING, lease_expires_at=None, next_attempt_at=now)
    if returned:
        logger.warning("returned %s outbox item(s) whose lease expired", returned)
    due = OutboxItem.objects.filter(state=OutboxState.PENDING, next_attempt_at__lte=now)
    return list(due.values_list("business_id", flat=True).distinct().order_by())


def retry_dead(items: Any) -> int:
    """Give dead items another go (the owner fixed what Graph refused): pending, attempts reset."""
    return items.filter(state=OutboxState.DEAD).update(
        state=OutboxState.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )


_HANDLERS: dict[tuple[str, str], Callable[[GraphClient, OutboxItem, PushSummary], bool]] = {
    **DEFINITION_HANDLERS,
    **BOOKING_HANDLERS,
}


# --- $batch delivery -------------------------------------------------------------------------------
#
# A first attempt at creating a customer or an appointment needs nothing from Graph but the POST, so
# a claim's creates travel in ``$batch``: up to 20 per batch, at most 4 of one mailbox (Graph runs a
# batch's requests in parallel and counts each against the mailbox's 4, so a fifth would only meet
# an inner 429). The batches go through the pool, so while one holds a mailbox's 4 places the next
# is prepared and the previous one's answers are recorded. Each inner response settles its item
# through ``_settle``, exactly as the same answer to a single request would: a lost answer (504) or
# 5xx on the POST means a retry, and the retry looks Graph up first, because the attempt was counted
# and, for an appointment, its start written down before sending. Everything else (updates,
# cancels, deletes, retries with their look-ups) keeps the single-request path.

BATCH_CLAIM = 4 * BATCH_LIMIT  # a claim for the batch path: a wave of 40 creates fills its rounds of 4


def deliver_claimed(
    client: GraphClient,
    items: list[OutboxItem],
    *,
    pool: ThreadPoolExecutor,
    clock: Callable[[], datetime] = timezone.now,
) -> PushSummary:
    """Deliver one claim in waves by ``DELIVERY_ORDER`` (an appointment must find its customers'
    Graph ids in place, a service its staff members'). In each wave, first-attempt creates go in
    ``$batch`` and the other items one request each, all through ``pool``; the client keeps them
    within 4 in flight per mailbox."""
    summary = PushSummary()
    waves: dict[int, list[OutboxItem]] = {}
    for item in items:
        waves.setdefault(DELIVERY_ORDER.get(item.target_type, 9), []).append(item)
    for _order, wave in sorted(waves.items()):
        batched = [item for item in wave if _batchable(item)]
        if len(batched) < 2:
            batched = []  # a batch of one saves nothing
        chosen = {item.pk for item in batched}
        futures = [pool.submit(_deliver_batch_in_thread, client, group, clock) for group in _batches(batched)]
        futures += [
            pool.submit(_deliver_in_thread, client, item, clock) for item in wave if item.pk not in chosen
        ]
        for future in futures:
            summary.add(future.result())
    return summary


def _batchable(item: OutboxItem) -> bool:
    return (
        item.kind == OutboxKind.CREATE
        and item.target_type in PREPARERS
        and item.attempts == 1
        and not item.last_attempt
    )


def _batches(items: list[OutboxItem]) -> list[list[OutboxItem]]:
    """Items grouped into batches of at most ``BATCH_LIMIT``, at most ``PER_MAILBOX`` of one business
    (one booking mailbox) each, in claim order."""
    by_business: dict[Any, list[OutboxItem]] = {}
    for item in items:
        by_business.setdefault(item.business_id, []).append(item)
    rounds: dict[int, list[list[OutboxItem]]] = {}
    for own in by_business.values():
        for number, start in enumerate(range(0, len(own), PER_MAILBOX)):
            rounds.setdefault(number, []).append(own[start : start + PER_MAILBOX])
    batches: list[list[OutboxItem]] = []
    for pieces in rounds.values():
        current: list[OutboxItem] = []
        for piece in pieces:
            if len(current) + len(piece) > BATCH_LIMIT:
                batches.append(current)
                current = []
            current += piece
        batches.append(current)
    return batches


def _deliver_batch_in_thread(
    client: GraphClient, items: list[OutboxItem], clock: Callable[[], datetime]
) -> PushSummary:
    try:
        return deliver_batch(client, items, clock=clock)
    finally:
        connection.close()


def deliver_batch(
    client: GraphClient, items: list[OutboxItem], *, clock: Callable[[], datetime] = timezone.now
) -> PushSummary:
    """Send claimed first-attempt creates in one ``client.batch`` call and settle each item on its
    inner response, as ``deliver`` settles a single request."""
    summary = PushSummary()
    sending: list[tuple[OutboxItem, PreparedCreate]] = []
    now = clock()
    for item in items:
        if not _renew_lease(item, now):
            continue
        try:
            prepared = PREPARERS[item.target_type](item)
        except Exception as error:  # _Wait, or the database: settled as a single attempt would be
            summary.add(_settle(item, now, _raising(error)))
            continue
        if prepared is None:
            summary.add(_settle(item, now, lambda _summary: False))  # nothing to create
        else:
            sending.append((item, prepared))
    if not sending:
        return summary
    # Written down before sending, as for a single create: a lost answer is searched for there.
    noted = []
    for item, prepared in sending:
        if prepared.last_attempt is not None:
            item.last_attempt = prepared.last_attempt
            noted.append(item)
    OutboxItem.objects.bulk_update(noted, ["last_attempt"])
    try:
        responses = client.batch([prepared.request for _item, prepared in sending])
    except Exception as error:  # the $batch itself failed: any of its creates may have happened
        now = clock()
        for item, _prepared in sending:
            summary.add(_settle(item, now, _raising(error)))
        return summary
    now = clock()
    # One transaction for the batch's outcomes. Should it fail, the Graph ids go with it and the items
    # come back when their lease expires; their next attempt finds the creates in Graph.
    with transaction.atomic():
        for item, prepared in sending:
            # No inner response at all is no answer (status 0, a timeout), so a look-up follows.
            response = responses.get(prepared.request.id) or BatchResponse(prepared.request.id, 0, {}, None)
            summary.add(_settle(item, now, _storing(prepared, response)))
    return summary


def _raising(error: BaseException) -> Callable[[PushSummary], bool]:
    def attempt(summary: PushSummary) -> bool:
        raise error

    return attempt


def _storing(prepared: PreparedCreate, response: BatchResponse) -> Callable[[PushSummary], bool]:
    def attempt(summary: PushSummary) -> bool:
        if (error := response.error()) is not None:
            raise error
        body = response.body if isinstance(response.body, dict) else None
        store_graph_id(prepared.model, prepared.pk, id_of(body))
        if prepared.window is not None:
            summary.touched_windows.append(prepared.window)
        return False

    return attempt
