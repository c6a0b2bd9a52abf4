"""Graph JSON <-> plain values for the calendar caches: calendarView appointments and
getStaffAvailability busy time.

Pure functions over plain data (no ORM, no I/O, no clock), like ``mapping``, whose reader they reuse.
What an appointment cannot do without is strict: an item without a usable ``id``, start or end raises
``MappingError`` and is skipped by the caller. Everything else is read leniently, because skipping an
appointment Bookings holds would leave its time bookable here: a member that cannot be read is left
out (the model default stands) with a warning.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from .. import isoformats
from ..enums import PriceType
from ..values import Location, QuestionAnswer, read_many
from .mapping import MAX_RELATED_IDS, MappedItem, MappingError, _Reader

# getStaffAvailability statuses that are not busy time (Graph's samples capitalise them).
FREE_STATUSES = frozenset({"available", "slotsavailable"})
BUSY = "busy"
OUT_OF_OFFICE = "outOfOffice"
UNKNOWN = "unknown"
MAX_CUSTOMERS = 1000

# Display names getStaffAvailability puts in ``timeZone``: "(UTC-08:00) Pacific Time (US & Canada)".
_DISPLAY_ZONE = re.compile(r"^\(UTC(?:(?P<sign>[+-])(?P<h>\d{1,2}):(?P<m>\d{2}))?\)")


@dataclasses.dataclass(frozen=True)
class CustomerInfo:
    """One ``bookingCustomerInformation`` of an appointment, snake_case; ``customer_id`` is Graph's."""

    customer_id: str | None = None
    name: str = ""
    email_address: str = ""
    phone: str = ""
    notes: str = ""
    time_zone: str = ""
    location: Location | None = None
    custom_question_answers: tuple[QuestionAnswer, ...] = ()


@dataclasses.dataclass(frozen=True)
class MappedAppointment(MappedItem):
    """An appointment from calendarView: ``fields`` for ``Appointment`` (``start``/``end`` always
    present) plus its relations by Graph id."""

    service_id: str | None = None
    staff_member_ids: tuple[str, ...] = ()
    customers: tuple[CustomerInfo, ...] = ()


@dataclasses.dataclass(frozen=True)
class BusyItem:
    """A range getStaffAvailability reports a staff member (Graph id) as not available, in UTC."""

    staff_id: str
    start: datetime
    end: datetime
    status: str  # BUSY, OUT_OF_OFFICE or UNKNOWN


# --- Requests --------------------------------------------------------------------------------------


def calendar_view_params(start: datetime, end: datetime) -> dict[str, str]:
    """The ``start``/``end`` query of calendarView (contract §5.3), as UTC DateTimeOffsets."""
    return {"start": isoformats.format_datetime_offset(start), "end": isoformats.format_datetime_offset(end)}


def staff_availability_request(staff_ids: list[str], start: datetime, end: datetime) -> dict[str, Any]:
    """The body of ``POST …/getStaffAvailability`` for ``staff_ids`` over ``[start, end)``."""
    return {"staffIds": list(staff_ids), "startDateTime": _plain_dtz(start), "endDateTime": _plain_dtz(end)}


