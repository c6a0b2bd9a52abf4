"""Graph's wire formats for time: ISO 8601 durations, TimeOfDay, Date, DateTimeOffset, dateTimeTimeZone.

Pure functions, one per format and direction, so that every layer (API, Graph client, admin) parses
and prints a given format in exactly one way. Parsers raise ``ValueError`` with a message fit to show
a client; they accept the variants Graph and its documentation actually send (non-normalised
durations such as ``PT60M``, seven fractional digits, Windows zone names) and printers emit the
normalised form Graph returns.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tzlocal.windows_tz import win_tz

_DURATION = re.compile(
    r"^P(?!$)(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)
# Microsoft's own documentation writes ``P11D23H59M59.999999999999S`` (no ``T``). Accept that shape
# only when it carries hours or seconds, where ``M`` cannot mean months.
_DURATION_WITHOUT_T = re.compile(
    r"^P(?:(?P<days>\d+)D)?(?=\d+H|.*\d+(?:\.\d+)?S$)"
    r"(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?$"
)
# Longer than any booking rule needs, short enough that date arithmetic can never overflow.
MAX_DURATION = timedelta(days=36500)


def parse_duration(text: str) -> timedelta:
    """Parse an ISO 8601 duration of days, hours, minutes and seconds (``P1D``, ``PT1H30M``).

    Years and months are refused: they have no fixed length, and Graph never sends them.
    """
    if not isinstance(text, str):
        raise ValueError("expected an ISO 8601 duration string such as 'PT30M'")
    match = _DURATION.match(text.strip()) or _DURATION_WITHOUT_T.match(text.strip())
    if not match:
        raise ValueError(f"'{text[:50]}' is not an ISO 8601 duration such as 'PT30M' or 'P1DT2H'")
    parts = {name: value for name, value in match.groupdict().items() if value is not None}
    try:
        seconds = float(parts.pop("seconds", 0) or 0)
        whole_seconds = int(seconds)
        microseconds = round((seconds - whole_seconds) * 1_000_000)
        value = timedelta(
            weeks=int(parts.get("weeks", 0)),
            days=int(parts.get("days", 0)),
            hours=int(parts.get("hours", 0)),
            minutes=int(parts.get("minutes", 0)),
            seconds=whole_seconds,
            microseconds=microseconds,
        )
    except (OverflowError, ValueError):
        # Too many digits for int() or float(), or too large for timedelta: longer than any limit.
        value = MAX_DURATION + timedelta(days=1)
    if value > MAX_DURATION:
        raise ValueError(f"'{text[:50]}' is longer than {MAX_DURATION.days} days")
    return value


def format_duration(value: timedelta) -> str:
    """Print a duration the way Graph returns it: ``PT0S``, ``PT1H30M``, ``P1D``, ``P1DT2H``."""
    if value < timedelta(0):
        raise ValueError("durations are never negative")
    days = value.days
    seconds = value.seconds
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    date_part = f"{days}D" if days else ""
    time_part = ""
    if hours:
        time_part += f"{hours}H"
    if minutes:
        time_part += f"{minutes}M"
    if seconds or value.microseconds:
        fraction = f".{value.microseconds:06d}".rstrip("0") if value.microseconds else ""
        time_part += f"{seconds}{fraction}S"
    if not date_part and not time_part:
        return "PT0S"
    return "P" + date_part + ("T" + time_part if time_part else "")


_TIME_OF_DAY = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$")


def parse_time_of_day(text: str) -> time:
    """Parse Edm.TimeOfDay (``08:00:00.0000000``; ``08:00`` and ``08:00:00`` too)."""
    match = _TIME_OF_DAY.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"'{str(text)[:50]}' is not a time of day such as '08:00:00.0000000'")
    hour, minute, second, fraction = match.groups()
    microsecond = int((fraction or "0").ljust(7, "0")[:6])
    try:
        return time(int(hour), int(minute), int(second or 0), microsecond)
    except ValueError:
        raise ValueError(f"'{text[:50]}' is not a valid time of day") from None


def format_time_of_day(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}0"


def parse_date(text: str) -> date:
    """Parse Edm.Date (``2025-01-31``)."""
    try:
        if not isinstance(text, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{str(text)[:50]}' is not a date such as '2025-01-31'") from None


def format_date(value: date) -> str:
    return value.isoformat()


_DATETIME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<time>\d{2}:\d{2}(?::\d{2})?)(?:\.(?P<fraction>\d{1,9}))?"
    r"(?P<offset>Z|z|[+-]\d{2}:?\d{2})?$"
)


def _parse_wall_clock(text: str) -> tuple[datetime, bool]:
    """Split an ISO 8601 date-time into a datetime and whether it carried its own offset."""
    match = _DATETIME.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"'{str(text)[:50]}' is not an ISO 8601 date-time such as '2025-05-01T12:00:00Z'")
    fraction = (match["fraction"] or "").ljust(6, "0")[:6]
    offset = match["offset"] or ""
    if offset in ("Z", "z"):
        offset = "+00:00"
    elif offset and ":" not in offset:
        offset = offset[:3] + ":" + offset[3:]
    iso = f"{match['date']}T{match['time']}{'.' + fraction if fraction else ''}{offset}"
    try:
        return datetime.fromisoformat(iso), bool(offset)
    except ValueError:
        raise ValueError(f"'{text[:50]}' is not a valid date-time") from None


# Appointment times and calendar windows outside these years are mistakes; refusing them also keeps
# every later step (buffers, windows, zone conversion) clear of datetime's year 1 and 9999 edges.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


def _to_utc(value: datetime, text: str) -> datetime:
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST <= utc < LATEST:
        raise ValueError(f"'{text[:50]}' is outside the years {EARLIEST.year}-{LATEST.year - 1}")
    return utc


def parse_datetime_offset(text: str, *, naive_zone: ZoneInfo | None = None) -> datetime:
    """Parse a DateTimeOffset (``2018-04-30T00:00:00Z``, ``2017-12-31T16:00:00-08:00``) to UTC.

    A value without an offset is read in ``naive_zone`` (UTC unless given).
    """
    value, has_offset = _parse_wall_clock(text)
    if not has_offset:
        value = value.replace(tzinfo=naive_zone or UTC)
    return _to_utc(value, text)


def format_datetime_offset(value: datetime) -> str:
    """Print an aware datetime as Graph's UTC DateTimeOffset (``2014-01-01T00:00:00Z``)."""
    # isoformat(), not strftime("%Y"): the latter does not pad years before 1000 (Graph's unset
    # "0001-01-01T00:00:00Z" would come out as "1-01-01…", which no parser accepts).
    return (
        value.astimezone(UTC).replace(tzinfo=None, microsecond=0).isoformat()
        + (f".{value.microsecond:06d}".rstrip("0") if value.microsecond else "")
        + "Z"
    )


