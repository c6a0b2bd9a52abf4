"""Recording changes for Microsoft Graph: the write half of the transactional outbox.

Every write path that changes something Graph must hear about (a booking, a customer, an owner's
edit) calls ``record`` inside its own transaction, so the change and its outbox row commit or roll
back together: a booking the portal confirmed is never without its way to Graph. Delivery is
``sync.push``'s job; after the commit a Celery task is asked to deliver at once, and if that ask is
lost (Redis down, a worker crash) the beat sweeper finds the row anyway.

Changes read from Graph (sync, calendar refresh) are never recorded: they came from there.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from . import inserts, slot_cache
from .kicks import kick
from .models import OutboxItem, OutboxKind, OutboxState, OutboxTarget

logger = logging.getLogger(__name__)


def record(
    *,
    business_id: uuid.UUID,
    kind: OutboxKind,
    target_type: OutboxTarget,
    target_id: uuid.UUID,
    changed: Iterable[str] = (),
    message: str = "",
) -> OutboxItem:
    """Queue one change of one record for Graph; must run inside the change's transaction.

    Consecutive updates of a record that no worker has picked up yet are merged into one item (the
    body is read from the record at delivery anyway), so a busy record does not flood Graph.
    """
    changed = sorted(set(changed))
    slot_cache.invalidate(business_id)
    if kind == OutboxKind.UPDATE:
        latest = (
            OutboxItem.objects.select_for_update(skip_locked=True)
            .filter(target_type=target_type, target_id=target_id)
            .order_by("-id")
            .first()
        )
        if (
            latest is not None
            and latest.state == OutboxState.PENDING
            and latest.kind
            in (
                OutboxKind.UPDATE,
                OutboxKind.CREATE,
            )
        ):
            if latest.kind == OutboxKind.UPDATE:
                latest.changed = sorted(set(latest.changed) | set(changed))
                latest.save(update_fields=["changed"])
            return latest  # a pending create sends the record as it is at delivery
    return inserts.insert(
        _new_item(
            business_id=business_id,
            kind=kind,
            target_type=target_type,
            target_id=target_id,
            changed=changed,
            message=message,
        )
    )


def unsent(
    *,
    business_id: uuid.UUID,
    kind: OutboxKind,
    target_type: OutboxTarget,
    target_id: uuid.UUID,
    message: str = "",
) -> OutboxItem:
    """The item ``record`` would store for a change that is never merged (a create, a cancel, a
    delete), unsaved: for a caller that stores it together with the change's own rows
    (``inserts.insert_all``). As with ``record``, the push is asked for when the transaction commits."""
    if kind == OutboxKind.UPDATE:
        raise ValueError("updates are merged with a pending item: use record()")
    slot_cache.invalidate(business_id)
    return _new_item(
        business_id=business_id, kind=kind, target_type=target_type, target_id=target_id, message=message
    )


def _new_item(
    *,
    business_id: uuid.UUID,
    kind: OutboxKind,
    target_type: OutboxTarget,
    target_id: uuid.UUID,
    changed: Iterable[str] = (),
    message: str = "",
) -> OutboxItem:
    transaction.on_commit(lambda: request_push(business_id))
    return OutboxItem(
        business_id=business_id,
        kind=kind,
        target_type=target_type,
        target_id=target_id,
        changed=sorted(changed),
        message=message,
    )


def request_push(business_id: uuid.UUID) -> None:
    """Ask a worker to deliver a business's items now. Best effort: the items are already safe in
    the database, so a broker that cannot be reached only delays them until the sweeper runs."""
    if not settings.OUTBOX_PUSH_ON_COMMIT:
        return
    from .tasks import push_outbox  # the tasks module imports the sync code, which imports this

    try:
        kick(push_outbox, str(business_id), key=f"push:{business_id}")
    except Exception:  # any broker failure; the sweeper re-enqueues
        logger.warning("could not enqueue the outbox push for business %s", business_id, exc_info=True)
