"""Scheduling rules as pure functions over plain data: no ORM, no clock, no I/O.

Only the piece the data model needs exists so far: the range of time an appointment blocks for
its staff. Slot computation builds on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


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
