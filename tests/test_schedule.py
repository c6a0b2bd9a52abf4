"""Laying out a staff member's day or week: pure, in real minutes from each local day's start."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bookings.enums import DayOfWeek
from bookings.schedule import (
    DAY,
    WEEK,
    AppointmentEntry,
    BusyEntry,
    first_day_of,
    lay_out,
    lay_out_day,
    neighbours,
    schedule_window,
)
from bookings.values import WorkHours, WorkTimeSlot, standard_week

LONDON = ZoneInfo("Europe/London")
CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def entry(start: datetime, minutes: int = 30, **fields) -> AppointmentEntry:
    return AppointmentEntry(
        id=fields.pop("id", f"a-{start:%d%H%M}"),
        start=start,
        end=start + timedelta(minutes=minutes),
        title=fields.pop("title", "Haircut"),
        **fields,
    )


def kinds(day) -> list[tuple[str, int, int]]:
    return [(block.kind, block.top, block.height) for block in day.blocks]


def test_an_appointment_sits_at_its_local_minutes_with_its_buffers_either_side():
    # 14:00 UTC is 08:00 in Chicago (CST) on 2 March 2026.
    appointment = entry(
        datetime(2026, 3, 2, 14, 0, tzinfo=UTC),
        pre_buffer=timedelta(minutes=10),
        post_buffer=timedelta(minutes=15),
    )

    day = lay_out_day(date(2026, 3, 2), CHICAGO, appointments=[appointment])

    assert kinds(day) == [("pre-buffer", 470, 10), ("appointment", 480, 30), ("post-buffer", 510, 15)]
    assert day.length == 1440
    assert day.blocks[1].start == datetime(2026, 3, 2, 8, 0, tzinfo=CHICAGO)


def test_busy_time_is_placed_and_listed_in_the_agenda_in_order():
    appointment = entry(datetime(2026, 3, 2, 15, 0, tzinfo=UTC))
    busy = BusyEntry(datetime(2026, 3, 2, 18, 0, tzinfo=UTC), datetime(2026, 3, 2, 19, 0, tzinfo=UTC))

    day = lay_out_day(date(2026, 3, 2), CHICAGO, appointments=[appointment], busy=[busy])

    assert ("busy", 720, 60) in kinds(day)
    assert [item.start.hour for item in day.agenda] == [9, 12]
    assert day.agenda[1].busy == busy


def test_working_hours_shade_the_member_s_hours_in_their_zone():
    monday = date(2026, 3, 2)

    day = lay_out_day(monday, CHICAGO, appointments=[], working_hours=standard_week())
    sunday = lay_out_day(monday - timedelta(days=1), CHICAGO, appointments=[], working_hours=standard_week())

    assert [(band.top, band.height) for band in day.working] == [(8 * 60, 9 * 60)]
    assert sunday.working == ()


def test_hours_kept_in_another_zone_are_shaded_where_they_fall_in_the_viewer_s():
    monday = date(2026, 3, 2)
    # Business hours 08:00-17:00 in London are 02:00-11:00 in Chicago (GMT vs CST: six hours).
    day = lay_out_day(monday, CHICAGO, appointments=[], working_hours=standard_week(), hours_zone=LONDON)

    assert [(band.top, band.height) for band in day.working] == [(2 * 60, 9 * 60)]


def test_an_appointment_crossing_midnight_is_cut_into_one_piece_per_day():
    late = entry(datetime(2026, 3, 3, 5, 0, tzinfo=UTC), minutes=120)  # 23:00-01:00 in Chicago

    layout = lay_out(DAY, date(2026, 3, 2), CHICAGO, now=NOW, appointments=[late])
    next_day = lay_out_day(date(2026, 3, 3), CHICAGO, appointments=[late])

    [evening] = layout.days[0].blocks
    [night] = next_day.blocks
    assert (evening.top, evening.height, evening.continues_after, evening.continues_before) == (
        1380,
        60,
        True,
        False,
    )
    assert (night.top, night.height, night.continues_before, night.continues_after) == (0, 60, True, False)
    assert night.whole_start == datetime(2026, 3, 2, 23, 0, tzinfo=CHICAGO)
    assert [item.appointment for item in next_day.agenda] == [late]


def test_a_post_buffer_spilling_past_midnight_shows_on_the_next_day_alone():
    appointment = entry(
        datetime(2026, 3, 3, 5, 30, tzinfo=UTC), post_buffer=timedelta(minutes=20)
    )  # 23:30-00:00, clear-up to 00:20

    next_day = lay_out_day(date(2026, 3, 3), CHICAGO, appointments=[appointment])

    assert kinds(next_day) == [("post-buffer", 0, 20)]
    assert next_day.agenda == ()


def test_the_day_the_clocks_go_forward_is_23_hours_and_later_times_keep_their_true_minutes():
    # 29 March 2026, London: 01:00 GMT becomes 02:00 BST.
    spring = date(2026, 3, 29)
    at_ten = entry(datetime(2026, 3, 29, 9, 0, tzinfo=UTC), minutes=60)  # 10:00-11:00 BST
    across = entry(datetime(2026, 3, 29, 0, 30, tzinfo=UTC), minutes=60, id="across")  # 00:30 GMT-02:30 BST

    day = lay_out_day(spring, LONDON, appointments=[at_ten, across])

    assert day.length == 23 * 60
    assert day.clock_change == "Clocks go forward: a 23-hour day"
    assert [mark.label for mark in day.hours][:3] == ["00:00", "02:00", "03:00"]
    assert ("appointment", 30, 60) in kinds(day)  # sixty real minutes, drawn sixty tall
    assert ("appointment", 9 * 60, 60) in kinds(day)  # ten o'clock is nine real hours after midnight


def test_the_day_the_clocks_go_back_is_25_hours_and_the_repeated_hour_is_drawn_twice():
    # 25 October 2026, London: 02:00 BST becomes 01:00 GMT.
    autumn = date(2026, 10, 25)
    first_one = entry(datetime(2026, 10, 25, 0, 0, tzinfo=UTC), minutes=60, id="first")  # 01:00 BST
    second_one = entry(datetime(2026, 10, 25, 1, 0, tzinfo=UTC), minutes=60, id="second")  # 01:00 GMT

    day = lay_out_day(autumn, LONDON, appointments=[first_one, second_one])

    assert day.length == 25 * 60
    assert day.clock_change == "Clocks go back: a 25-hour day"
    assert [mark.label for mark in day.hours][:4] == ["00:00", "01:00", "01:00", "02:00"]
    assert kinds(day) == [("appointment", 60, 60), ("appointment", 120, 60)]
    assert [block.lanes for block in day.blocks] == [1, 1]


def test_a_week_across_a_clock_change_keeps_its_usual_axis_and_the_short_day_labels_its_own_hours():
    week = lay_out(WEEK, date(2026, 3, 23), LONDON, now=NOW, appointments=[])
    spring = week.days[6]  # Sunday 29 March

    assert [(mark.minute, mark.label) for mark in week.axis] == [(h * 60, f"{h:02d}:00") for h in range(24)]
    assert [week.labels_own_hours(day) for day in week.days] == [False] * 6 + [True]
    assert [(mark.minute, mark.label) for mark in spring.hours][1:3] == [(60, "02:00"), (120, "03:00")]


def test_the_day_view_of_a_clock_change_day_labels_the_axis_with_that_day_s_hours():
    autumn = lay_out(DAY, date(2026, 10, 25), LONDON, now=NOW, appointments=[])

    assert [(mark.minute, mark.label) for mark in autumn.axis][:4] == [
        (0, "00:00"),
        (60, "01:00"),
        (120, "01:00"),
        (180, "02:00"),
    ]
    assert len(autumn.axis) == 25 and not autumn.labels_own_hours(autumn.days[0])


def test_a_week_takes_whole_local_days_so_its_window_is_an_hour_short_across_spring_forward():
    start, end = schedule_window(WEEK, date(2026, 3, 23), LONDON)

    assert end - start == timedelta(days=7) - timedelta(hours=1)
    assert start == datetime(2026, 3, 23, 0, 0, tzinfo=LONDON)


def test_overlapping_appointments_share_the_column_side_by_side():
    first = entry(datetime(2026, 3, 2, 15, 0, tzinfo=UTC), minutes=60, id="one")
    second = entry(datetime(2026, 3, 2, 15, 30, tzinfo=UTC), minutes=60, id="two")
    later = entry(datetime(2026, 3, 2, 18, 0, tzinfo=UTC), id="three")

    day = lay_out_day(date(2026, 3, 2), CHICAGO, appointments=[first, second, later])

    lanes = {block.appointment.id: (block.lane, block.lanes) for block in day.blocks}
    assert lanes == {"one": (0, 2), "two": (1, 2), "three": (0, 1)}


def test_an_appointment_and_its_buffers_take_one_lane_together():
    buffered = entry(
        datetime(2026, 3, 2, 15, 0, tzinfo=UTC),
        id="buffered",
        pre_buffer=timedelta(minutes=15),
        post_buffer=timedelta(minutes=15),
    )

    day = lay_out_day(date(2026, 3, 2), CHICAGO, appointments=[buffered])

    assert {(block.lane, block.lanes) for block in day.blocks} == {(0, 1)}


def test_a_week_starts_on_monday_and_marks_today_in_the_viewer_s_zone():
    # 05:00 UTC on Monday 2 March is still Sunday evening in Chicago.
    now = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)

    layout = lay_out(WEEK, first_day_of(WEEK, date(2026, 3, 4)), CHICAGO, now=now, appointments=[])

    assert [day.date for day in layout.days] == [date(2026, 3, 2) + timedelta(days=n) for n in range(7)]
    assert [day.is_today for day in layout.days] == [False] * 7
    assert lay_out(DAY, date(2026, 3, 1), CHICAGO, now=now, appointments=[]).days[0].is_today


def test_previous_and_next_move_by_a_day_or_a_week():
    assert neighbours(DAY, date(2026, 3, 1)) == (date(2026, 2, 28), date(2026, 3, 2))
    assert neighbours(WEEK, date(2026, 3, 2)) == (date(2026, 2, 23), date(2026, 3, 9))


def test_working_hours_until_midnight_reach_the_end_of_the_column():
    evenings = tuple(WorkHours(day=day, time_slots=(WorkTimeSlot(time(18), time(0)),)) for day in DayOfWeek)

    day = lay_out_day(date(2026, 3, 2), CHICAGO, appointments=[], working_hours=evenings)

    assert [(band.top, band.height) for band in day.working] == [(18 * 60, 6 * 60)]
