"""Benchmark: a month of free slots for one service over 25 staff and 5,000 appointments.

Issue 4, benchmark 6(a), first version. It times ``bookings.availability.free_slots`` against the
obvious per-slot approach in the same run: for every candidate start and every staff member, scan
all of that staff member's appointments (and working periods) one by one. Both get the same
in-memory schedule, no database; the two answers must be identical, so the baseline doubles as an
oracle. The comparison with the ``django-appointment`` package is not part of this version.

Run: ``python bench/slots.py``. The last line is ``RESULT slots ratio=<baseline/ours> target=>=10
pass=<yes|no>``.
"""

from __future__ import annotations

import random
import sys
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bookings.availability import (  # noqa: E402
    BusinessRules,
    Interval,
    ServiceRules,
    Slot,
    StaffRules,
    effective_policy,
    free_slots,
)
from bookings.enums import DayOfWeek  # noqa: E402
from bookings.values import SchedulingPolicy, WorkHours, WorkTimeSlot  # noqa: E402

STAFF, APPOINTMENTS, DAYS = 25, 5_000, 31
RUNS = 7
TARGET_RATIO = 10.0
CHICAGO = ZoneInfo("America/Chicago")
OTHER_ZONES = [ZoneInfo("America/New_York"), ZoneInfo("America/Denver"), ZoneInfo("Europe/London")]
MONTH_START = datetime(2026, 3, 1)  # includes Chicago's spring-forward night


def week(start: time, end: time, saturday: tuple[time, time] | None = None) -> tuple[WorkHours, ...]:
    weekdays = {"monday", "tuesday", "wednesday", "thursday", "friday"}
    hours = []
    for day in DayOfWeek:
        if day.value in weekdays:
            hours.append(WorkHours(day=day, time_slots=(WorkTimeSlot(start, end),)))
        elif day == DayOfWeek.SATURDAY and saturday:
            hours.append(WorkHours(day=day, time_slots=(WorkTimeSlot(*saturday),)))
        else:
            hours.append(WorkHours(day=day))
    return tuple(hours)


def build_schedule(seed: int = 4):
    """The schedule both engines get: a busy month of a mid-sized salon."""
    rng = random.Random(seed)
    policy = SchedulingPolicy(
        time_slot_interval=timedelta(minutes=15),
        minimum_lead_time=timedelta(hours=2),
        maximum_advance=timedelta(days=60),
    )
    business = BusinessRules(CHICAGO, week(time(8), time(18), (time(9), time(13))), policy, True)
    staff = []
    for number in range(STAFF):
        if number % 5 == 4:  # every fifth works their own hours in another zone
            zone = OTHER_ZONES[number % len(OTHER_ZONES)]
            staff.append(StaffRules(f"staff-{number:02}", zone, False, week(time(9), time(17))))
        else:
            staff.append(StaffRules(f"staff-{number:02}", CHICAGO, True))
    service = ServiceRules(
        id="cut-and-colour",
        duration=timedelta(minutes=45),
        staff_ids=tuple(member.id for member in staff),
        pre_buffer=timedelta(minutes=10),
        post_buffer=timedelta(minutes=5),
    )
    busy: dict[str, list[Interval]] = {member.id: [] for member in staff}
    for _ in range(APPOINTMENTS):
        member = rng.choice(staff)
        day = MONTH_START + timedelta(days=rng.randrange(DAYS))
        start = (day + timedelta(hours=8, minutes=15 * rng.randrange(40))).replace(tzinfo=CHICAGO)
        length = timedelta(minutes=rng.choice([30, 45, 60, 90]) + rng.choice([0, 10, 15]))
        busy[member.id].append(Interval(start.astimezone(UTC), (start + length).astimezone(UTC)))
    now = MONTH_START.replace(tzinfo=CHICAGO) - timedelta(hours=3)
    window = Interval(
        MONTH_START.replace(tzinfo=CHICAGO), (MONTH_START + timedelta(days=DAYS)).replace(tzinfo=CHICAGO)
    )
    return {
        "business": business,
        "service": service,
        "staff": tuple(staff),
        "busy": busy,
        "now": now,
        "window": window,
    }


