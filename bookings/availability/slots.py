"""Free slots of a service: the scheduling rules of DESIGN §5 over plain frozen values.

The caller loads what a slot look-up needs once (business, service, staff, busy time), fills the
dataclasses below and calls ``free_slots``. Results are in UTC, so the customer's own zone never
changes which slots exist (the page merely displays them in it).

Speed matters (the booking page computes a month at a time): each staff member's busy time is merged
into sorted, disjoint spans once, and each candidate slot is checked with a binary search, never by
scanning appointments.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ..values import SchedulingPolicy, WorkHours
from .timeline import (
    EPOCH,
    MICROSECOND,
    Interval,
    Spans,
    blocked_range,
    exists,
    instant,
    micros,
    moment,
    periods,
    span,
    walls,
    working_time,
)
from .windows import bookable_starts

StaffId = Hashable
ServiceId = Hashable


# --- Inputs: plain values the caller fills from the database -------------------------------------


@dataclass(frozen=True)
class BusinessRules:
    """What the business decides for all its services: its zone, opening hours and default policy."""

    zone: ZoneInfo
    hours: tuple[WorkHours, ...]
    policy: SchedulingPolicy
    is_published: bool = True


@dataclass(frozen=True)
class StaffRules:
    """When one staff member works: their own hours in their own zone, or the business's hours."""

    id: StaffId
    zone: ZoneInfo
    use_business_hours: bool = True
    hours: tuple[WorkHours, ...] = ()


@dataclass(frozen=True)
class ServiceRules:
    """What a booking of the service takes: its length, buffers, staff, seats and own policy."""

    id: ServiceId
    duration: timedelta
    staff_ids: tuple[StaffId, ...]
    pre_buffer: timedelta = timedelta(0)
    post_buffer: timedelta = timedelta(0)
    maximum_attendees_count: int = 1
    is_hidden: bool = False
    policy: SchedulingPolicy | None = None

    @property
    def is_group(self) -> bool:
        """Several customers share one appointment (a class, a tour) up to the seat limit."""
        return self.maximum_attendees_count > 1


@dataclass(frozen=True)
class GroupBooking:
    """An existing appointment of a group service for one of its staff, and the seats it has taken."""

    service_id: ServiceId
    staff_id: StaffId
    start: datetime
    end: datetime
    seats_taken: int
    pre_buffer: timedelta = timedelta(0)
    post_buffer: timedelta = timedelta(0)

    @property
    def blocked(self) -> Interval:
        return blocked_range(self.start, self.end, self.pre_buffer, self.post_buffer)


@dataclass(frozen=True)
class Slot:
    """A bookable start time (UTC), the staff who can take it and the seats one booking may take.

    ``staff_ids`` are sorted by id. ``seats_left`` is 1 for ordinary services; for group services it
    is the most seats any of the listed staff still has at that time.
    """

    start: datetime
    end: datetime
    staff_ids: tuple[StaffId, ...]
    seats_left: int


# --- The rules -----------------------------------------------------------------------------------


def effective_policy(service: ServiceRules, business: BusinessRules) -> SchedulingPolicy:
    """The service's own scheduling policy, else the business's (Graph's fallback rule).

    The one place this decision is made: slot look-ups, lead-time checks on cancel and reschedule
    and the staff choice on the booking page all ask here.
    """
    return service.policy if service.policy is not None else business.policy


def auto_assign(slot: Slot, load: Mapping[StaffId, int]) -> StaffId:
    """The staff member to give a booking when the customer did not choose: the least loaded one.

    ``load`` counts what each staff member already has (say, bookings that day); ties go to the
    smallest id so that the same inputs always give the same answer.
    """
    if not slot.staff_ids:
        raise ValueError("the slot has no staff member who can take it")
    return min(slot.staff_ids, key=lambda staff_id: (load.get(staff_id, 0), str(staff_id)))


