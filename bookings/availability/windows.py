"""When a service may be booked at all: a policy's general availability and its dated windows.

Graph's scheduling policy carries ``generalAvailability`` and ``customAvailabilities`` (CONTRACT
§4.6). Each local day of the business takes its rule from the first custom window whose dates
(inclusive) cover it, else from the general availability (none means "book when staff are free"):

* ``bookWhenStaffAreFree`` (and ``unknownFutureValue``): no further limit;
* ``notBookable``: no slots that day;
* ``customWeeklyHours``: a slot's blocked range must also lie inside that day's custom hours, laid
  out in the business's zone like its opening hours.

The rules are worked out once per local day, never per slot: candidate starts are split into days
at local midnight by bisection.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..enums import DayOfWeek, ServiceAvailabilityType
from ..values import BookingsAvailability, SchedulingPolicy
from .timeline import Spans, instant, wall_clock, walls

_ONE_DAY = timedelta(days=1)
_FREE = ServiceAvailabilityType.BOOK_WHEN_STAFF_ARE_FREE
_UNKNOWN = ServiceAvailabilityType.UNKNOWN_FUTURE_VALUE
_NOT_BOOKABLE = ServiceAvailabilityType.NOT_BOOKABLE
_CUSTOM_HOURS = ServiceAvailabilityType.CUSTOM_WEEKLY_HOURS


def _kind(availability: BookingsAvailability | None) -> str:
    """The availability type, with None and unknown members meaning "book when staff are free"."""
    if availability is None or availability.availability_type in (_FREE, _UNKNOWN):
        return _FREE
    if availability.availability_type in (_NOT_BOOKABLE, _CUSTOM_HOURS):
        return availability.availability_type
    return _FREE


def is_unrestricted(policy: SchedulingPolicy) -> bool:
    """True when the policy's availability never narrows the slots staff and hours allow."""
    return not policy.custom_availabilities and _kind(policy.general_availability) == _FREE


def rule_on(policy: SchedulingPolicy, day: date) -> BookingsAvailability | None:
    """The availability that applies on a local ``day``: the first covering window, else the general one.

    A window without a start (end) date is open on that side.
    """
    for window in policy.custom_availabilities:
        if (window.start_date is None or window.start_date <= day) and (
            window.end_date is None or day <= window.end_date
        ):
            return window
    return policy.general_availability


def _custom_time(availability: BookingsAvailability, zone: ZoneInfo, day: date) -> Spans:
    """The custom weekly hours of ``day`` as UTC ranges (no hours given: nothing is open)."""
    weekday = day.weekday()
    ranges = []
    for entry in availability.business_hours or ():
        if DayOfWeek(entry.day).weekday != weekday:
            continue
        for period in entry.time_slots:
            start_wall, end_wall = walls(day, period)
            ranges.append((instant(start_wall, zone), instant(end_wall, zone)))
    return Spans.merge(ranges)


def bookable_starts(
    policy: SchedulingPolicy, zone: ZoneInfo, starts: list[int], before: int, after: int
) -> list[int]:
    """The sorted candidate ``starts`` that the policy's availability allows.

    A start belongs to the local day (in ``zone``) it falls on; it blocks
    ``[start - before, start + after)``, which under custom weekly hours must fit inside that day's
    hours.
    """
    if not starts or is_unrestricted(policy):
        return starts
    kept: list[int] = []
    day = wall_clock(starts[0], zone).date()
    index, count = 0, len(starts)
    while index < count:
        midnight = instant(datetime.combine(day + _ONE_DAY, time(0)), zone)
        end = bisect_left(starts, midnight, index)
        if end > index:
            availability = rule_on(policy, day)
            kind = _kind(availability)
            if kind == _FREE:
                kept.extend(starts[index:end])
            elif kind == _CUSTOM_HOURS and availability is not None:
                hours = _custom_time(availability, zone, day)
                kept.extend(
                    start for start in starts[index:end] if hours.contains(start - before, start + after)
                )
        index = end
        day += _ONE_DAY
    return kept
