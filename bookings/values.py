"""Graph's complex types (address, work hours, scheduling policy, …) as frozen dataclasses.

Each type reads itself from Graph JSON (``from_graph``) and writes itself back (``to_graph``), with
snake_case attributes inside and Graph's camelCase names on the wire. The reading is strict about
what matters (types, enum values, durations, times) and lenient about what Graph itself is lenient
about: unknown members and ``@odata.type`` annotations are ignored, ``null`` means "the default".

Models store these values in JSON columns (``bookings.fields.ValueField``), the API and the Graph
client use the same codecs, so a format is parsed in one place only.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from datetime import date, time, timedelta
from functools import cache
from typing import Any, ClassVar, Self

from django.db import models

from . import isoformats
from .enums import (
    UNKNOWN_FUTURE_VALUE,
    AnswerInputType,
    DayOfWeek,
    PageAccessControl,
    ReminderRecipients,
    ServiceAvailabilityType,
)

DEFAULT_MAX_LENGTH = 500


class GraphValueError(ValueError):
    """A Graph JSON value that cannot be read; ``path`` names the offending member."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)


def camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def text(max_length: int = DEFAULT_MAX_LENGTH, default: str | None = "") -> Any:
    """A string member with a length limit (huge strings are refused, not truncated)."""
    return dataclasses.field(default=default, metadata={"max_length": max_length})


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _is_optional(annotation: Any) -> tuple[bool, Any]:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(args) == 1:
            return True, args[0]
    return False, annotation


def _decode(annotation: Any, raw: Any, path: str, max_length: int, writing: bool) -> Any:
    """Decode one JSON member according to its Python annotation.

    ``writing``: the JSON comes from a client changing data, which may not write
    ``unknownFutureValue`` (Graph itself may send it, so reading what Graph sent accepts it).
    """
    optional, inner = _is_optional(annotation)
    if raw is None:
        if optional:
            return None
        raise GraphValueError(path, "must not be null")
    if typing.get_origin(inner) is tuple:
        (item_type, _ellipsis) = typing.get_args(inner)
        if not isinstance(raw, list):
            raise GraphValueError(path, "expected a JSON array")
        if len(raw) > 1000:
            raise GraphValueError(path, "too many items")
        return tuple(
            _decode(item_type, item, f"{path}[{i}]", max_length, writing) for i, item in enumerate(raw)
        )
    if isinstance(inner, type) and issubclass(inner, GraphValue):
        return inner.from_graph(raw, path, writing=writing)
    if isinstance(inner, type) and issubclass(inner, models.TextChoices):
        writable = [value for value in inner.values if not (writing and value == UNKNOWN_FUTURE_VALUE)]
        if not isinstance(raw, str) or raw not in writable:
            allowed = ", ".join(writable)
            raise GraphValueError(path, f"'{str(raw)[:50]}' is not one of: {allowed}")
        return inner(raw)
    if inner is bool:
        if not isinstance(raw, bool):
            raise GraphValueError(path, "expected true or false")
        return raw
    if inner is int:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise GraphValueError(path, "expected an integer")
        return raw
    if inner is float:
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
            raise GraphValueError(path, "expected a number")
        return float(raw)
    if inner is str:
        if not isinstance(raw, str):
            raise GraphValueError(path, "expected a string")
        if len(raw) > max_length:
            raise GraphValueError(path, f"is longer than {max_length} characters")
        return raw
    parser = {
        timedelta: isoformats.parse_duration,
        time: isoformats.parse_time_of_day,
        date: isoformats.parse_date,
    }
    if inner in parser:
        try:
            return parser[inner](raw)
        except ValueError as error:
            raise GraphValueError(path, str(error)) from None
    raise TypeError(f"no Graph codec for {inner!r}")  # a programming error, not bad input


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, models.TextChoices):
        return value.value
    if isinstance(value, str):
        return value
    if isinstance(value, tuple | list):
        return [_encode(item) for item in value]
    if isinstance(value, GraphValue):
        return value.to_graph()
    if isinstance(value, timedelta):
        return isoformats.format_duration(value)
    if isinstance(value, time):
        return isoformats.format_time_of_day(value)
    if isinstance(value, date):
        return isoformats.format_date(value)
    raise TypeError(f"cannot encode {type(value)!r}")


