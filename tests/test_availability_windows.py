"""A policy's general availability and dated custom windows (CONTRACT §4.6) narrow the free slots."""

from __future__ import annotations

from datetime import date, time, timedelta

from bookings.availability import Interval
from bookings.enums import DayOfWeek, ServiceAvailabilityType
from bookings.values import BookingsAvailability, BookingsAvailabilityWindow, WorkHours, WorkTimeSlot

from .test_availability import CHICAGO, MONDAY, business, local, policy, service, slots, walls

FREE = ServiceAvailabilityType.BOOK_WHEN_STAFF_ARE_FREE
CLOSED = ServiceAvailabilityType.NOT_BOOKABLE
CUSTOM = ServiceAvailabilityType.CUSTOM_WEEKLY_HOURS
UNKNOWN = ServiceAvailabilityType.UNKNOWN_FUTURE_VALUE
TUESDAY = date(2026, 3, 3)
ALL_DAY = [f"{hour:02}:{minute:02}" for hour in range(8, 17) for minute in (0, 30)][:-1]  # 08:00-16:00


def hours(day: str, start: time, end: time) -> tuple[WorkHours, ...]:
    return (WorkHours(day=DayOfWeek(day), time_slots=(WorkTimeSlot(start, end),)),)


def with_policy(**changes) -> dict:
    return {"business": business(policy=policy(**changes))}


def three_days(**changes) -> dict[str, list[str]]:
    """Monday to Wednesday, slot walls by local date."""
    window = Interval(local(CHICAGO, MONDAY), local(CHICAGO, MONDAY + timedelta(days=3)))
    by_day: dict[str, list[str]] = {"2026-03-02": [], "2026-03-03": [], "2026-03-04": []}
    for slot in slots(window=window, **changes):
        by_day[f"{slot.start.astimezone(CHICAGO):%Y-%m-%d}"].append(f"{slot.start.astimezone(CHICAGO):%H:%M}")
    return by_day


def test_without_availability_staff_and_business_hours_decide():
    assert walls(slots()) == ALL_DAY
    assert walls(slots(**with_policy(general_availability=BookingsAvailability(FREE)))) == ALL_DAY


def test_a_service_that_is_not_bookable_has_no_slots():
    assert slots(**with_policy(general_availability=BookingsAvailability(CLOSED))) == ()


def test_custom_weekly_hours_narrow_the_slots_to_those_hours():
    custom = BookingsAvailability(CUSTOM, hours("monday", time(10), time(12)))
    assert walls(slots(**with_policy(general_availability=custom))) == ["10:00", "10:30", "11:00"]


def test_custom_weekly_hours_must_hold_the_buffers_too():
    custom = BookingsAvailability(CUSTOM, hours("monday", time(10), time(12)))
    found = slots(
        **with_policy(general_availability=custom), service=service(pre_buffer=timedelta(minutes=15))
    )
    assert walls(found) == ["10:30", "11:00"]


def test_custom_weekly_hours_are_intersected_with_business_hours():
    custom = BookingsAvailability(CUSTOM, hours("monday", time(6), time(9)))
    assert walls(slots(**with_policy(general_availability=custom))) == ["08:00"]


def test_custom_weekly_hours_on_other_days_or_none_at_all_give_nothing():
    other_day = BookingsAvailability(CUSTOM, hours("tuesday", time(8), time(17)))
    assert slots(**with_policy(general_availability=other_day)) == ()
    assert slots(**with_policy(general_availability=BookingsAvailability(CUSTOM, None))) == ()


def test_a_not_bookable_window_closes_only_its_own_dates():
    window = BookingsAvailabilityWindow(CLOSED, start_date=TUESDAY, end_date=TUESDAY)
    found = three_days(**with_policy(custom_availabilities=(window,)))
    assert found == {"2026-03-02": ALL_DAY, "2026-03-03": [], "2026-03-04": ALL_DAY}


def test_a_custom_hours_window_opens_its_dates_of_a_service_otherwise_not_bookable():
    window = BookingsAvailabilityWindow(
        CUSTOM, hours("tuesday", time(13), time(15)), start_date=TUESDAY, end_date=TUESDAY
    )
    found = three_days(
        **with_policy(general_availability=BookingsAvailability(CLOSED), custom_availabilities=(window,))
    )
    assert found == {"2026-03-02": [], "2026-03-03": ["13:00", "13:30", "14:00"], "2026-03-04": []}


def test_window_dates_are_inclusive_and_the_first_covering_window_wins():
    first = BookingsAvailabilityWindow(FREE, start_date=TUESDAY, end_date=TUESDAY)
    second = BookingsAvailabilityWindow(CLOSED, start_date=date(2026, 3, 2), end_date=TUESDAY)
    found = three_days(**with_policy(custom_availabilities=(first, second)))
    assert found == {"2026-03-02": [], "2026-03-03": ALL_DAY, "2026-03-04": ALL_DAY}


def test_unknown_future_value_behaves_as_book_when_staff_are_free():
    unknown = BookingsAvailability(UNKNOWN)
    assert walls(slots(**with_policy(general_availability=unknown))) == ALL_DAY
    window = BookingsAvailabilityWindow(UNKNOWN, start_date=TUESDAY, end_date=TUESDAY)
    found = three_days(
        **with_policy(general_availability=BookingsAvailability(CLOSED), custom_availabilities=(window,))
    )
    assert found == {"2026-03-02": [], "2026-03-03": ALL_DAY, "2026-03-04": []}


def test_the_services_own_policy_decides_its_availability():
    own = policy(general_availability=BookingsAvailability(CLOSED))
    assert slots(service=service(policy=own)) == ()
    assert (
        walls(
            slots(
                service=service(policy=policy()),
                **with_policy(general_availability=BookingsAvailability(CLOSED)),
            )
        )
        == ALL_DAY
    )
