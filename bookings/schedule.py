"""A staff member's day or week, laid out for drawing: pure functions over plain data.

No ORM and no clock: the selector (``staff_selectors.schedule_entries``) hands in appointments, busy
time and working hours as values, and ``now``. Everything is placed in real minutes from the start
of its local day, so a 30-minute appointment is always 30 minutes tall: a day when the clocks go
forward is 1380 minutes long, one when they go back 1500, and an hour line sits where that hour
really begins. Anything crossing midnight is cut into one piece per day, each saying whether it
continues before or after.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .availability.timeline import micros, moment, working_time
from .display import local_window
from .values import WorkHours

DAY = "day"
WEEK = "week"
VIEW_DAYS = {DAY: 1, WEEK: 7}
MINUTE = timedelta(minutes=1)


# --- Input ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppointmentEntry:
    """One appointment as the schedule shows it; times are aware UTC datetimes."""

    id: str
    start: datetime
    end: datetime
    title: str
    pre_buffer: timedelta = timedelta(0)
    post_buffer: timedelta = timedelta(0)
    staff: tuple[str, ...] = ()
    customers: tuple[str, ...] = ()
    origin: str = "portal"
    is_own: bool = True


@dataclass(frozen=True)
class BusyEntry:
    """Time Bookings reports the member busy (their Outlook calendar, out of office)."""

    start: datetime
    end: datetime
    status: str = "busy"
    staff: str = ""  # whose time it is, named on a page that shows the whole business


# --- Output --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A piece of something on one day's column: ``kind`` is ``appointment``, ``pre-buffer``,
    ``post-buffer`` or ``busy``. ``top`` and ``height`` are minutes from the day's local start;
    ``lane`` of ``lanes`` places overlapping items side by side."""

    kind: str
    top: int
    height: int
    start: datetime  # local, this piece only
    end: datetime
    whole_start: datetime  # local, the whole item (an appointment crossing midnight, say)
    whole_end: datetime
    continues_before: bool
    continues_after: bool
    appointment: AppointmentEntry | None = None
    busy: BusyEntry | None = None
    lane: int = 0
    lanes: int = 1


@dataclass(frozen=True)
class Band:
    """Working hours shading on a column, in minutes from the day's start."""

    top: int
    height: int


@dataclass(frozen=True)
class HourMark:
    minute: int
    label: str


@dataclass(frozen=True)
class AgendaItem:
    """A line of the agenda (the small-screen list): an appointment or busy time, local times."""

    start: datetime
    end: datetime
    appointment: AppointmentEntry | None = None
    busy: BusyEntry | None = None


@dataclass(frozen=True)
class DayColumn:
    date: date
    length: int  # minutes in this local day: 1440, or 1380 / 1500 when the clocks change
    hours: tuple[HourMark, ...]
    working: tuple[Band, ...]
    blocks: tuple[Block, ...]
    agenda: tuple[AgendaItem, ...]
    is_today: bool

    @property
    def clock_change(self) -> str:
        """Words for a day when the clocks change (its hour lines are not evenly labelled), else ''."""
        if self.length < 1440:
            return f"Clocks go forward: a {self.length / 60:g}-hour day"
        if self.length > 1440:
            return f"Clocks go back: a {self.length / 60:g}-hour day"
        return ""


@dataclass(frozen=True)
class ScheduleLayout:
    zone: ZoneInfo
    view: str
    first_day: date
    days: tuple[DayColumn, ...] = field(default_factory=tuple)

    @property
    def longest_day(self) -> int:
        return max((day.length for day in self.days), default=1440)

    @property
    def axis(self) -> tuple[HourMark, ...]:
        """The hour labels down the left-hand side: those of the first day of ordinary length, so
        a week with a clock change keeps its usual labels; a day view of a clock-change day (no
        ordinary day) takes that day's own, skipped or repeated hour included."""
        ordinary = next((day for day in self.days if day.length == 1440), None)
        chosen = ordinary or (self.days[0] if self.days else None)
        return chosen.hours if chosen is not None else ()

    def labels_own_hours(self, day: DayColumn) -> bool:
        """Whether ``day``'s hour lines fall elsewhere than the axis's labels (a clock-change day
        in a week), so that the column must carry its own labels."""
        return day.hours != self.axis


# --- Navigation ----------------------------------------------------------------------------------------


def first_day_of(view: str, day: date) -> date:
    """The first day shown: the day itself, or the Monday of its week (Bookings' weeks start Monday)."""
    return day - timedelta(days=day.weekday()) if view == WEEK else day


def neighbours(view: str, first_day: date) -> tuple[date, date]:
    """The first days of the previous and the next page."""
    step = timedelta(days=VIEW_DAYS[view])
    return first_day - step, first_day + step


