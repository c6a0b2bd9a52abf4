"""First-attempt creates of customers and appointments, sent in ``$batch`` (see ``push`` for claiming).

A first attempt at creating a customer or an appointment needs nothing from Graph but the POST, so
a claim's creates travel in ``$batch``: up to 20 per batch, in at most 4 lanes per mailbox (Graph
runs a batch's independent requests in parallel and counts each against the mailbox's 4; a lane is
a chain of ``dependsOn``, run one request at a time), so one round trip keeps the mailbox's 4
places busy for 5 requests each. Each inner response settles its item as the same answer to a
single request would (``push_settle.settle``): a lost answer (504) or 5xx on the POST means a
retry, and the retry looks Graph up first, because the attempt was counted and, for an
appointment, its start written down before sending. A 424 (an earlier request of its lane failed,
so Graph skipped this one) puts the item back as never sent. Everything else (updates, cancels,
deletes, retries with their look-ups) keeps the single-request path.

Reading, noting and recording are done for the whole batch at once (a fixed number of queries),
so the next batch is ready while this one is in flight.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from ..graph.batch import BATCH_LIMIT, BatchResponse, in_lanes
from ..graph.client import GraphClient
from ..graph.errors import GraphServerError
from ..models import OutboxItem, OutboxKind
from .push_bookings import PREPARERS, PreparedCreate, store_graph_ids
from .push_settle import NotSent, PushSummary, release_done, renew_leases, settle

PER_MAILBOX = 4  # Bookings serves at most 4 concurrent requests per mailbox


def batchable(item: OutboxItem) -> bool:
    """A first attempt at a create that ``$batch`` can carry (nothing to look up first)."""
    return (
        item.kind == OutboxKind.CREATE
        and item.target_type in PREPARERS
        and item.attempts == 1
        and not item.last_attempt
    )


def batches(items: list[OutboxItem]) -> list[list[OutboxItem]]:
    """Items grouped, in claim order, into batches of at most ``BATCH_LIMIT`` of one business (one
    booking mailbox) and one kind of record each."""
    groups: dict[tuple[Any, str], list[OutboxItem]] = {}
    for item in items:
        groups.setdefault((item.business_id, item.target_type), []).append(item)
    return [own[at : at + BATCH_LIMIT] for own in groups.values() for at in range(0, len(own), BATCH_LIMIT)]


def deliver_batch(
    client: GraphClient, items: list[OutboxItem], *, clock: Callable[[], datetime] = timezone.now
) -> PushSummary:
    """Send claimed first-attempt creates in one ``client.batch`` call and settle each item on its
    inner response, as ``push.deliver`` settles a single request."""
    summary = PushSummary()
    now = clock()
    items = renew_leases(items, now)
    sending: list[tuple[OutboxItem, PreparedCreate]] = []
    for target_type in dict.fromkeys(item.target_type for item in items):
        own = [item for item in items if item.target_type == target_type]
        try:
            prepared = PREPARERS[target_type](own)
        except Exception as error:  # the database: each settled as a single attempt would be
            prepared = dict.fromkeys((item.pk for item in own), error)
        for item in own:
            outcome = prepared[item.pk]
            if isinstance(outcome, PreparedCreate):
                sending.append((item, outcome))
            elif outcome is None:
                summary.add(settle(item, now, lambda _summary: False))  # nothing to create
            else:
                summary.add(settle(item, now, _raising(outcome)))
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
        responses = client.batch(in_lanes([prepared.request for _item, prepared in sending], PER_MAILBOX))
    except Exception as error:  # the $batch itself failed: any of its creates may have happened
        now = clock()
        for item, _prepared in sending:
            summary.add(settle(item, now, _raising(error)))
        return summary
    now = clock()
    # One transaction for the batch's outcomes. Should it fail, the Graph ids go with it and the items
    # come back when their lease expires; their next attempt finds the creates in Graph.
    with transaction.atomic():
        created: dict[Any, dict[Any, str]] = {}
        delivered: list[OutboxItem] = []
        for item, prepared in sending:
            # No inner response at all is no answer (status 0, a timeout), so a look-up follows.
            response = responses.get(prepared.request.id) or BatchResponse(prepared.request.id, 0, {}, None)
            graph_id = _graph_id(response)
            if graph_id is None:
                summary.add(settle(item, now, _raising(_failure(response))))
                continue
            created.setdefault(prepared.model, {})[prepared.pk] = graph_id
            delivered.append(item)
            if prepared.window is not None:
                summary.touched_windows.append(prepared.window)
        for model, graph_ids in created.items():
            store_graph_ids(model, graph_ids)
        release_done(delivered, now)
        summary.delivered += len(delivered)
    return summary


def _graph_id(response: BatchResponse) -> str | None:
    """The id of what a successful create made; None for any other answer."""
    body = response.body if isinstance(response.body, dict) else None
    if response.ok and body and body.get("id"):
        return str(body["id"])
    return None


def _failure(response: BatchResponse) -> BaseException:
    """What an unsuccessful inner answer means for its item (see ``settle``)."""
    if response.status == 424:
        return NotSent(f"not sent: {response.body}")
    return response.error() or GraphServerError("Graph answered a create without an id", status=502)


def _raising(error: BaseException) -> Callable[[PushSummary], bool]:
    def attempt(summary: PushSummary) -> bool:
        raise error

    return attempt