def free_slots(
    *,
    business: BusinessRules,
    service: ServiceRules,
    staff: Iterable[StaffRules],
    busy: Mapping[StaffId, Iterable[Interval]],
    now: datetime,
    window: Interval,
    group_bookings: Iterable[GroupBooking] = (),
    chosen_staff_id: StaffId | None = None,
) -> tuple[Slot, ...]:
    """Every slot of ``service`` starting inside ``window``, sorted by start, in UTC.

    ``busy`` maps each staff id to the time they cannot take a booking: the blocked range (buffers
    included) of every live appointment, whatever its origin, group appointments too, and their
    busy and out-of-office time. ``group_bookings`` lists the group appointments with their seats,
    so that a session with seats left stays bookable at its own time while it still blocks every
    other time.

    A slot starts on the policy's ``timeSlotInterval`` grid, counted in the business's wall-clock
    time from the start of each business-hours period (a local time the clock skips is left out, a
    repeated one is offered once); its blocked range must lie inside business hours and inside the
    staff member's working hours and must not overlap their busy time; it starts no sooner than
    ``now + minimumLeadTime`` and no later than ``now + maximumAdvance``. The policy's availability
    applies on the slot's local day in the business zone (``windows``): a covering custom window,
    else ``generalAvailability``; ``notBookable`` gives no slots that day and ``customWeeklyHours``
    requires the blocked range to lie inside that day's custom hours too.

    Hidden services, unpublished businesses and services without staff have no slots. A chosen
    staff member is honoured only when the policy allows staff selection; otherwise the choice is
    ignored (Graph: the caller may pass staff only when ``allowStaffSelection`` is true), and a
    chosen staff member who is not assigned to the service gives no slots.
    """
    if service.is_hidden or not business.is_published or not service.staff_ids:
        return ()
    policy = effective_policy(service, business)
    assigned = set(service.staff_ids)
    if chosen_staff_id is not None and policy.allow_staff_selection:
        if chosen_staff_id not in assigned:
            return ()
        assigned = {chosen_staff_id}

    earliest = micros(max(window.start, now + policy.minimum_lead_time))
    latest = min(micros(window.end) - 1, micros(now + policy.maximum_advance))
    if earliest > latest:
        return ()
    duration, pre, post = (span(service.duration), span(service.pre_buffer), span(service.post_buffer))
    # Local days that can hold a slot's blocked range, whatever the zone's offset.
    reach = (earliest - pre, latest + duration + post)

    business_time = working_time(business.hours, business.zone, reach)
    members = sorted((member for member in staff if member.id in assigned), key=lambda member: str(member.id))
    sessions = _group_sessions(service, group_bookings) if service.is_group else {}
    plans = [_StaffPlan.build(member, reach, busy, sessions.get(member.id)) for member in members]
    if not plans:
        return ()

    capacity = max(service.maximum_attendees_count, 1)
    starts = [
        start
        for start in _grid(business, policy.time_slot_interval, earliest, latest, reach)
        if business_time.contains(start - pre, start + duration + post)
    ]
    # The policy's general availability and dated windows, decided once per local day.
    starts = bookable_starts(policy, business.zone, starts, pre, duration + post)
    # Staff by staff rather than slot by slot: each busy range closes a run of candidates at once.
    offers: list[list[StaffId]] = [[] for _ in starts]
    most_seats = [0] * len(starts)
    for plan in plans:
        for index, seats in plan.open_seats(starts, pre, duration + post, capacity):
            offers[index].append(plan.staff_id)
            most_seats[index] = max(most_seats[index], seats)
    return tuple(
        Slot(moment(start), moment(start + duration), tuple(staff_ids), seats)
        for start, staff_ids, seats in zip(starts, offers, most_seats, strict=True)
        if staff_ids
    )


# --- Internals ---------------------------------------------------------------------------------


def _grid(
    business: BusinessRules, step: timedelta, earliest: int, latest: int, reach: tuple[int, int]
) -> list[int]:
    """Candidate starts: every ``step`` of local wall-clock time from each business period's start."""
    if step <= timedelta(0):
        raise ValueError("timeSlotInterval must be positive")
    zone = business.zone
    starts = set()
    step_length = span(step)
    for day, period in periods(business.hours, zone, reach):
        wall, end_wall = walls(day, period)
        first, last = exists(wall, zone), instant(end_wall, zone)
        if first is not None and last - first == span(end_wall - wall):
            # The clock does not change inside the period: wall-clock steps are plain steps.
            starts.update(start for start in range(first, last, step_length) if earliest <= start <= latest)
            continue
        while wall < end_wall:
            start = exists(wall, zone)
            if start is not None and earliest <= start <= latest:
                starts.add(start)
            wall += step
    return sorted(starts)


