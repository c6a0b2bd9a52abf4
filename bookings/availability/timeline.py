"""Time as the availability engine sees it: UTC ranges, integer instants, local working hours.

Instants are integers (microseconds since the epoch) inside the engine so that comparisons and
bisection are cheap; local wall-clock time only serves to lay out working hours and the slot grid.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..enums import DayOfWeek
from ..values import WorkHours, WorkTimeSlot

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Interval:
    """A half-open range of time ``[start, end)`` in UTC."""

    start: datetime
    end: datetime

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end


def blocked_range(start: datetime, end: datetime, pre_buffer: timedelta, post_buffer: timedelta) -> Interval:
    """The time an appointment keeps its staff busy: set-up before it, clear-up after it.

    This is the range no other booking of the same staff member may overlap.
    """
    return Interval(start - pre_buffer, end + post_buffer)


def micros(when: datetime) -> int:
    """An aware datetime as microseconds since the epoch: exact, and cheap to compare and bisect."""
    return (when - EPOCH) // MICROSECOND


def moment(when: int) -> datetime:
    """Back from microseconds to an aware UTC datetime."""
    return EPOCH + timedelta(microseconds=when)


def span(length: timedelta) -> int:
    """A duration in microseconds."""
    return length // MICROSECOND


def wall_clock(when: int, zone: ZoneInfo) -> datetime:
    """What a clock on the wall in ``zone`` shows at ``when`` (naive)."""
    return moment(when).astimezone(zone).replace(tzinfo=None)


def exists(wall: datetime, zone: ZoneInfo) -> int | None:
    """The instant a local wall-clock time names (its first occurrence), or None if the clock skips it."""
    candidate = micros(wall.replace(tzinfo=zone))
    return candidate if wall_clock(candidate, zone) == wall else None


def instant(wall: datetime, zone: ZoneInfo) -> int:
    """The first instant whose local time is ``wall`` or later.

    This is when working hours that start or end at ``wall`` start or end: a repeated local time
    means its first occurrence, a skipped one means the moment the clock jumps over it.
    """
    existing = exists(wall, zone)
    if existing is not None:
        return existing
    # Inside a gap the two readings of ``wall`` fall either side of the jump; bisect for it.
    before = micros(wall.replace(tzinfo=zone, fold=1))
    after = micros(wall.replace(tzinfo=zone, fold=0))
    low, high = min(before, after), max(before, after)
    while high - low > 1:
        middle = (low + high) // 2
        if wall_clock(middle, zone) >= wall:
            high = middle
        else:
            low = middle
    return high


def periods(
    hours: Iterable[WorkHours], zone: ZoneInfo, reach: tuple[int, int]
) -> Iterable[tuple[date, WorkTimeSlot]]:
    """Each (local day, working period) whose day may touch ``reach``."""
    by_weekday: dict[int, list[WorkTimeSlot]] = {}
    for entry in hours:
        by_weekday.setdefault(DayOfWeek(entry.day).weekday, []).extend(entry.time_slots)
    day = wall_clock(reach[0], zone).date() - _ONE_DAY
    last = wall_clock(reach[1], zone).date() + _ONE_DAY
    while day <= last:
        for period in by_weekday.get(day.weekday(), ()):
            yield day, period
        day += _ONE_DAY


def walls(day: date, period: WorkTimeSlot) -> tuple[datetime, datetime]:
    """A period's local start and end; an end of 00:00 means midnight at the end of the day."""
    end_day = day + _ONE_DAY if period.end_time == time(0) else day
    return datetime.combine(day, period.start_time), datetime.combine(end_day, period.end_time)


@dataclass(frozen=True)
class Spans:
    """Sorted, disjoint, non-touching half-open ranges of integer time, searched by bisection."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def merge(cls, ranges: Iterable[tuple[int, int]]) -> Spans:
        starts: list[int] = []
        ends: list[int] = []
        for start, end in sorted(ranges):
            if end <= start:
                continue
            if ends and start <= ends[-1]:
                ends[-1] = max(ends[-1], end)
            else:
                starts.append(start)
                ends.append(end)
        return cls(tuple(starts), tuple(ends))

    def contains(self, low: int, high: int) -> bool:
        index = bisect_right(self.starts, low) - 1
        return index >= 0 and high <= self.ends[index]

    def overlaps(self, low: int, high: int) -> bool:
        index = bisect_right(self.ends, low)
        return index < len(self.starts) and self.starts[index] < high


def working_time(hours: Iterable[WorkHours], zone: ZoneInfo, reach: tuple[int, int]) -> Spans:
    """Working hours laid out as UTC ranges; adjacent periods join, so a booking may span them."""
    ranges = []
    for day, period in periods(hours, zone, reach):
        start_wall, end_wall = walls(day, period)
        ranges.append((instant(start_wall, zone), instant(end_wall, zone)))
    return Spans.merge(ranges)