def _plain_dtz(value: datetime) -> dict[str, str]:
    """dateTimeTimeZone as Microsoft's request samples write it: wall clock and a zone name."""
    return {"dateTime": value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"}


# --- calendarView --------------------------------------------------------------------------------


def appointment_fields(data: Any) -> MappedAppointment:
    """A ``bookingAppointment`` as calendarView lists it -> ``Appointment`` fields and relations.

    Start and end accept the v1.0 names (``startDateTime``) and the beta ones newer docs show
    (``start``); an appointment must end after it starts. By-id-only members (reminders, notes) are
    not read: lists leave them empty.
    """
    reader = _Reader(data, "bookingAppointment")
    graph_id = reader.graph_id(max_length=512)
    start = _required_time(data, "startDateTime", "start")
    end = _required_time(data, "endDateTime", "end")
    if end <= start:
        raise MappingError("endDateTime", "must be later than startDateTime")
    reader.fields.update(start=start, end=end)
    lenient = _Lenient(reader)
    lenient.text("serviceName", "service_name", 255)
    lenient.value("serviceLocation", "service_location", Location, nullable=True)
    lenient.duration("preBuffer", "pre_buffer")
    lenient.duration("postBuffer", "post_buffer")
    lenient.number("price", "price")
    lenient.choice("priceType", "price_type", PriceType)
    lenient.integer("maximumAttendeesCount", "maximum_attendees_count", minimum=1)
    lenient.text("customerTimeZone", "customer_time_zone", 64)
    lenient.flag("optOutOfCustomerEmail", "opt_out_of_customer_email")
    lenient.flag("smsNotificationsEnabled", "sms_notifications_enabled")
    lenient.flag("isLocationOnline", "is_location_online")
    lenient.flag("isCustomerAllowedToManageBooking", "is_customer_allowed_to_manage_booking")
    lenient.text("joinWebUrl", "join_web_url", 2000, nullable=True)
    lenient.text("anonymousJoinWebUrl", "anonymous_join_web_url", 2000, nullable=True)
    lenient.text("selfServiceAppointmentId", "self_service_appointment_id", 64)
    lenient.text("additionalInformation", "additional_information", 4000)
    lenient.text("appointmentLabel", "appointment_label", 255)
    lenient.flag("isCancelled", "is_cancelled")  # not in v1.0; honoured should a version send it
    reader.timestamps()
    for name in ("pre_buffer", "post_buffer"):
        if name in reader.fields and reader.fields[name] > timedelta(days=1):
            reader.warnings.append(f"{name}: longer than a day; read as none")
            reader.fields.pop(name)
    service_id = lenient.call(lambda: _service_id(data.get("serviceId")), "serviceId")
    staff_ids = lenient.call(
        lambda: reader.strings("staffMemberIds", max_items=MAX_RELATED_IDS, max_length=512), "staffMemberIds"
    )
    customers = _customers(data, reader.warnings)
    return MappedAppointment(
        graph_id,
        reader.fields,
        tuple(reader.warnings),
        service_id=service_id,
        staff_member_ids=tuple(dict.fromkeys(staff_ids or ())),
        customers=customers,
    )


def _required_time(data: dict[str, Any], member: str, alias: str) -> datetime:
    name = member if member in data or alias not in data else alias
    raw = data.get(name)
    if raw is None:
        raise MappingError(member, "is required")
    try:
        return isoformats.parse_datetime_time_zone(raw)
    except ValueError as error:
        raise MappingError(name, str(error)) from None


def _service_id(raw: Any) -> str | None:
    """Graph sends ``""`` for an appointment without a service."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or len(raw) > 512:
        raise MappingError("serviceId", "expected a string id")
    return raw


class _Lenient:
    """Runs a ``_Reader`` method, turning a ``MappingError`` into a warning (member left out)."""

    def __init__(self, reader: _Reader) -> None:
        self.reader = reader

    def call(self, read: Any, member: str) -> Any:
        try:
            return read()
        except MappingError as error:
            self.reader.warnings.append(f"{error}; ignored")
            return None

    def __getattr__(self, method: str) -> Any:
        read = getattr(self.reader, method)
        return lambda member, *args, **kwargs: self.call(lambda: read(member, *args, **kwargs), member)


def _customers(data: dict[str, Any], warnings: list[str]) -> tuple[CustomerInfo, ...]:
    """``customers[]``; an appointment listing none but naming one in the single-customer members
    (``customerName``…) gets that one. Unreadable entries are dropped with a warning."""
    raw = data.get("customers")
    if raw is not None and not isinstance(raw, list):
        warnings.append("customers: expected a list; ignored")
        raw = None
    raw = (raw or [])[:MAX_CUSTOMERS]
    if not raw and (data.get("customerName") or data.get("customerEmailAddress")):
        raw = [
            {
                "name": data.get("customerName"),
                "emailAddress": data.get("customerEmailAddress"),
                "phone": data.get("customerPhone"),
                "timeZone": data.get("customerTimeZone"),
            }
        ]
    customers = []
    for index, item in enumerate(raw):
        path = f"customers[{index}]"
        if not isinstance(item, dict):
            warnings.append(f"{path}: expected a JSON object; ignored")
            continue
        customers.append(_customer(item, path, warnings))
    return tuple(customers)


def _customer(item: dict[str, Any], path: str, warnings: list[str]) -> CustomerInfo:
    def text(member: str, max_length: int) -> str:
        value = item.get(member)
        if value is None:
            return ""
        if not isinstance(value, str) or len(value) > max_length:
            warnings.append(f"{path}.{member}: expected a string of at most {max_length} characters; ignored")
            return ""
        return value

    def value(reader: Any, member: str, empty: Any) -> Any:
        raw = item.get(member)
        if raw is None:
            return empty
        try:
            return reader(raw, f"{path}.{member}")
        except ValueError as error:
            warnings.append(f"{error}; ignored")
            return empty

    customer_id = text("customerId", 512) or None
    return CustomerInfo(
        customer_id=customer_id,
        name=text("name", 255),
        email_address=text("emailAddress", 320),
        phone=text("phone", 64),
        notes=text("notes", 4000),
        time_zone=text("timeZone", 64),
        location=value(Location.from_graph, "location", None),
        custom_question_answers=value(
            lambda raw, where: read_many(QuestionAnswer, raw, where), "customQuestionAnswers", ()
        ),
    )


# --- getStaffAvailability -------------------------------------------------------------------------


def busy_items(response: Any, *, business_zone: ZoneInfo) -> tuple[list[BusyItem], list[str]]:
    """The busy ranges of a getStaffAvailability answer, and a message for each part skipped.

    The collection is ``value`` (what the SDK reads) or ``staffAvailabilityItem`` (the docs'
    sample). Ranges whose status is ``available``/``slotsAvailable`` (any case) are not busy;
    ``busy`` and ``outOfOffice`` are kept as such, any other status as ``unknown``. Times come in
    the zone named beside them, possibly a display name (see ``availability_zone``).
    """
    if not isinstance(response, dict):
        raise MappingError("", "expected a JSON object")
    staff = response.get("value", response.get("staffAvailabilityItem"))
    if not isinstance(staff, list):
        raise MappingError("value", "expected a list of staffAvailabilityItem")
    items: list[BusyItem] = []
    problems: list[str] = []
    for index, entry in enumerate(staff):
        staff_id = entry.get("staffId") if isinstance(entry, dict) else None
        ranges = entry.get("availabilityItems") if isinstance(entry, dict) else None
        if not isinstance(staff_id, str) or not staff_id or not isinstance(ranges, list):
            problems.append(f"value[{index}]: expected staffId and availabilityItems; skipped")
            continue
        for position, item in enumerate(ranges):
            try:
                busy = _busy_item(staff_id, item, business_zone)
            except MappingError as error:
                problems.append(f"{staff_id} availabilityItems[{position}]: {error}; skipped")
                continue
            if busy is not None:
                items.append(busy)
    return items, problems


def _busy_item(staff_id: str, item: Any, business_zone: ZoneInfo) -> BusyItem | None:
    if not isinstance(item, dict):
        raise MappingError("", "expected a JSON object")
    status = item.get("status")
    if not isinstance(status, str):
        raise MappingError("status", "expected a string")
    if status.lower() in FREE_STATUSES:
        return None
    start = _availability_time(item.get("startDateTime"), "startDateTime", business_zone)
    end = _availability_time(item.get("endDateTime"), "endDateTime", business_zone)
    if end <= start:
        raise MappingError("endDateTime", "must be later than startDateTime")
    kind = {"busy": BUSY, "outofoffice": OUT_OF_OFFICE}.get(status.lower(), UNKNOWN)
    return BusyItem(staff_id, start, end, kind)


def _availability_time(raw: Any, member: str, business_zone: ZoneInfo) -> datetime:
    if not isinstance(raw, dict) or not isinstance(raw.get("dateTime"), str):
        raise MappingError(member, "expected a dateTimeTimeZone object")
    zone_name = raw.get("timeZone")
    try:
        zone = availability_zone(zone_name if isinstance(zone_name, str) else "", business_zone)
        return isoformats.parse_datetime_offset(raw["dateTime"], naive_zone=zone)
    except ValueError as error:
        raise MappingError(member, str(error)) from None


def availability_zone(name: str, business_zone: ZoneInfo) -> tzinfo:
    """The zone of a getStaffAvailability time: an IANA, Windows or ``UTC`` name as anywhere else,
    or the display name Graph uses there ("(UTC-08:00) Pacific Time (US & Canada)").

    A display name carries only the standard offset. Graph answers in the business's zone, so when
    the business's zone has that standard offset it is taken (daylight saving then comes out
    right); otherwise the fixed offset is the best reading there is. No name at all means UTC.
    """
    if not name.strip():
        return UTC
    if isoformats.is_time_zone(name):
        return isoformats.resolve_time_zone(name)
    match = _DISPLAY_ZONE.match(name.strip())
    if not match:
        raise ValueError(f"'{name[:50]}' is not a known time zone")
    minutes = int(match["h"] or 0) * 60 + int(match["m"] or 0)
    offset = timedelta(minutes=-minutes if match["sign"] == "-" else minutes)
    if _standard_offset(business_zone) == offset:
        return business_zone
    return timezone(offset) if offset else UTC


def _standard_offset(zone: ZoneInfo) -> timedelta | None:
    """The zone's offset when daylight saving is off (looked up in January and July of 2025)."""
    for month in (1, 7):
        moment = datetime(2025, month, 15, 12, tzinfo=zone)
        if not moment.dst():
            return moment.utcoffset()
    return None