@dataclass(frozen=True)
class _Sessions:
    """A staff member's existing sessions of the group service being booked."""

    seats_by_start: Mapping[int, int]
    ranges: tuple[tuple[int, int, int], ...]  # (blocked start, blocked end, session start)

    @classmethod
    def build(cls, bookings: list[GroupBooking]) -> _Sessions:
        seats: Counter[int] = Counter()
        ranges = []
        for booking in bookings:
            start = micros(booking.start)
            seats[start] += booking.seats_taken
            blocked = booking.blocked
            ranges.append((micros(blocked.start), micros(blocked.end), start))
        return cls(seats_by_start=dict(seats), ranges=tuple(ranges))


def _group_sessions(service: ServiceRules, bookings: Iterable[GroupBooking]) -> dict[StaffId, _Sessions]:
    by_staff: dict[StaffId, list[GroupBooking]] = {}
    for booking in bookings:
        if booking.service_id == service.id:
            by_staff.setdefault(booking.staff_id, []).append(booking)
    return {staff_id: _Sessions.build(rows) for staff_id, rows in by_staff.items()}


_OPEN, _CLOSED = 0, 1


@dataclass(frozen=True)
class _StaffPlan:
    """One staff member, precomputed for the look-up: working time and busy time as UTC spans."""

    staff_id: StaffId
    own_hours: Spans | None  # None: business hours, already checked for every candidate
    busy_time: Spans
    sessions: _Sessions | None

    @classmethod
    def build(
        cls,
        member: StaffRules,
        reach: tuple[int, int],
        busy: Mapping[StaffId, Iterable[Interval]],
        sessions: _Sessions | None,
    ) -> _StaffPlan:
        own_hours = None
        if not member.use_business_hours:
            own_hours = working_time(member.hours, member.zone, reach)
        # ``micros`` inlined: this runs once per appointment and dominates on a busy month.
        ranges: Iterable[tuple[int, int]] = [
            ((item.start - EPOCH) // MICROSECOND, (item.end - EPOCH) // MICROSECOND)
            for item in busy.get(member.id, ())
        ]
        if sessions is not None:
            # The group's own sessions are applied apart (see ``open_seats``) so that a session does
            # not close its own start time to the customers joining it.
            ranges = (Counter(ranges) - Counter(blocked[:2] for blocked in sessions.ranges)).elements()
        return cls(member.id, own_hours, Spans.merge(ranges), sessions)

    def open_seats(
        self, starts: list[int], before: int, after: int, capacity: int
    ) -> Iterator[tuple[int, int]]:
        """(index, seats) of each candidate start this staff member can take, and the seats left.

        A candidate ``start`` blocks ``[start - before, start + after)``. Each working or busy range
        opens or closes the run of candidates it decides with two bisections, so the cost grows with
        the number of ranges, not with ranges times candidates.
        """
        count = len(starts)
        if self.own_hours is None:
            state = bytearray(count)
        else:
            state = bytearray([_CLOSED]) * count
            for low, high in zip(self.own_hours.starts, self.own_hours.ends, strict=True):
                first, last = bisect_left(starts, low + before), bisect_right(starts, high - after)
                state[first:last] = bytes(max(last - first, 0))
        for low, high in zip(self.busy_time.starts, self.busy_time.ends, strict=True):
            first, last = bisect_right(starts, low - after), bisect_left(starts, high + before)
            state[first:last] = b"\x01" * max(last - first, 0)
        if self.sessions is not None:
            for low, high, own_start in self.sessions.ranges:
                first, last = bisect_right(starts, low - after), bisect_left(starts, high + before)
                own = bisect_left(starts, own_start)
                if first <= own < last and starts[own] == own_start:
                    state[first:own] = b"\x01" * (own - first)
                    state[own + 1 : last] = b"\x01" * (last - own - 1)
                else:
                    state[first:last] = b"\x01" * max(last - first, 0)
        seats_by_start = self.sessions.seats_by_start if self.sessions is not None else {}
        index = state.find(_OPEN)
        while index != -1:
            seats = capacity - seats_by_start.get(starts[index], 0)
            if seats > 0:
                yield index, seats
            index = state.find(_OPEN, index + 1)