@lru_cache(maxsize=512)
def resolve_time_zone(name: str) -> ZoneInfo:
    """Return the zone for an IANA name (``America/Chicago``), a Windows name (``Pacific Standard
    Time``) or ``UTC``: Graph uses all three."""
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise ValueError("a time zone name is required")
    cleaned = name.strip()
    if cleaned.upper() in {"UTC", "Z", "GMT", "ETC/UTC"}:
        return ZoneInfo("UTC")
    candidate = win_tz.get(cleaned, cleaned)
    try:
        return ZoneInfo(candidate)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"'{cleaned[:50]}' is not a known time zone") from None


def is_time_zone(name: str) -> bool:
    try:
        resolve_time_zone(name)
    except ValueError:
        return False
    return True


def parse_datetime_time_zone(value: object) -> datetime:
    """Read a Graph dateTimeTimeZone object as an aware UTC datetime.

    An offset inside ``dateTime`` wins (Microsoft's request samples send ``…+00:00``); otherwise the
    wall-clock time is read in ``timeZone``.
    """
    if not isinstance(value, dict):
        raise ValueError("expected a dateTimeTimeZone object with 'dateTime' and 'timeZone'")
    raw = value.get("dateTime")
    if not isinstance(raw, str):
        raise ValueError("'dateTime' is required and must be a string")
    wall, has_offset = _parse_wall_clock(raw)
    if has_offset:
        return _to_utc(wall, raw)
    zone_name = value.get("timeZone") or "UTC"
    if not isinstance(zone_name, str):
        # Checked here: resolve_time_zone's cache would fail on an unhashable JSON list or object.
        raise ValueError("'timeZone' must be a string")
    zone = resolve_time_zone(zone_name)
    return _to_utc(wall.replace(tzinfo=zone), raw)


def format_datetime_time_zone(value: datetime) -> dict[str, str]:
    """Print an aware datetime the way Graph returns appointment times: UTC, seven digits, ``Z``."""
    utc = value.astimezone(UTC)
    wall = utc.replace(tzinfo=None, microsecond=0).isoformat()
    return {"dateTime": f"{wall}.{utc.microsecond:06d}0Z", "timeZone": "UTC"}