def schedule_window(view: str, first_day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC range a page covers: whole local days, so 23 or 25 hours on a day the clocks change."""
    start, end = local_window(first_day, VIEW_DAYS[view], zone)
    return start.astimezone(UTC), end.astimezone(UTC)


# --- Layout --------------------------------------------------------------------------------------------


def _minutes(moment_: datetime, day_start: datetime) -> int:
    return round((moment_.astimezone(UTC) - day_start.astimezone(UTC)) / MINUTE)


def _hour_marks(day_start: datetime, day_end: datetime, zone: ZoneInfo) -> tuple[HourMark, ...]:
    """A line where each local hour begins, walking real hours so a skipped hour has none and a
    repeated one has two."""
    marks = []
    instant = day_start
    while instant < day_end:
        local = instant.astimezone(zone)
        if local.minute == 0:
            marks.append(HourMark(_minutes(instant, day_start), f"{local:%H:%M}"))
        instant += timedelta(hours=1)
    return tuple(marks)


def _clip(
    start: datetime, end: datetime, day_start: datetime, day_end: datetime
) -> tuple[datetime, datetime] | None:
    low, high = max(start, day_start), min(end, day_end)
    return (low, high) if low < high else None


def _piece(
    kind: str,
    start: datetime,
    end: datetime,
    day: tuple[datetime, datetime],
    zone: ZoneInfo,
    **item,
) -> Block | None:
    clipped = _clip(start, end, *day)
    if clipped is None:
        return None
    low, high = clipped
    return Block(
        kind=kind,
        top=_minutes(low, day[0]),
        height=max(1, _minutes(high, day[0]) - _minutes(low, day[0])),
        start=low.astimezone(zone),
        end=high.astimezone(zone),
        whole_start=start.astimezone(zone),
        whole_end=end.astimezone(zone),
        continues_before=start < day[0],
        continues_after=end > day[1],
        **item,
    )


def _with_lanes(blocks: Sequence[Block]) -> tuple[Block, ...]:
    """Side-by-side lanes for overlapping items: each item (an appointment with its buffers counts as
    one) takes the first free lane; a run of overlapping items shares its widest lane count."""
    groups: dict[object, list[Block]] = {}
    for block in blocks:
        key = ("a", block.appointment.id) if block.appointment else ("b", id(block))
        groups.setdefault(key, []).append(block)
    spans = sorted(
        (min(b.top for b in group), max(b.top + b.height for b in group), key)
        for key, group in groups.items()
    )
    lane_of: dict[object, int] = {}
    lanes_of: dict[object, int] = {}
    cluster: list[object] = []
    lane_ends: list[int] = []
    cluster_end = -1

    def close() -> None:
        for member in cluster:
            lanes_of[member] = len(lane_ends)

    for top, bottom, key in spans:
        if top >= cluster_end and cluster:
            close()
            cluster, lane_ends = [], []
        lane = next((i for i, end in enumerate(lane_ends) if end <= top), len(lane_ends))
        if lane == len(lane_ends):
            lane_ends.append(bottom)
        else:
            lane_ends[lane] = bottom
        lane_of[key] = lane
        cluster.append(key)
        cluster_end = max(cluster_end, bottom)
    close()
    placed = []
    for key, group in groups.items():
        for block in group:
            placed.append(replace(block, lane=lane_of[key], lanes=lanes_of[key]))
    return tuple(sorted(placed, key=lambda b: (b.top, b.lane, b.kind)))


def _working_bands(
    hours: Iterable[WorkHours], hours_zone: ZoneInfo, day: tuple[datetime, datetime]
) -> tuple[Band, ...]:
    spans = working_time(tuple(hours), hours_zone, (micros(day[0]), micros(day[1])))
    bands = []
    for start, end in zip(spans.starts, spans.ends, strict=True):
        clipped = _clip(moment(start), moment(end), *day)
        if clipped:
            top = _minutes(clipped[0], day[0])
            bands.append(Band(top, _minutes(clipped[1], day[0]) - top))
    return tuple(bands)


def lay_out_day(
    day: date,
    zone: ZoneInfo,
    *,
    appointments: Iterable[AppointmentEntry],
    busy: Iterable[BusyEntry] = (),
    working_hours: Iterable[WorkHours] = (),
    hours_zone: ZoneInfo | None = None,
    today: date | None = None,
) -> DayColumn:
    """One local day of ``zone``: appointments with their buffers, busy time and working hours."""
    # In UTC: Python compares and subtracts two datetimes of one zone by their wall clocks, which
    # is an hour out across a clock change.
    day_start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    day_end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    bounds = (day_start, day_end)
    blocks: list[Block] = []
    agenda: list[AgendaItem] = []
    for entry in appointments:
        pieces = [
            _piece(
                "pre-buffer", entry.start - entry.pre_buffer, entry.start, bounds, zone, appointment=entry
            ),
            _piece("appointment", entry.start, entry.end, bounds, zone, appointment=entry),
            _piece("post-buffer", entry.end, entry.end + entry.post_buffer, bounds, zone, appointment=entry),
        ]
        blocks.extend(piece for piece in pieces if piece is not None)
        if pieces[1] is not None:
            agenda.append(
                AgendaItem(entry.start.astimezone(zone), entry.end.astimezone(zone), appointment=entry)
            )
    for interval in busy:
        piece = _piece("busy", interval.start, interval.end, bounds, zone, busy=interval)
        if piece is not None:
            blocks.append(piece)
            agenda.append(
                AgendaItem(interval.start.astimezone(zone), interval.end.astimezone(zone), busy=interval)
            )
    agenda.sort(key=lambda item: (item.start, item.busy is not None))
    return DayColumn(
        date=day,
        length=_minutes(day_end, day_start),
        hours=_hour_marks(day_start, day_end, zone),
        working=_working_bands(working_hours, hours_zone or zone, bounds),
        blocks=_with_lanes(blocks),
        agenda=tuple(agenda),
        is_today=day == today,
    )


def lay_out(
    view: str,
    first_day: date,
    zone: ZoneInfo,
    *,
    now: datetime,
    appointments: Sequence[AppointmentEntry],
    busy: Sequence[BusyEntry] = (),
    working_hours: Sequence[WorkHours] = (),
    hours_zone: ZoneInfo | None = None,
) -> ScheduleLayout:
    """A day or a week (``view``) from ``first_day``, each day laid out by ``lay_out_day``."""
    today = now.astimezone(zone).date()
    days = tuple(
        lay_out_day(
            first_day + timedelta(days=offset),
            zone,
            appointments=appointments,
            busy=busy,
            working_hours=working_hours,
            hours_zone=hours_zone,
            today=today,
        )
        for offset in range(VIEW_DAYS[view])
    )
    return ScheduleLayout(zone=zone, view=view, first_day=first_day, days=days)
