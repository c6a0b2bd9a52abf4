"""How the customer pages word prices, durations and times: pure functions over plain values."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from . import isoformats
from .availability import Slot
from .enums import PriceType


def customer_zone(name: str | None, fallback: ZoneInfo) -> ZoneInfo:
    """The zone to show a customer's times in: the one they named if it is a known zone (IANA, or
    Windows as Graph sends), else ``fallback`` (the business's) rather than an error page or a lost
    e-mail."""
    if name and isoformats.is_time_zone(name):
        return isoformats.resolve_time_zone(name)
    return fallback


def price_label(price: float, price_type: str, currency: str = "") -> str:
    """The price as Bookings' page words it for each price type."""
    amount = f"{currency} {price:,.2f}".strip() if currency else f"{price:,.2f}"
    match price_type:
        case PriceType.FREE:
            return "Free"
        case PriceType.FIXED_PRICE:
            return amount
        case PriceType.STARTING_AT:
            return f"From {amount}"
        case PriceType.HOURLY:
            return f"{amount} per hour"
        case PriceType.PRICE_VARIES:
            return "Price varies"
        case PriceType.CALL_US:
            return "Call us for the price"
        case _:
            return ""


def duration_label(duration: timedelta) -> str:
    minutes = int(duration.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes or not hours:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


def slot_value(moment: datetime) -> str:
    """How a slot's start travels in links and forms: an ISO 8601 UTC instant (``…T09:00:00Z``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class LocalSlot:
    slot: Slot
    start: datetime  # in the customer's zone
    end: datetime

    @property
    def value(self) -> str:
        return slot_value(self.slot.start)


@dataclass(frozen=True)
class Day:
    date: date
    slots: tuple[LocalSlot, ...]


def week_start(day: date | None, today: date) -> date:
    """The first day the picker shows: the day asked for, never one before today."""
    return max(day or today, today)


def local_window(first_day: date, days: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """``days`` whole local days from ``first_day`` in ``zone`` (23 or 25 hours on DST days)."""
    start = datetime.combine(first_day, time(0), tzinfo=zone)
    end = datetime.combine(first_day + timedelta(days=days), time(0), tzinfo=zone)
    return start, end


def slots_by_day(slots: Iterable[Slot], zone: ZoneInfo, first_day: date, days: int) -> list[Day]:
    """The slots grouped by the customer's local day, one entry per day shown even when empty."""
    grouped: dict[date, list[LocalSlot]] = {first_day + timedelta(days=n): [] for n in range(days)}
    for slot in slots:
        start = slot.start.astimezone(zone)
        if start.date() in grouped:
            grouped[start.date()].append(LocalSlot(slot, start, slot.end.astimezone(zone)))
    return [Day(day, tuple(entries)) for day, entries in grouped.items()]
