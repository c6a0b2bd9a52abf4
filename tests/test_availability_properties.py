"""Properties of free slots on random schedules: whatever the hours, zones, buffers and busy time,
no slot may double-book a staff member, fall outside working hours or break the booking window.

Working-hour boundaries avoid 01:00-03:00 local time, where the clocks change: what a boundary inside
a skipped or repeated hour means is pinned down by the examples in ``test_availability.py``, and away
from it "inside working hours" simply means "the local wall clock reads a working time".
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.availability import (
    BusinessRules,
    GroupBooking,
    Interval,
    ServiceRules,
    StaffRules,
    free_slots,
)
from bookings.enums import DayOfWeek, ServiceAvailabilityType
from bookings.values import (
    BookingsAvailability,
    BookingsAvailabilityWindow,
    SchedulingPolicy,
    WorkHours,
    WorkTimeSlot,
)

ZONES = [ZoneInfo(name) for name in ("UTC", "America/Chicago", "Europe/London", "Australia/Lord_Howe")]
# Around both of Chicago's and London's clock changes in 2026, and a quiet week.
BASES = [
    datetime(2026, 3, 6, tzinfo=UTC),
    datetime(2026, 10, 23, tzinfo=UTC),
    datetime(2026, 6, 1, tzinfo=UTC),
]
QUARTERS = [minute for minute in range(0, 24 * 60 + 1, 15) if not 60 <= minute < 180]
SAMPLE_STEP = timedelta(minutes=5)


def clock(minute: int) -> time:
    return time(0) if minute == 24 * 60 else time(minute // 60, minute % 60)


@st.composite
def week_hours(draw) -> tuple[WorkHours, ...]:
    week = []
    for day in DayOfWeek:
        boundaries = sorted(draw(st.sets(st.sampled_from(QUARTERS), max_size=4)))
        pairs = zip(boundaries[::2], boundaries[1::2], strict=False)
        week.append(WorkHours(day=day, time_slots=tuple(WorkTimeSlot(clock(a), clock(b)) for a, b in pairs)))
    return tuple(week)


@st.composite
def schedules(draw):
    base = draw(st.sampled_from(BASES))
    now = base + timedelta(minutes=15 * draw(st.integers(0, 4 * 24 * 4)))
    lead = timedelta(hours=draw(st.integers(0, 48)))
    policy = SchedulingPolicy(
        time_slot_interval=timedelta(minutes=draw(st.sampled_from([15, 30, 45, 60, 90]))),
        minimum_lead_time=lead,
        maximum_advance=lead + timedelta(hours=draw(st.integers(0, 24 * 8))),
    )
    business = BusinessRules(draw(st.sampled_from(ZONES)), draw(week_hours()), policy, True)
    staff = tuple(
        StaffRules(f"staff-{number}", draw(st.sampled_from(ZONES)), draw(st.booleans()), draw(week_hours()))
        for number in range(draw(st.integers(1, 3)))
    )
    group = draw(st.booleans())
    service = ServiceRules(
        id="service",
        duration=timedelta(minutes=15 * draw(st.integers(1, 12))),
        staff_ids=tuple(member.id for member in staff),
        pre_buffer=timedelta(minutes=5 * draw(st.integers(0, 12))),
        post_buffer=timedelta(minutes=5 * draw(st.integers(0, 12))),
        maximum_attendees_count=4 if group else 1,
    )
    window = Interval(now - timedelta(days=1), now + timedelta(days=draw(st.integers(1, 7))))
    busy: dict[str, list[Interval]] = {}
    sessions = []
    for member in staff:
        for _ in range(draw(st.integers(0, 8))):
            start = now + timedelta(minutes=5 * draw(st.integers(-288, 288 * 7)))
            busy.setdefault(member.id, []).append(
                Interval(start, start + timedelta(minutes=draw(st.integers(5, 300))))
            )
        if group and draw(st.booleans()):
            start = now + timedelta(minutes=15 * draw(st.integers(0, 96 * 3)))
            seats_taken = draw(st.integers(1, 4))
            session = GroupBooking(
                "service",
                member.id,
                start,
                start + service.duration,
                seats_taken,
                service.pre_buffer,
                service.post_buffer,
            )
            sessions.append(session)
            busy.setdefault(member.id, []).append(session.blocked)
    return business, staff, service, busy, sessions, now, window


def at_work(moment: datetime, zone: ZoneInfo, hours: tuple[WorkHours, ...]) -> bool:
    wall = moment.astimezone(zone)
    for entry in hours:
        if DayOfWeek(entry.day).weekday == wall.weekday():
            for period in entry.time_slots:
                ends_at_midnight = period.end_time == time(0)
                if period.start_time <= wall.time() and (ends_at_midnight or wall.time() < period.end_time):
                    return True
    return False


def inside_hours(blocked: Interval, zone: ZoneInfo, hours: tuple[WorkHours, ...]) -> bool:
    moment = blocked.start
    while moment < blocked.end:
        if not at_work(moment, zone, hours):
            return False
        moment += SAMPLE_STEP
    return at_work(blocked.end - timedelta(microseconds=1), zone, hours)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schedules())
def test_no_slot_breaks_a_scheduling_rule(schedule):
    business, staff, service, busy, sessions, now, window = schedule
    found = free_slots(
        business=business,
        service=service,
        staff=staff,
        busy=busy,
        now=now,
        window=window,
        group_bookings=sessions,
    )
    policy = business.policy
    members = {member.id: member for member in staff}
    for slot in found:
        assert window.start <= slot.start < window.end
        assert now + policy.minimum_lead_time <= slot.start <= now + policy.maximum_advance
        assert slot.end - slot.start == service.duration
        blocked = Interval(slot.start - service.pre_buffer, slot.end + service.post_buffer)
        assert inside_hours(blocked, business.zone, business.hours)
        assert 1 <= slot.seats_left <= service.maximum_attendees_count
        for staff_id in slot.staff_ids:
            member = members[staff_id]
            if not member.use_business_hours:
                assert inside_hours(blocked, member.zone, member.hours)
            own_session = [s for s in sessions if s.staff_id == staff_id and s.start == slot.start]
            for interval in busy.get(staff_id, ()):
                if own_session and interval == own_session[0].blocked:
                    continue  # joining a group session with seats left
                assert not interval.overlaps(blocked), (slot, interval)
    assert [slot.start for slot in found] == sorted({slot.start for slot in found})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schedules(), week_hours(), st.integers(-1, 8), st.integers(0, 3))
def test_availability_only_narrows_the_slots_to_custom_hours_and_open_days(schedule, custom, offset, length):
    business, staff, service, busy, sessions, now, window = schedule
    arguments = {"service": service, "staff": staff, "busy": busy, "now": now, "window": window}
    free = free_slots(business=business, group_bookings=sessions, **arguments)
    first_closed = now.astimezone(business.zone).date() + timedelta(days=offset)
    closed = BookingsAvailabilityWindow(
        ServiceAvailabilityType.NOT_BOOKABLE,
        start_date=first_closed,
        end_date=first_closed + timedelta(days=length),
    )
    policy = dataclasses.replace(
        business.policy,
        general_availability=BookingsAvailability(ServiceAvailabilityType.CUSTOM_WEEKLY_HOURS, custom),
        custom_availabilities=(closed,),
    )
    found = free_slots(
        business=dataclasses.replace(business, policy=policy), group_bookings=sessions, **arguments
    )
    assert set(found) <= set(free)
    for slot in found:
        day: date = slot.start.astimezone(business.zone).date()
        assert not closed.start_date <= day <= closed.end_date
        blocked = Interval(slot.start - service.pre_buffer, slot.end + service.post_buffer)
        assert inside_hours(blocked, business.zone, custom)
