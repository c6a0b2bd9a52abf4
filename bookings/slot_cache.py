"""A short-lived cache of the slots the booking pages show, so a busy page costs a cache read.

Many customers look at the same week of the same service; computing it each time is wasted work.
Entries are keyed by a per-business *generation* that every change to that business's bookings,
busy time or definitions moves on (``invalidate``), and by the minute, since lead time moves with
the clock. Anything that changes without calling ``invalidate`` is still seen within
``SLOT_CACHE_SECONDS``. Staleness never books anything wrongly: ``booking.book`` re-checks every
slot against the database in its own transaction, and a slot gone meanwhile becomes "just taken".

Only the pages use this; booking and rescheduling always read the database.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)
Value = TypeVar("Value")


def _generation_key(business_id: Any) -> str:
    return f"slots:generation:{business_id}"


def generation(business_id: Any) -> str:
    """The business's current generation (created on first use)."""
    key = _generation_key(business_id)
    current = cache.get(key)
    if current is None:
        current = uuid.uuid4().hex[:12]
        if not cache.add(key, current, timeout=None):
            current = cache.get(key) or current
    return current


def invalidate(business_id: Any) -> None:
    """Forget every cached answer about ``business_id``, once the current transaction commits."""

    def move_on() -> None:
        try:
            cache.set(_generation_key(business_id), uuid.uuid4().hex[:12], timeout=None)
        except Exception:  # a cache outage: entries expire by themselves
            logger.warning("could not invalidate cached slots of business %s", business_id, exc_info=True)

    transaction.on_commit(move_on)


def _key(business_id: Any, parts: tuple[Any, ...], now: datetime) -> str:
    head = ["slots", str(business_id), generation(business_id), now.strftime("%Y%m%d%H%M")]
    return ":".join(head + [str(part) for part in parts])


def lookup(business_id: Any, parts: tuple[Any, ...], now: datetime) -> Any:
    """The cached value for ``parts`` at ``now``, or None (also when the cache is off or down)."""
    if settings.SLOT_CACHE_SECONDS <= 0:
        return None
    try:
        return cache.get(_key(business_id, parts, now))
    except Exception:  # never let the cache take the page down
        logger.warning("slot cache unavailable", exc_info=True)
        return None


def store(business_id: Any, parts: tuple[Any, ...], now: datetime, value: Any) -> None:
    if settings.SLOT_CACHE_SECONDS <= 0:
        return
    try:
        cache.set(_key(business_id, parts, now), value, timeout=settings.SLOT_CACHE_SECONDS)
    except Exception:
        logger.warning("slot cache unavailable", exc_info=True)


def cached(business_id: Any, parts: tuple[Any, ...], now: datetime, compute: Callable[[], Value]) -> Value:
    """``compute()``'s value for ``parts`` of ``business_id`` at ``now`` (to the minute), cached."""
    found = lookup(business_id, parts, now)
    if found is None:
        found = compute()
        store(business_id, parts, now, found)
    return found


def business_of(slug: str) -> Any:
    """The id of the business last served at ``slug`` (a page address never changes owner), or None.

    Lets a cached answer be found before any query; whether the business may still be booked is
    part of what its generation covers (publishing and unpublishing invalidate)."""
    try:
        return cache.get(f"slots:slug:{slug}")
    except Exception:
        return None


def remember_business(slug: str, business_id: Any) -> None:
    try:
        cache.set(f"slots:slug:{slug}", business_id, timeout=3600)
    except Exception:
        logger.warning("slot cache unavailable", exc_info=True)
