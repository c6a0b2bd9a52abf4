"""The dashboard's numbers and chart shapes (bookings/dashboard.py): pure functions over plain data."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bookings.dashboard import (
    BookedStart,
    DayCount,
    StaffSchedule,
    Utilisation,
    bar_chart,
    bookings_per_day,
    column_chart,
    nice_ceiling,
    percent,
    reporting_days,
    reporting_reach,
    staff_utilisation,
    week_reach,
    week_start,
)
from bookings.demo import week
from bookings.enums import DayOfWeek
from bookings.values import WorkHours, WorkTimeSlot

CHICAGO = ZoneInfo("America/Chicago")
TOKYO = ZoneInfo("Asia/Tokyo")
TODAY = date(2026, 11, 25)  # a Wednesday
MONDAY = date(2026, 11, 23)
NINE_TO_FIVE = week(dict.fromkeys(("monday", "tuesday", "wednesday", "thursday", "friday"), (9, 17)))


def at(day: date, hour: int, zone: ZoneInfo = CHICAGO, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), zone).astimezone(UTC)


# --- Bookings per day ---------------------------------------------------------------------------


def test_the_reporting_days_are_the_30_up_to_today_and_the_14_after_it():
    days = reporting_days(TODAY)

    assert len(days) == 44
    assert (
        days[0] == TODAY - timedelta(days=29) and days[29] == TODAY and days[-1] == TODAY + timedelta(days=14)
    )


def test_the_reach_to_query_covers_every_zone_of_the_first_and_last_day():
    start, end = reporting_reach([TODAY, TODAY + timedelta(days=1)])

    assert start <= at(TODAY, 0, TOKYO) and end > at(
        TODAY + timedelta(days=1), 23, ZoneInfo("Pacific/Kiritimati")
    )
    assert end > at(TODAY + timedelta(days=1), 23, ZoneInfo("Pacific/Pago_Pago"))


def test_bookings_are_counted_on_their_businesss_local_day_by_origin():
    late_evening = at(TODAY, 22)  # already tomorrow in UTC
    bookings = [
        BookedStart(late_evening, CHICAGO, "portal"),
        BookedStart(at(TODAY, 9), CHICAGO, "graph"),
        BookedStart(at(TODAY, 7, TOKYO), TOKYO, "portal"),  # yesterday in UTC and in Chicago
    ]

    counts = {count.day: count for count in bookings_per_day(bookings, [TODAY, TODAY + timedelta(days=1)])}

    assert counts[TODAY] == DayCount(TODAY, portal=2, graph=1)
    assert counts[TODAY + timedelta(days=1)] == DayCount(TODAY + timedelta(days=1))


def test_every_day_is_in_the_answer_and_days_outside_are_left_out():
    days = reporting_days(TODAY, past_days=2, future_days=1)
    bookings = [BookedStart(at(TODAY + timedelta(days=5), 10), CHICAGO, "portal")]

    assert bookings_per_day(bookings, days) == [DayCount(day) for day in days]


# --- Staff utilisation ----------------------------------------------------------------------------


def schedule(hours=NINE_TO_FIVE, zone=CHICAGO, staff_id="ava") -> StaffSchedule:
    return StaffSchedule(staff_id, "Ava", "Northwind", zone, tuple(hours))


def test_utilisation_is_booked_minutes_over_working_minutes_this_week():
    booked = {
        "ava": [
            (at(TODAY, 9), at(TODAY, 11)),
            (at(TODAY + timedelta(days=1), 14), at(TODAY + timedelta(days=1), 16)),
        ]
    }

    [row] = staff_utilisation([schedule()], booked, MONDAY)

    assert (row.booked_minutes, row.working_minutes) == (240, 5 * 8 * 60)
    assert row.ratio == 0.1 and percent(row.ratio) == "10 %"


def test_only_booked_time_inside_working_hours_and_inside_the_week_counts():
    booked = {
        "ava": [
            (at(TODAY, 8), at(TODAY, 10)),  # one hour before opening
            (at(MONDAY - timedelta(days=1), 9), at(MONDAY - timedelta(days=1), 17)),  # last week
            (at(MONDAY + timedelta(days=5), 10), at(MONDAY + timedelta(days=5), 12)),  # Saturday: not working
        ]
    }

    [row] = staff_utilisation([schedule()], booked, MONDAY)

    assert row.booked_minutes == 60


def test_overlapping_bookings_count_once_so_the_ratio_never_exceeds_one():
    whole_week = [(at(MONDAY, 0), at(MONDAY + timedelta(days=7), 0))]
    booked = {"ava": [*whole_week, (at(TODAY, 9), at(TODAY, 10))]}

    [row] = staff_utilisation([schedule()], booked, MONDAY)

    assert row.ratio == 1.0


def test_the_week_runs_on_the_staff_members_own_clock():
    tokyo_monday_morning = at(MONDAY, 9, TOKYO)  # still Sunday in UTC
    booked = {"ava": [(tokyo_monday_morning, tokyo_monday_morning + timedelta(hours=1))]}

    [row] = staff_utilisation([schedule(zone=TOKYO)], booked, MONDAY)

    assert (row.booked_minutes, row.working_minutes) == (60, 2400)


def test_someone_without_working_hours_has_no_ratio_rather_than_a_division_by_zero():
    [row] = staff_utilisation([schedule(hours=())], {}, MONDAY)

    assert row.working_minutes == 0 and row.ratio is None and percent(row.ratio) == "no working time"


def test_working_hours_are_the_availability_engines_across_a_daylight_saving_change():
    # Chicago leaves DST on Sunday 1 November 2026: that Sunday has 25 hours, all of them working time.
    sunday_all_day = [WorkHours(DayOfWeek.SUNDAY, (WorkTimeSlot(time(0), time(0)),))]

    [row] = staff_utilisation([schedule(hours=sunday_all_day)], {}, date(2026, 10, 26))

    assert row.working_minutes == 25 * 60


def test_the_week_starts_on_monday_and_its_reach_covers_it_in_any_zone():
    assert week_start(TODAY) == MONDAY and week_start(MONDAY) == MONDAY
    start, end = week_reach(MONDAY)
    assert start <= at(MONDAY, 0, ZoneInfo("Pacific/Kiritimati"))
    assert end >= at(MONDAY + timedelta(days=7), 0, ZoneInfo("Pacific/Pago_Pago"))


# --- Charts ------------------------------------------------------------------------------------------


def test_the_axis_top_is_a_readable_round_number():
    assert [nice_ceiling(value) for value in (0, 1, 3, 7, 10, 11, 36, 101)] == [1, 1, 5, 10, 10, 20, 50, 200]


def test_columns_stack_graph_bookings_on_portal_ones_and_scale_to_the_busiest_day():
    days = [DayCount(TODAY - timedelta(days=1), portal=1, graph=1), DayCount(TODAY, portal=2)]

    chart = column_chart(days, today=TODAY, width=264, height=132)  # a 100-pixel plot

    portal_yesterday, graph_yesterday, portal_today = chart.rects
    assert portal_today.height == 100  # the busiest day (2) reaches the axis top (2)
    assert portal_yesterday.height == graph_yesterday.height == 50
    assert graph_yesterday.y + graph_yesterday.height == portal_yesterday.y  # stacked, graph on top
    assert portal_today.label.endswith(": 2 booked here") and graph_yesterday.label.endswith(
        "booked in Bookings"
    )
    assert [tick.label for tick in chart.x_ticks][-1] == "today"
    assert [tick.label for tick in chart.y_ticks] == ["0", "1", "2"]


def test_empty_days_draw_no_columns():
    chart = column_chart([DayCount(TODAY)], today=TODAY)

    assert chart.rects == () and [tick.label for tick in chart.x_ticks] == ["today"]


def test_bars_show_each_members_share_capped_at_the_axis_end():
    rows = [
        Utilisation("a", "Ava", "N", booked_minutes=120, working_minutes=480),
        Utilisation("b", "Ben", "N", booked_minutes=0, working_minutes=0),
    ]

    chart = bar_chart(rows, width=436)

    assert [rect.width for rect in chart.rects] == [50.0, 0]
    assert [rect.label for rect in chart.rects] == ["Ava: 25 %", "Ben: no working time"]
    assert [tick.label for tick in chart.y_ticks] == ["Ava", "Ben"]
