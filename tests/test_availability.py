"""The scheduling rules of DESIGN §5, one behaviour per test, as the booking page relies on them."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bookings.availability import (
    BusinessRules,
    GroupBooking,
    Interval,
    ServiceRules,
    Slot,
    StaffRules,
    auto_assign,
    blocked_range,
    effective_policy,
    free_slots,
)
from bookings.enums import DayOfWeek
from bookings.values import SchedulingPolicy, WorkHours, WorkTimeSlot, standard_week

CHICAGO = ZoneInfo("America/Chicago")
LONDON = ZoneInfo("Europe/London")
TOKYO = ZoneInfo("Asia/Tokyo")
MONDAY = datetime(2026, 3, 2)  # a Monday before DST starts in both Chicago and London
MINUTES = timedelta(minutes=1)


def local(zone: ZoneInfo, wall: datetime) -> datetime:
    return wall.replace(tzinfo=zone)


def policy(**changes) -> SchedulingPolicy:
    settings = {"minimum_lead_time": timedelta(0), "maximum_advance": timedelta(days=365)}
    return SchedulingPolicy(**(settings | changes))


def business(**changes) -> BusinessRules:
    settings = {"zone": CHICAGO, "hours": standard_week(), "policy": policy(), "is_published": True}
    return BusinessRules(**(settings | changes))


def service(**changes) -> ServiceRules:
    settings = {"id": "haircut", "duration": timedelta(hours=1), "staff_ids": ("ann", "bob")}
    return ServiceRules(**(settings | changes))


STAFF = (StaffRules("ann", CHICAGO), StaffRules("bob", CHICAGO))
EARLY = local(CHICAGO, MONDAY)  # "now": midnight before the day looked at


def monday_window(zone: ZoneInfo = CHICAGO) -> Interval:
    return Interval(local(zone, MONDAY), local(zone, MONDAY + timedelta(days=1)))


def slots(**changes) -> tuple[Slot, ...]:
    arguments = {
        "business": business(),
        "service": service(),
        "staff": STAFF,
        "busy": {},
        "now": EARLY,
        "window": monday_window(),
    }
    return free_slots(**(arguments | changes))


def walls(found: tuple[Slot, ...], zone: ZoneInfo = CHICAGO) -> list[str]:
    return [f"{slot.start.astimezone(zone):%H:%M}" for slot in found]


def every_day(start: time = time(0), end: time = time(0)) -> tuple[WorkHours, ...]:
    return tuple(WorkHours(day=day, time_slots=(WorkTimeSlot(start, end),)) for day in DayOfWeek)


def test_slots_start_on_the_interval_grid_and_end_inside_business_hours():
    found = slots()
    assert walls(found)[:3] == ["08:00", "08:30", "09:00"]
    assert walls(found)[-1] == "16:00"
    assert len(found) == 17
    assert all(slot.end - slot.start == timedelta(hours=1) for slot in found)
    assert all(slot.staff_ids == ("ann", "bob") and slot.seats_left == 1 for slot in found)


def test_the_grid_counts_from_the_start_of_each_working_period():
    split_day = tuple(
        WorkHours(day=day, time_slots=(WorkTimeSlot(time(8, 15), time(10)), WorkTimeSlot(time(13), time(15))))
        for day in DayOfWeek
    )
    found = slots(business=business(hours=split_day), service=service(duration=timedelta(minutes=30)))
    assert walls(found) == ["08:15", "08:45", "09:15", "13:00", "13:30", "14:00", "14:30"]


def test_slots_are_sorted_in_utc_whatever_zone_the_window_is_given_in():
    in_chicago = slots()
    in_tokyo = slots(window=Interval(*(moment.astimezone(TOKYO) for moment in astuple(monday_window()))))
    assert in_tokyo == in_chicago
    assert [slot.start for slot in in_chicago] == sorted(slot.start for slot in in_chicago)
    assert all(slot.start.utcoffset() == timedelta(0) for slot in in_chicago)


def astuple(window: Interval) -> tuple[datetime, datetime]:
    return window.start, window.end


def test_buffers_must_fit_inside_business_hours():
    found = slots(service=service(pre_buffer=15 * MINUTES, post_buffer=15 * MINUTES))
    assert walls(found)[0] == "08:30"  # 08:00 would need set-up from 07:45
    assert walls(found)[-1] == "15:30"  # 16:00 would need clear-up until 17:15


def test_an_appointment_blocks_its_buffers_and_the_new_slots_buffers():
    noon, one = local(CHICAGO, MONDAY.replace(hour=12)), local(CHICAGO, MONDAY.replace(hour=13))
    taken = blocked_range(noon, one, 10 * MINUTES, 10 * MINUTES)  # busy 11:50-13:10
    found = slots(
        service=service(staff_ids=("ann",), pre_buffer=15 * MINUTES, post_buffer=15 * MINUTES),
        busy={"ann": [taken]},
    )
    times = walls(found)
    assert "10:30" in times and "13:30" in times  # clear-up until 11:45; set-up from 13:15
    assert not {"11:00", "11:30", "12:00", "12:30", "13:00"} & set(times)


def test_busy_time_touching_a_slot_does_not_block_it():
    busy = {
        "ann": [Interval(local(CHICAGO, MONDAY.replace(hour=9)), local(CHICAGO, MONDAY.replace(hour=10)))]
    }
    found = slots(service=service(staff_ids=("ann",)), busy=busy)
    assert "08:00" in walls(found) and "10:00" in walls(found)
    assert "08:30" not in walls(found) and "09:30" not in walls(found)


def test_a_busy_staff_member_drops_out_of_the_slot_while_others_keep_it():
    out_of_office = Interval(local(CHICAGO, MONDAY), local(CHICAGO, MONDAY.replace(hour=12)))
    found = slots(busy={"bob": [out_of_office]})
    by_time = {wall: slot.staff_ids for wall, slot in zip(walls(found), found, strict=True)}
    assert by_time["08:00"] == ("ann",)
    assert by_time["12:00"] == ("ann", "bob")


def test_minimum_lead_time_counts_from_now():
    now = local(CHICAGO, MONDAY.replace(hour=10, minute=10))
    found = slots(now=now, business=business(policy=policy(minimum_lead_time=timedelta(hours=1))))
    assert walls(found)[0] == "11:30"  # 11:00 is less than an hour away


def test_maximum_advance_limits_how_far_ahead_slots_go():
    now = local(CHICAGO, MONDAY.replace(hour=9))
    week = Interval(now, now + timedelta(days=7))
    found = slots(now=now, window=week, business=business(policy=policy(maximum_advance=timedelta(days=2))))
    assert found[-1].start == now + timedelta(days=2)  # Wednesday 09:00, exactly at the limit
    assert all(slot.start <= now + timedelta(days=2) for slot in found)


def test_the_services_own_policy_overrides_the_business_policy():
    hourly = policy(time_slot_interval=timedelta(hours=1))
    assert effective_policy(service(policy=hourly), business()) is hourly
    assert effective_policy(service(), business()) == business().policy
    assert walls(slots(service=service(policy=hourly)))[:2] == ["08:00", "09:00"]


@pytest.mark.parametrize(
    "changes",
    [
        {"service": service(is_hidden=True)},
        {"business": business(is_published=False)},
        {"service": service(staff_ids=())},
        {"staff": ()},  # assigned staff the caller knows nothing about cannot be offered
    ],
    ids=["hidden service", "unpublished business", "service without staff", "unknown staff"],
)
def test_nothing_is_bookable(changes):
    assert slots(**changes) == ()


def test_only_staff_assigned_to_the_service_are_offered():
    found = slots(staff=(*STAFF, StaffRules("cat", CHICAGO)), service=service(staff_ids=("bob",)))
    assert {slot.staff_ids for slot in found} == {("bob",)}


def test_a_chosen_staff_member_is_honoured_when_staff_selection_is_allowed():
    found = slots(chosen_staff_id="bob")
    assert found and {slot.staff_ids for slot in found} == {("bob",)}


def test_choosing_a_staff_member_not_assigned_to_the_service_gives_no_slots():
    assert slots(chosen_staff_id="cat", staff=(*STAFF, StaffRules("cat", CHICAGO))) == ()


def test_a_chosen_staff_member_is_ignored_when_staff_selection_is_not_allowed():
    no_choice = business(policy=policy(allow_staff_selection=False))
    assert slots(business=no_choice, chosen_staff_id="bob") == slots(business=no_choice)
    assert slots(business=no_choice, chosen_staff_id="bob")[0].staff_ids == ("ann", "bob")


def test_staff_in_another_zone_work_their_own_hours_in_their_own_zone():
    # 09:00-17:00 in London is 03:00-11:00 in Chicago in early March (both on standard time).
    londoner = StaffRules("lea", LONDON, use_business_hours=False, hours=standard_week(time(9), time(17)))
    found = slots(staff=(londoner,), service=service(staff_ids=("lea",)))
    assert walls(found) == ["08:00", "08:30", "09:00", "09:30", "10:00"]
    assert walls(found, LONDON)[-1] == "16:00"


def test_staff_on_business_hours_follow_the_business_zone_not_their_own():
    londoner = StaffRules("lea", LONDON, use_business_hours=True)
    found = slots(staff=(londoner,), service=service(staff_ids=("lea",)))
    assert walls(found)[0] == "08:00" and walls(found)[-1] == "16:00"


def test_a_booking_may_span_periods_that_meet_at_midnight():
    late = (
        WorkHours(day=DayOfWeek.MONDAY, time_slots=(WorkTimeSlot(time(20), time(0)),)),
        WorkHours(day=DayOfWeek.TUESDAY, time_slots=(WorkTimeSlot(time(0), time(2)),)),
    )
    found = slots(
        business=business(hours=late),
        service=service(duration=timedelta(hours=2)),
        window=Interval(local(CHICAGO, MONDAY), local(CHICAGO, MONDAY + timedelta(days=2))),
    )
    assert walls(found) == ["20:00", "20:30", "21:00", "21:30", "22:00", "22:30", "23:00", "23:30", "00:00"]


def dst_day(wall_day: datetime) -> tuple[Slot, ...]:
    return slots(
        business=business(hours=every_day(), policy=policy(time_slot_interval=timedelta(hours=1))),
        service=service(duration=timedelta(minutes=30)),
        now=local(CHICAGO, wall_day - timedelta(days=1)),
        window=Interval(local(CHICAGO, wall_day), local(CHICAGO, wall_day + timedelta(days=1))),
    )


def test_spring_forward_skips_the_local_time_that_does_not_exist():
    found = dst_day(datetime(2026, 3, 8))  # Chicago jumps from 02:00 CST to 03:00 CDT
    assert len(found) == 23
    assert "02:00" not in walls(found)
    assert walls(found)[:4] == ["00:00", "01:00", "03:00", "04:00"]
    assert found[1].start == datetime(2026, 3, 8, 7, tzinfo=UTC)  # 01:00 CST
    assert found[2].start == datetime(2026, 3, 8, 8, tzinfo=UTC)  # 03:00 CDT, an hour later


def test_fall_back_offers_the_repeated_local_time_once():
    found = dst_day(datetime(2026, 11, 1))  # Chicago goes from 02:00 CDT back to 01:00 CST
    assert len(found) == 24
    assert walls(found).count("01:00") == 1
    assert [slot.start.hour for slot in found[:4]] == [5, 6, 8, 9]  # 00:00 CDT, 01:00 CDT, 02:00 CST


def test_working_hours_starting_in_the_skipped_hour_start_when_the_clock_jumps():
    from_half_two = every_day(time(2, 30), time(6))
    found = slots(
        business=business(hours=from_half_two),
        service=service(duration=timedelta(minutes=30)),
        now=local(CHICAGO, datetime(2026, 3, 7)),
        window=Interval(local(CHICAGO, datetime(2026, 3, 8)), local(CHICAGO, datetime(2026, 3, 9))),
    )
    # 02:30 does not exist that night; 03:00 (the next step of the grid) is the moment the clock jumps.
    assert walls(found) == ["03:00", "03:30", "04:00", "04:30", "05:00", "05:30"]
    assert found[0].start == datetime(2026, 3, 8, 8, tzinfo=UTC)


GROUP_START = local(CHICAGO, MONDAY.replace(hour=10))


def group_slots(seats_taken: int, **changes) -> dict[str, Slot]:
    yoga = service(id="yoga", staff_ids=("ann",), maximum_attendees_count=5)
    session = GroupBooking("yoga", "ann", GROUP_START, GROUP_START + timedelta(hours=1), seats_taken)
    arguments = {"service": yoga, "busy": {"ann": [session.blocked]}, "group_bookings": [session]}
    found = slots(**(arguments | changes))
    return dict(zip(walls(found), found, strict=True))


def test_a_group_session_with_seats_left_stays_bookable_at_its_own_time():
    found = group_slots(seats_taken=3)
    assert found["10:00"].seats_left == 2
    assert found["08:00"].seats_left == 5  # a new session has every seat
    assert "09:30" not in found and "10:30" not in found  # the session blocks overlapping times


def test_a_full_group_session_is_not_offered():
    assert "10:00" not in group_slots(seats_taken=5)


def test_a_group_session_blocks_its_staff_for_other_services():
    massage = service(id="massage", staff_ids=("ann",))
    assert "10:00" not in group_slots(seats_taken=1, service=massage)


def test_a_group_session_counts_even_when_the_caller_left_it_out_of_busy_time():
    found = group_slots(seats_taken=1, busy={})
    assert found["10:00"].seats_left == 4
    assert "10:30" not in found


def test_auto_assign_picks_the_least_loaded_staff_member_and_breaks_ties_by_id():
    slot = Slot(GROUP_START, GROUP_START + timedelta(hours=1), ("ann", "bob", "cat"), 1)
    assert auto_assign(slot, {"ann": 3, "bob": 1, "cat": 2}) == "bob"
    assert auto_assign(slot, {"ann": 1, "bob": 1}) == "cat"  # no load at all
    assert auto_assign(slot, {"ann": 2, "bob": 2, "cat": 2}) == "ann"
    with pytest.raises(ValueError):
        auto_assign(Slot(GROUP_START, GROUP_START, (), 1), {})


def test_seats_left_is_the_most_any_listed_staff_member_still_has():
    yoga = service(id="yoga", staff_ids=("ann", "bob"), maximum_attendees_count=5)
    session = GroupBooking("yoga", "ann", GROUP_START, GROUP_START + timedelta(hours=1), 4)
    found = slots(service=yoga, busy={"ann": [session.blocked]}, group_bookings=[session])
    at_ten = next(slot for slot in found if slot.start == GROUP_START)
    assert at_ten.staff_ids == ("ann", "bob") and at_ten.seats_left == 5


def test_staff_abroad_follow_their_own_clock_changes_not_the_businesss():
    # 16 March 2026: Chicago has moved to daylight time (UTC-5), London has not yet (UTC+0), so
    # 09:00-17:00 in London is 04:00-12:00 in Chicago, an hour later than the week before.
    londoner = StaffRules("lea", LONDON, use_business_hours=False, hours=standard_week(time(9), time(17)))
    monday = datetime(2026, 3, 16)
    found = slots(
        staff=(londoner,),
        service=service(staff_ids=("lea",)),
        window=Interval(local(CHICAGO, monday), local(CHICAGO, monday + timedelta(days=1))),
    )
    assert walls(found)[0] == "08:00" and walls(found)[-1] == "11:00"
