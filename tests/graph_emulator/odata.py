"""Graph's wire conventions the emulator shares across handlers: OData error bodies, ISO 8601
durations, ``dateTimeTimeZone`` values and instance annotations.

Everything here is pure (no state, no sockets) so that handlers, the batch runner and the seeding
helpers format values identically — the emulator is an oracle, and one formatting rule per value
keeps it from contradicting itself.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

JSON_CONTENT_TYPE = (
    "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"
)


class GraphError(Exception):
    """A failure answered with Graph's OData error object (``{"error": {code, message, innerError}}``).

    Raised anywhere below the HTTP layer; the pipeline turns it into a response so that handlers
    never format errors themselves."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def bad_request(message: str, code: str = "invalidRequest") -> GraphError:
    return GraphError(400, code, message)


def error_body(code: str, message: str, request_id: str, client_request_id: str | None) -> dict[str, Any]:
    """Graph's error envelope; ``innerError`` carries the ids support asks for (and clients log)."""
    return {
        "error": {
            "code": code,
            "message": message,
            "innerError": {
                "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
                "request-id": request_id,
                "client-request-id": client_request_id or request_id,
            },
        }
    }


def new_guid() -> str:
    return str(uuid.uuid4())


def now_iso() -> str:
    """DateTimeOffset members (``createdDateTime``…) as Graph writes them: UTC with ``Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def strip_annotations(value: Any) -> Any:
    """Drop instance annotations (``@odata.type``, ``priceType@odata.type``…) from a request body.

    Clients send them on creates (the docs always do); Graph does not store them, and the emulator
    re-adds ``@odata.type`` itself where Graph returns it."""
    if isinstance(value, dict):
        return {k: strip_annotations(v) for k, v in value.items() if "@" not in k}
    if isinstance(value, list):
        return [strip_annotations(v) for v in value]
    return value


def quoted_id(business_id: str) -> str:
    """A business id as Graph writes it inside ``@odata.context`` (``Contoso%40contoso.com``)."""
    return quote(business_id, safe="")


# --- ISO 8601 durations ---------------------------------------------------------------------------

_DURATION = re.compile(
    r"^(?P<sign>-)?P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)


def parse_duration(raw: Any, member: str) -> timedelta:
    """Any valid ISO 8601 day-time duration (``PT60M``, ``P1DT2H``, ``PT0S``); 400 otherwise.

    Years and months are refused: they have no fixed length, and Bookings never uses them."""
    match = _DURATION.match(raw) if isinstance(raw, str) else None
    if not match or raw.endswith(("P", "T")):
        raise bad_request(f"{member}: '{raw}' is not a valid duration (ISO 8601, e.g. PT30M).")
    parts = {k: float(v) if v else 0.0 for k, v in match.groupdict().items() if k != "sign"}
    delta = timedelta(
        weeks=parts["weeks"],
        days=parts["days"],
        hours=parts["hours"],
        minutes=parts["minutes"],
        seconds=parts["seconds"],
    )
    return -delta if match["sign"] else delta


def format_duration(delta: timedelta) -> str:
    """The normalised form Graph answers with (``PT60M`` -> ``PT1H``, 0 -> ``PT0S``, ``P1DT2H``)."""
    total_us = delta // timedelta(microseconds=1)
    sign = "-" if total_us < 0 else ""
    total_us = abs(total_us)
    days, rest = divmod(total_us, 86_400_000_000)
    hours, rest = divmod(rest, 3_600_000_000)
    minutes, rest = divmod(rest, 60_000_000)
    seconds, micros = divmod(rest, 1_000_000)
    time = ""
    if hours:
        time += f"{hours}H"
    if minutes:
        time += f"{minutes}M"
    if seconds or micros:
        time += f"{seconds}.{micros:06d}".rstrip("0").rstrip(".") + "S"
    if not days and not time:
        return "PT0S"
    return f"{sign}P" + (f"{days}D" if days else "") + (f"T{time}" if time else "")


def normalise_duration(raw: Any, member: str) -> str:
    return format_duration(parse_duration(raw, member))


# --- dateTimeTimeZone --------------------------------------------------------------------------

# Windows zone names Graph accepts next to IANA names (the docs' samples use both kinds).
WINDOWS_ZONES = {
    "utc": "UTC",
    "coordinated universal time": "UTC",
    "gmt standard time": "Europe/London",
    "greenwich standard time": "Atlantic/Reykjavik",
    "w. europe standard time": "Europe/Berlin",
    "central europe standard time": "Europe/Budapest",
    "central european standard time": "Europe/Warsaw",
    "romance standard time": "Europe/Paris",
    "e. europe standard time": "Europe/Chisinau",
    "fle standard time": "Europe/Kiev",
    "gtb standard time": "Europe/Bucharest",
    "russian standard time": "Europe/Moscow",
    "turkey standard time": "Europe/Istanbul",
    "israel standard time": "Asia/Jerusalem",
    "egypt standard time": "Africa/Cairo",
    "south africa standard time": "Africa/Johannesburg",
    "arabian standard time": "Asia/Dubai",
    "india standard time": "Asia/Kolkata",
    "china standard time": "Asia/Shanghai",
    "singapore standard time": "Asia/Singapore",
    "tokyo standard time": "Asia/Tokyo",
    "korea standard time": "Asia/Seoul",
    "aus eastern standard time": "Australia/Sydney",
    "e. australia standard time": "Australia/Brisbane",
    "new zealand standard time": "Pacific/Auckland",
    "atlantic standard time": "America/Halifax",
    "eastern standard time": "America/New_York",
    "central standard time": "America/Chicago",
    "mountain standard time": "America/Denver",
    "us mountain standard time": "America/Phoenix",
    "pacific standard time": "America/Los_Angeles",
    "alaskan standard time": "America/Anchorage",
    "hawaiian standard time": "Pacific/Honolulu",
    "sa pacific standard time": "America/Bogota",
    "e. south america standard time": "America/Sao_Paulo",
}
_DISPLAY_OFFSET = re.compile(r"^\(UTC(?:(?P<sign>[+-])(?P<h>\d{2}):(?P<m>\d{2}))?\)")


def resolve_zone(name: Any, member: str) -> timezone | ZoneInfo:
    """A zone from an IANA name, a Windows name or a display name (``(UTC-08:00) Pacific…``)."""
    if not isinstance(name, str) or not name.strip():
        raise bad_request(f"{member}.timeZone is required.")
    mapped = WINDOWS_ZONES.get(name.strip().lower())
    if mapped == "UTC":
        return UTC
    display = _DISPLAY_OFFSET.match(name.strip())
    if display:
        minutes = int(display["h"] or 0) * 60 + int(display["m"] or 0)
        return timezone(timedelta(minutes=-minutes if display["sign"] == "-" else minutes))
    try:
        return ZoneInfo(mapped or name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise bad_request(f"{member}.timeZone: '{name}' is not a supported time zone.") from None


def parse_datetime_offset(raw: Any, member: str) -> datetime:
    """A DateTimeOffset query value (``2018-04-30T00:00:00Z`` or with an offset); naive means UTC."""
    if not isinstance(raw, str) or not raw:
        raise bad_request(f"{member} is required.", code="BadRequest")
    text = raw.strip().replace(" ", "+")  # an unencoded "+" in a query string arrives as a space
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise bad_request(f"{member}: '{raw}' is not a valid DateTimeOffset.", code="BadRequest") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def parse_dtz(raw: Any, member: str) -> datetime:
    """An aware UTC datetime from a ``dateTimeTimeZone`` object.

    An offset inside ``dateTime`` wins (the docs' requests send ``…+00:00``); otherwise the wall
    clock is read in ``timeZone``."""
    if not isinstance(raw, dict) or not isinstance(raw.get("dateTime"), str):
        raise bad_request(f"{member}: expected a dateTimeTimeZone object with dateTime and timeZone.")
    try:
        value = datetime.fromisoformat(raw["dateTime"].strip())
    except ValueError:
        raise bad_request(f"{member}.dateTime: '{raw['dateTime']}' is not a valid date and time.") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=resolve_zone(raw.get("timeZone"), member))
    return value.astimezone(UTC)


def format_dtz(value: datetime) -> dict[str, str]:
    """Appointment times as Graph returns them: UTC, seven fractional digits, ``Z``."""
    utc = value.astimezone(UTC)
    return {"dateTime": utc.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z", "timeZone": "UTC"}


def format_dtz_plain(value: datetime) -> dict[str, str]:
    """getStaffAvailability's style: no fraction, no offset (the zone is named beside it)."""
    return {"dateTime": value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"}
