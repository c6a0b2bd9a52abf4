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

Throughput (issue 5): ``push_due`` keeps Graph's places busy. It claims the next items while earlier
ones are in flight, and each batch or request waits only for what it needs: an appointment for its
own customers' creates, anything else for every earlier kind (staff and questions before services,
and so on). Bookkeeping is done per batch, not per item (``push_batch``, ``push_settle``).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from ..graph.batch import BATCH_LIMIT
from ..graph.client import GraphClient
from ..models import OutboxItem, OutboxState, OutboxTarget
from .push_batch import PER_MAILBOX, batchable, batches, deliver_batch
from .push_bookings import HANDLERS as BOOKING_HANDLERS
from .push_bookings import customers_of
from .push_definitions import HANDLERS as DEFINITION_HANDLERS
from .push_settle import PushSummary, lease, renew_lease, settle

__all__ = ["PushSummary", "claim_due", "deliver", "deliver_batch", "due_items_exist", "push_due", "sweep"]

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
BATCH_CLAIM = 4 * BATCH_LIMIT  # a claim for the batch path: 40 bookings' customers and appointments
WORKERS = 2 * PER_MAILBOX  # a mailbox's batch in flight, the next ready, others waiting for theirs


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
        lease_end = now + lease()
        OutboxItem.objects.filter(pk__in=[item.pk for item in items]).update(
            state=OutboxState.IN_FLIGHT, attempts=F("attempts") + 1, lease_expires_at=lease_end
        )
        for item in items:
            item.state = OutboxState.IN_FLIGHT
            item.attempts += 1
            item.lease_expires_at = lease_end
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
    """Deliver due items until none is left or ``budget_seconds`` passed; the client keeps at most 4
    of a mailbox's requests in flight. The next claim is taken once fewer than a claim's worth of
    items are still on their way, so batches are prepared while others are in flight."""
    deadline = time.monotonic() + budget_seconds
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="outbox") as pool:
        pipeline = _Pipeline(client, pool, clock)
        while time.monotonic() < deadline:
            pipeline.wait_until_fewer_than(BATCH_CLAIM)
            items = claim_due(business_id=business_id, limit=BATCH_CLAIM, now=clock())
            if items:
                pipeline.submit(items)
            elif pipeline.outstanding():
                pipeline.wait_until_fewer_than(1)  # what they settle may make more items due
            else:
                break
        return pipeline.finish()


class _Pipeline:
    """Claimed items handed to ``pool`` as batches and single requests, each started once the items
    it depends on (``DELIVERY_ORDER``) have been settled; it never waits for anything submitted
    after it, so the pool cannot deadlock."""

    def __init__(self, client: GraphClient, pool: ThreadPoolExecutor, clock: Callable[[], datetime]) -> None:
        self._client, self._pool, self._clock = client, pool, clock
        self._futures: list[Future[PushSummary]] = []
        # Items on their way: outbox item id -> (delivery order, target type, target id, its task).
        self._on_the_way: dict[int, tuple[int, str, Any, Future[PushSummary]]] = {}
        self._changed = threading.Condition()

    def outstanding(self) -> int:
        with self._changed:
            return len(self._on_the_way)

    def wait_until_fewer_than(self, count: int) -> None:
        with self._changed:
            self._changed.wait_for(lambda: len(self._on_the_way) < count)

    def submit(self, items: list[OutboxItem]) -> None:
        """Hand a claim (sorted by ``DELIVERY_ORDER``) to the pool."""
        appointments = [item.target_id for item in items if item.target_type == OutboxTarget.APPOINTMENT]
        customers = customers_of(appointments) if appointments else {}
        waves: dict[int, list[OutboxItem]] = {}
        for item in items:
            waves.setdefault(DELIVERY_ORDER.get(item.target_type, 9), []).append(item)
        for order, wave in sorted(waves.items()):
            batched = [item for item in wave if batchable(item)]
            chosen = {item.pk for item in batched}
            groups = batches(batched) + [[item] for item in wave if item.pk not in chosen]
            for group in groups:
                needs = self._needs(order, group, customers)
                future = self._pool.submit(self._deliver, group, needs)
                with self._changed:
                    for item in group:
                        self._on_the_way[item.pk] = (order, item.target_type, item.target_id, future)
                self._futures.append(future)
                future.add_done_callback(lambda _future, group=group: self._settled(group))

    def _needs(self, order: int, group: list[OutboxItem], customers: dict[Any, set[Any]]) -> list[Future]:
        """The tasks ``group`` waits for: those delivering items of an earlier order, except that an
        appointment waits, of the customers, only for its own."""
        own_customers: set[Any] = set()
        appointments_only = all(item.target_type == OutboxTarget.APPOINTMENT for item in group)
        for item in group:
            own_customers |= customers.get(item.target_id, set())
        with self._changed:
            return list(
                {
                    future
                    for earlier, target_type, target_id, future in self._on_the_way.values()
                    if earlier < order
                    and not (
                        appointments_only
                        and target_type == OutboxTarget.CUSTOMER
                        and target_id not in own_customers
                    )
                }
            )

    def _settled(self, group: list[OutboxItem]) -> None:
        with self._changed:
            for item in group:
                self._on_the_way.pop(item.pk, None)
            self._changed.notify_all()

    def _deliver(self, group: list[OutboxItem], needs: list[Future]) -> PushSummary:
        try:
            wait(needs)
            if len(group) == 1:  # a batch of one saves nothing
                return deliver(self._client, group[0], now=self._clock())
            return deliver_batch(self._client, group, clock=self._clock)
        finally:
            connection.close()  # each pool thread has its own connection; do not leave it open

    def finish(self) -> PushSummary:
        """Every task's summary, once all have ended (a task's exception is raised here)."""
        summary = PushSummary()
        for future in self._futures:
            summary.add(future.result())
        return summary


def deliver(client: GraphClient, item: OutboxItem, *, now: datetime) -> PushSummary:
    """Send one claimed item and record the outcome on it."""
    if not renew_lease(item, now):
        return PushSummary()
    return settle(item, now, lambda summary: _HANDLERS[(item.target_type, item.kind)](client, item, summary))


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
