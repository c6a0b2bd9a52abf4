"""The owner's dashboard numbers and chart shapes, as pure functions: plain data in, plain data out.

No ORM, no clock: the admin's selector (``bookings.admin.queries``) reads the rows and passes ``today``;
the template only draws what :func:`column_chart` and :func:`bar_chart` computed. Working time comes
from the availability engine's own ``working_time`` so that "working minutes" here are the minutes
a customer could book there.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .availability.timeline import Spans, instant, micros, working_time
from .enums import Origin
from .values import WorkHours

PAST_DAYS = 30  # the 30 days up to and including today
FUTURE_DAYS = 14  # and the 14 days after it
_ONE_MINUTE = 60_000_000  # microseconds


# --- Bookings per day ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BookedStart:
    """One live appointment as the per-day count needs it: when, in whose zone, made where."""

    start: datetime
    zone: ZoneInfo
    origin: str


@dataclass(frozen=True)
class DayCount:
    day: date
    portal: int = 0
    graph: int = 0

    @property
    def total(self) -> int:
        return self.portal + self.graph


def reporting_days(today: date, *, past_days: int = PAST_DAYS, future_days: int = FUTURE_DAYS) -> list[date]:
    """The days the chart shows: ``past_days`` ending with today, then ``future_days`` more."""
    first = today - timedelta(days=past_days - 1)
    return [first + timedelta(days=offset) for offset in range(past_days + future_days)]


def reporting_reach(days: Sequence[date]) -> tuple[datetime, datetime]:
    """A UTC range surely holding every appointment starting on ``days`` in any zone (±14 h offsets),
    so one query can fetch them before :func:`bookings_per_day` places each on its local day."""
    utc = ZoneInfo("UTC")
    start = datetime.combine(days[0] - timedelta(days=1), time(0), utc)
    end = datetime.combine(days[-1] + timedelta(days=2), time(0), utc)
    return start, end


def bookings_per_day(bookings: Iterable[BookedStart], days: Sequence[date]) -> list[DayCount]:
    """How many appointments start on each of ``days`` (the business's local day), by origin.

    Appointments on other days are left out; every day in ``days`` is in the answer, empty or not.
    """
    counts = {day: [0, 0] for day in days}
    for booking in bookings:
        day = booking.start.astimezone(booking.zone).date()
        if day in counts:
            counts[day][0 if booking.origin == Origin.PORTAL else 1] += 1
    return [DayCount(day, portal, graph) for day, (portal, graph) in counts.items()]


# --- Staff utilisation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffSchedule:
    """A staff member's effective working week: their own hours and zone, or their business's."""

    staff_id: Hashable
    name: str
    business: str
    zone: ZoneInfo
    hours: tuple[WorkHours, ...]


@dataclass(frozen=True)
class Utilisation:
    staff_id: Hashable
    name: str
    business: str
    booked_minutes: int
    working_minutes: int

    @property
    def ratio(self) -> float | None:
        """Booked share of working time; None for someone with no working time this week."""
        return self.booked_minutes / self.working_minutes if self.working_minutes else None


def week_start(today: date) -> date:
    """The Monday of ``today``'s week (ISO weeks, as Bookings' calendar shows them)."""
    return today - timedelta(days=today.weekday())


def week_reach(monday: date) -> tuple[datetime, datetime]:
    """A UTC range surely holding that week in any zone: what the selector reads booked time for."""
    return reporting_reach([monday, monday + timedelta(days=6)])


def _length(spans: Spans) -> int:
    return sum(high - low for low, high in zip(spans.starts, spans.ends, strict=True))


def _overlap(first: Spans, second: Spans) -> int:
    """Total length of the intersection of two span sets (both sorted and disjoint)."""
    total, i, j = 0, 0, 0
    while i < len(first.starts) and j < len(second.starts):
        low = max(first.starts[i], second.starts[j])
        high = min(first.ends[i], second.ends[j])
        if low < high:
            total += high - low
        if first.ends[i] <= second.ends[j]:
            i += 1
        else:
            j += 1
    return total


def staff_utilisation(
    staff: Iterable[StaffSchedule],
    booked: Mapping[Hashable, Iterable[tuple[datetime, datetime]]],
    monday: date,
) -> list[Utilisation]:
    """Each staff member's booked minutes ÷ working minutes in the week starting ``monday``.

    The week runs from Monday 00:00 to the next Monday 00:00 on the member's own clock. ``booked``
    holds each member's blocked ranges (buffers included: they take the member's time too); only the
    part inside working hours counts, and overlapping bookings (a group session) count once, so the
    ratio is the share of working time that is taken, never above 1.
    """
    answer = []
    for member in staff:
        start = instant(datetime.combine(monday, time(0)), member.zone)
        end = instant(datetime.combine(monday + timedelta(days=7), time(0)), member.zone)
        hours = working_time(member.hours, member.zone, (start, end))
        working = Spans.merge(
            (max(low, start), min(high, end)) for low, high in zip(hours.starts, hours.ends, strict=True)
        )
        taken = Spans.merge((micros(low), micros(high)) for low, high in booked.get(member.staff_id, ()))
        answer.append(
            Utilisation(
                member.staff_id,
                member.name,
                member.business,
                booked_minutes=_overlap(working, taken) // _ONE_MINUTE,
                working_minutes=_length(working) // _ONE_MINUTE,
            )
        )
    return answer


# --- Chart geometry ---------------------------------------------------------------------------------


# Room for the axis labels: left for the values, bottom for the dates, right for the last date's end.
LEFT, BOTTOM, TOP, RIGHT = 40, 24, 8, 24


@dataclass(frozen=True)
class Rect:
    """One drawn rectangle of a chart, with the words a screen reader or a tooltip gives it."""

    x: float
    y: float
    width: float
    height: float
    series: str
    label: str


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    rects: tuple[Rect, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    y_label_x: float = LEFT - 6  # where the y labels stand, and which of their ends
    y_label_anchor: str = "end"


def nice_ceiling(value: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50 … at least ``value`` (and at least 1): a readable axis top."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


SERIES_NAMES = {"portal": "booked here", "graph": "booked in Bookings"}


def column_chart(days: Sequence[DayCount], *, today: date, width: int = 720, height: int = 220) -> Chart:
    """Stacked columns, one per day (portal below, Graph on top); today and every 7th day labelled."""
    top = nice_ceiling(max((day.total for day in days), default=0))
    plot_h = height - BOTTOM - TOP
    slot = (width - LEFT - RIGHT) / max(len(days), 1)
    rects: list[Rect] = []
    x_ticks: list[Tick] = []
    for index, day in enumerate(days):
        x = round(LEFT + index * slot + slot * 0.15, 1)
        base = height - BOTTOM
        for series, value in (("portal", day.portal), ("graph", day.graph)):
            if value:
                h = plot_h * value / top
                base -= h
                label = f"{day.day:%a %d %b}: {value} {SERIES_NAMES[series]}"
                rects.append(Rect(x, round(base, 1), round(slot * 0.7, 1), round(h, 1), series, label))
        if day.day == today or (len(days) - 1 - index) % 7 == 0:
            text = "today" if day.day == today else f"{day.day:%d %b}"
            x_ticks.append(Tick(round(x + slot * 0.35, 1), text))
    y_ticks = tuple(Tick(round(height - BOTTOM - plot_h * v / top, 1), str(v)) for v in (0, top // 2, top))
    return Chart(width, height, tuple(rects), tuple(x_ticks), y_ticks)


def bar_chart(rows: Sequence[Utilisation], *, width: int = 720, row_height: int = 28) -> Chart:
    """Horizontal bars of each member's utilisation on a 0 to 100 % axis."""
    label_w = 220
    height = row_height * len(rows) + BOTTOM + TOP
    plot_w = width - label_w - 16
    rects = []
    for index, row in enumerate(rows):
        share = min(row.ratio or 0.0, 1.0)
        rects.append(
            Rect(
                label_w,
                TOP + index * row_height + 4,
                round(plot_w * share, 1),
                row_height - 8,
                "utilisation",
                f"{row.name}: {percent(row.ratio)}",
            )
        )
    x_ticks = tuple(Tick(round(label_w + plot_w * p / 100, 1), f"{p} %") for p in (0, 50, 100))
    y_ticks = tuple(
        Tick(TOP + index * row_height + row_height / 2, row.name) for index, row in enumerate(rows)
    )
    return Chart(width, height, tuple(rects), x_ticks, y_ticks, y_label_x=4, y_label_anchor="start")


def percent(ratio: float | None) -> str:
    """A utilisation as people read it: "42 %", or why there is none."""
    return "no working time" if ratio is None else f"{round(ratio * 100)} %"