class GraphValue:
    """Base of the frozen dataclasses below: the generic Graph JSON codec."""

    graph_names: ClassVar[dict[str, str]] = {}

    @classmethod
    @cache
    def _members(cls) -> tuple[tuple[str, str, Any, int, bool], ...]:
        hints = typing.get_type_hints(cls)
        members = []
        for field in dataclasses.fields(cls):  # type: ignore[arg-type]
            has_default = (
                field.default is not dataclasses.MISSING or field.default_factory is not dataclasses.MISSING
            )
            members.append(
                (
                    field.name,
                    cls.graph_names.get(field.name, camel_case(field.name)),
                    hints[field.name],
                    field.metadata.get("max_length", DEFAULT_MAX_LENGTH),
                    has_default,
                )
            )
        return tuple(members)

    @classmethod
    def from_graph(cls, data: Any, path: str = "", *, writing: bool = False) -> Self:
        """Read Graph JSON; raise ``GraphValueError`` naming the member that is wrong."""
        if isinstance(data, cls):
            return data
        if not isinstance(data, dict):
            raise GraphValueError(path, "expected a JSON object")
        kwargs = {}
        for name, wire_name, annotation, max_length, has_default in cls._members():
            member_path = _join(path, wire_name)
            if wire_name not in data or (
                data[wire_name] is None and has_default and not _is_optional(annotation)[0]
            ):
                if not has_default:
                    raise GraphValueError(member_path, "is required")
                continue
            kwargs[name] = _decode(annotation, data[wire_name], member_path, max_length, writing)
        value = cls(**kwargs)
        try:
            value.validate()
        except ValueError as error:
            if isinstance(error, GraphValueError):
                # validate() names members relative to this value; prefix where this value sits.
                raise GraphValueError(_join(path, error.path), error.message) from None
            raise GraphValueError(path, str(error)) from None
        return value

    def to_graph(self) -> dict[str, Any]:
        return {wire: _encode(getattr(self, name)) for name, wire, *_ in self._members()}

    def validate(self) -> None:
        """Cross-member rules; raise ``ValueError``. Single members are checked while decoding."""


def read_many(value_type: type[GraphValue], data: Any, path: str = "", *, writing: bool = False) -> tuple:
    """Read a Graph collection of complex values (``businessHours``, ``phones``, …)."""
    return _decode(tuple[value_type, ...], data, path, DEFAULT_MAX_LENGTH, writing)


def write_many(values: typing.Iterable[GraphValue]) -> list[dict[str, Any]]:
    return [value.to_graph() for value in values]


# --- Addresses, locations, phones -------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PhysicalAddress(GraphValue):
    street: str = text()
    city: str = text(200)
    state: str = text(200)
    country_or_region: str = text(200)
    postal_code: str = text(40)
    # Beta members that Bookings samples still send; kept so they round-trip.
    post_office_box: str | None = text(200, default=None)
    type: str | None = text(40, default=None)


@dataclasses.dataclass(frozen=True)
class OutlookGeoCoordinates(GraphValue):
    latitude: float | None = None
    longitude: float | None = None
    altitude: float | None = None
    accuracy: float | None = None
    altitude_accuracy: float | None = None

    def validate(self) -> None:
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            raise GraphValueError("latitude", "must be between -90 and 90")
        if self.longitude is not None and not -180 <= self.longitude <= 180:
            raise GraphValueError("longitude", "must be between -180 and 180")


@dataclasses.dataclass(frozen=True)
class Location(GraphValue):
    display_name: str | None = text(default=None)
    location_email_address: str | None = text(320, default=None)
    location_uri: str = text(2000)  # Graph answers "" where a client sent null
    location_type: str | None = text(40, default=None)
    unique_id: str | None = text(500, default=None)
    unique_id_type: str | None = text(40, default=None)
    # Graph answers with these objects (empty) even where a client sent null.
    address: PhysicalAddress = PhysicalAddress()
    coordinates: OutlookGeoCoordinates = OutlookGeoCoordinates()


@dataclasses.dataclass(frozen=True)
class Phone(GraphValue):
    number: str = text(64)
    type: str | None = text(40, default=None)


# --- Hours and policies -----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class WorkTimeSlot(GraphValue):
    start_time: time
    end_time: time

    def validate(self) -> None:
        # 00:00 as an end time means "until midnight".
        if self.end_time != time(0) and self.end_time <= self.start_time:
            raise ValueError("endTime must be later than startTime")


@dataclasses.dataclass(frozen=True)
class WorkHours(GraphValue):
    day: DayOfWeek
    time_slots: tuple[WorkTimeSlot, ...] = ()