def naive_working_periods(hours, zone: ZoneInfo, first: date, last: date) -> list[Interval]:
    periods = []
    day = first
    while day <= last:
        for entry in hours:
            if DayOfWeek(entry.day).weekday == day.weekday():
                for period in entry.time_slots:
                    start = datetime.combine(day, period.start_time, zone)
                    end = datetime.combine(day, period.end_time, zone)
                    periods.append(Interval(start.astimezone(UTC), end.astimezone(UTC)))
        day += timedelta(days=1)
    return periods


def naive_slots(*, business, service, staff, busy, now, window) -> tuple[Slot, ...]:
    """The obvious approach: for every candidate slot, look at every appointment of every staff member."""
    policy = effective_policy(service, business)
    earliest = max(window.start, now + policy.minimum_lead_time)
    latest = now + policy.maximum_advance
    first = window.start.astimezone(business.zone).date() - timedelta(days=1)
    last = window.end.astimezone(business.zone).date() + timedelta(days=1)
    business_periods = naive_working_periods(business.hours, business.zone, first, last)
    staff_periods = {
        member.id: business_periods
        if member.use_business_hours
        else naive_working_periods(member.hours, member.zone, first, last)
        for member in staff
    }
    found = []
    for period in business_periods:
        wall = period.start.astimezone(business.zone).replace(tzinfo=None)
        end_wall = period.end.astimezone(business.zone).replace(tzinfo=None)
        while wall < end_wall:
            start = wall.replace(tzinfo=business.zone).astimezone(UTC)
            wall += policy.time_slot_interval
            if start.astimezone(business.zone).replace(tzinfo=None) != wall - policy.time_slot_interval:
                continue  # a local time the clock skips
            if not (earliest <= start < window.end and start <= latest):
                continue
            blocked = Interval(start - service.pre_buffer, start + service.duration + service.post_buffer)
            if not any(p.start <= blocked.start and blocked.end <= p.end for p in business_periods):
                continue
            free = []
            for member in sorted(staff, key=lambda member: member.id):
                if member.id not in service.staff_ids:
                    continue
                periods = staff_periods[member.id]
                if not any(p.start <= blocked.start and blocked.end <= p.end for p in periods):
                    continue
                if any(appointment.overlaps(blocked) for appointment in busy.get(member.id, ())):
                    continue
                free.append(member.id)
            if free:
                found.append(Slot(start, start + service.duration, tuple(free), 1))
    return tuple(sorted(found, key=lambda slot: slot.start))


def best_time(function, schedule, runs: int) -> tuple[float, tuple[Slot, ...]]:
    best, result = float("inf"), ()
    for _ in range(runs):
        started = clock.perf_counter()
        result = function(**schedule)
        best = min(best, clock.perf_counter() - started)
    return best, result


def main() -> int:
    schedule = build_schedule()
    ours, our_slots = best_time(free_slots, schedule, RUNS)
    baseline, baseline_slots = best_time(naive_slots, schedule, 3)
    if our_slots != baseline_slots:
        print(f"MISMATCH: ours gave {len(our_slots)} slots, the baseline {len(baseline_slots)}")
        ratio = 0.0
    else:
        ratio = baseline / ours
    offers = sum(len(slot.staff_ids) for slot in our_slots)
    print(f"schedule: {STAFF} staff, {APPOINTMENTS} appointments, {DAYS} days, 15-minute grid")
    print(f"slots: {len(our_slots)} start times, {offers} (start, staff) offers; answers identical")
    print(f"ours (best of {RUNS}): {ours * 1000:.1f} ms")
    print(f"naive per-slot scan (best of 3): {baseline * 1000:.1f} ms")
    passed = ratio >= TARGET_RATIO
    print(f"RESULT slots ratio={ratio:.1f} target=>={TARGET_RATIO:g} pass={'yes' if passed else 'no'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
