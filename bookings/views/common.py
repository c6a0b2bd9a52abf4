"""Pieces the customer pages share."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

from ..availability import Slot
from ..display import LocalSlot, duration_label, price_label
from ..forms import SlotStart
from ..models import Business, Service

logger = logging.getLogger(__name__)


def booking_context(business: Business, service: Service) -> dict[str, Any]:
    """What every page about one service shows in its heading."""
    currency = business.default_currency_iso
    return {
        "business": business,
        "service": service,
        "price": price_label(service.default_price, service.default_price_type, currency),
        "duration": duration_label(service.default_duration),
    }


def local_slots(slots: Iterable[Slot], zone: ZoneInfo) -> list[LocalSlot]:
    return [LocalSlot(slot, slot.start.astimezone(zone), slot.end.astimezone(zone)) for slot in slots]


def parse_slot(raw: str | None) -> datetime | None:
    """A slot start from a link or form, or ``None`` when it is missing or malformed."""
    try:
        return SlotStart().clean(raw or "")
    except ValidationError:
        return None


def send_quietly(send: Callable[..., None], *args: Any, **kwargs: Any) -> None:
    """Send an e-mail after a change committed; a failing mail server must not turn the page into
    an error when the booking itself stands."""
    try:
        send(*args, **kwargs)
    except Exception:  # any transport error: the change is made either way, so log it for the owner
        logger.exception("could not send %s", getattr(send, "__name__", "e-mail"))