def validate_week(hours: typing.Iterable[WorkHours]) -> None:
    """A week names each day at most once."""
    days = [entry.day for entry in hours]
    if len(days) != len(set(days)):
        raise ValueError("each day of the week may appear only once")


def standard_week(start: time = time(8), end: time = time(17)) -> tuple[WorkHours, ...]:
    """Monday to Friday, 08:00-17:00: what Bookings gives a new business and staff member."""
    slot = (WorkTimeSlot(start_time=start, end_time=end),)
    weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday"]
    return tuple(
        WorkHours(day=DayOfWeek(day), time_slots=slot if day in weekdays else ())
        for day in ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    )


@dataclasses.dataclass(frozen=True)
class BookingsAvailability(GraphValue):
    availability_type: ServiceAvailabilityType = ServiceAvailabilityType.BOOK_WHEN_STAFF_ARE_FREE
    business_hours: tuple[WorkHours, ...] | None = None

    def validate(self) -> None:
        if self.business_hours:
            validate_week(self.business_hours)


@dataclasses.dataclass(frozen=True)
class BookingsAvailabilityWindow(BookingsAvailability):
    start_date: date | None = None
    end_date: date | None = None

    def validate(self) -> None:
        super().validate()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("endDate must not be before startDate")


@dataclasses.dataclass(frozen=True)
class SchedulingPolicy(GraphValue):
    time_slot_interval: timedelta = timedelta(minutes=30)
    minimum_lead_time: timedelta = timedelta(days=1)
    maximum_advance: timedelta = timedelta(days=365)
    send_confirmations_to_owner: bool = True
    allow_staff_selection: bool = True
    is_meeting_invite_to_customers_enabled: bool = False
    general_availability: BookingsAvailability | None = None
    custom_availabilities: tuple[BookingsAvailabilityWindow, ...] = ()

    def validate(self) -> None:
        if self.time_slot_interval < timedelta(minutes=1):
            raise GraphValueError("timeSlotInterval", "must be at least one minute")
        if self.maximum_advance < self.minimum_lead_time:
            raise GraphValueError("maximumAdvance", "must not be shorter than minimumLeadTime")

    def to_graph(self) -> dict[str, Any]:
        # Graph leaves out the newer members when they hold nothing, as in Microsoft's samples.
        data = super().to_graph()
        if self.general_availability is None:
            data.pop("generalAvailability")
        if not self.custom_availabilities:
            data.pop("customAvailabilities")
        return data


@dataclasses.dataclass(frozen=True)
class Reminder(GraphValue):
    offset: timedelta
    recipients: ReminderRecipients = ReminderRecipients.ALL_ATTENDEES
    message: str = text(2000)


@dataclasses.dataclass(frozen=True)
class BookingPageSettings(GraphValue):
    access_control: PageAccessControl = PageAccessControl.UNRESTRICTED
    booking_page_color_code: str | None = text(7, default=None)
    business_time_zone: str | None = text(100, default=None)
    customer_consent_message: str | None = text(2000, default=None)
    enforce_one_time_password: bool = False
    is_business_logo_display_enabled: bool = False
    is_customer_consent_enabled: bool = False
    is_search_engine_indexability_disabled: bool = False
    is_time_slot_time_zone_set_to_business_time_zone: bool = False
    privacy_policy_web_url: str | None = text(2000, default=None)
    terms_and_conditions_web_url: str | None = text(2000, default=None)

    def validate(self) -> None:
        color = self.booking_page_color_code
        if color and not (
            len(color) == 7 and color[0] == "#" and all(c in "0123456789abcdefABCDEF" for c in color[1:])
        ):
            raise GraphValueError("bookingPageColorCode", "must look like '#RRGGBB'")
        if self.business_time_zone and not isoformats.is_time_zone(self.business_time_zone):
            raise GraphValueError("businessTimeZone", f"'{self.business_time_zone}' is not a known time zone")


@dataclasses.dataclass(frozen=True)
class QuestionAnswer(GraphValue):
    """A customer's answer to a custom question, as stored on the appointment."""

    question_id: str = text(100)
    question: str = text(1000)
    answer_input_type: AnswerInputType = AnswerInputType.TEXT
    answer_options: tuple[str, ...] = ()
    is_required: bool = False
    answer: str | None = text(4000, default=None)
    selected_options: tuple[str, ...] = ()
