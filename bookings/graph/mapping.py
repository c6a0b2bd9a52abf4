"""Graph JSON -> model field values for the definitions the portal mirrors.

Pure functions over plain data (no ORM, no I/O, no clock), so the rules for reading what Graph sends
live in one place and are tested against Microsoft's example bodies. Reading is lenient where Graph
says clients must be: unknown members and ``@odata`` annotations are ignored, an enum value this
code does not know becomes the model's ``unknownFutureValue`` with a warning, a member that is absent
is left out of the result (the local value is kept), and ``null`` means "none" or "the default".
What cannot be read (a missing id or displayName, a bad duration, a malformed complex value) raises
``MappingError`` naming the member, so the caller skips that one item and reports it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from typing import Any

from django.db import models

from .. import isoformats
from ..enums import UNKNOWN_FUTURE_VALUE, AnswerInputType, MembershipStatus, PriceType, StaffRole
from ..values import (
    BookingPageSettings,
    GraphValue,
    GraphValueError,
    Location,
    PhysicalAddress,
    Reminder,
    SchedulingPolicy,
    WorkHours,
    read_many,
    validate_week,
)

MAX_ANSWER_OPTIONS = 100
MAX_ANSWER_OPTION_LENGTH = 500
MAX_RELATED_IDS = 1000


class MappingError(ValueError):
    """An item Graph sent that cannot be mirrored; ``member`` names the offending JSON member."""

    def __init__(self, member: str, message: str) -> None:
        self.member = member
        self.message = message
        super().__init__(f"{member}: {message}" if member else message)


@dataclasses.dataclass(frozen=True)
class MappedItem:
    """One Graph item read into model field values.

    ``fields`` holds only what the JSON carried, so applying it never resets a member Graph left out.
    ``warnings`` describe values read with a fallback (worth showing, not worth skipping the item).
    """

    graph_id: str
    fields: dict[str, Any]
    warnings: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class QuestionAssignment:
    question_id: str
    is_required: bool = False


@dataclasses.dataclass(frozen=True)
class MappedService(MappedItem):
    """A service plus its relations, by Graph id: ``None`` when the JSON did not carry the member."""

    staff_member_ids: tuple[str, ...] | None = None
    question_assignments: tuple[QuestionAssignment, ...] | None = None


class _Reader:
    """Reads members of one Graph object into ``fields``; each method handles absent and null."""

    def __init__(self, data: Any, resource: str) -> None:
        if not isinstance(data, dict):
            raise MappingError("", f"expected a JSON object for a {resource}")
        self.data = data
        self.fields: dict[str, Any] = {}
        self.warnings: list[str] = []

    def _raw(self, member: str, *, required: bool = False) -> tuple[bool, Any]:
        """(present, value); a required member must be present and not null."""
        if member not in self.data:
            if required:
                raise MappingError(member, "is required")
            return False, None
        value = self.data[member]
        if value is None and required:
            raise MappingError(member, "must not be null")
        return True, value

    def graph_id(self, max_length: int) -> str:
        _present, value = self._raw("id", required=True)
        if not isinstance(value, str) or not value.strip():
            raise MappingError("id", "expected a non-empty string")
        if len(value) > max_length:
            raise MappingError("id", f"is longer than {max_length} characters")
        return value

    def text(
        self, member: str, field: str, max_length: int, *, required: bool = False, nullable: bool = False
    ) -> None:
        """A string; ``null`` is stored as None where the column allows it, else as ``""``."""
        present, value = self._raw(member, required=required)
        if not present:
            return
        if value is None:
            self.fields[field] = None if nullable else ""
            return
        if not isinstance(value, str):
            raise MappingError(member, "expected a string")
        if required and not value.strip():
            raise MappingError(member, "must not be empty")
        if len(value) > max_length:
            raise MappingError(member, f"is longer than {max_length} characters")
        self.fields[field] = value

    def flag(self, member: str, field: str) -> None:
        present, value = self._raw(member)
        if not present or value is None:
            return  # null: the model's default stands
        if not isinstance(value, bool):
            raise MappingError(member, "expected true or false")
        self.fields[field] = value

    def number(self, member: str, field: str) -> None:
        present, value = self._raw(member)
        if not present or value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise MappingError(member, "expected a number")
        self.fields[field] = float(value)

    def integer(self, member: str, field: str, *, minimum: int) -> None:
        present, value = self._raw(member)
        if not present or value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int):
            raise MappingError(member, "expected an integer")
        if value < minimum:
            # Graph has no meaning for it below the minimum; read it as the minimum, say so.
            self.warnings.append(f"{member}: {value} read as {minimum}")
            value = minimum
        self.fields[field] = value

    def duration(self, member: str, field: str) -> None:
        present, value = self._raw(member)
        if not present or value is None:
            return
        try:
            self.fields[field] = isoformats.parse_duration(value)
        except ValueError as error:
            raise MappingError(member, str(error)) from None

    def choice(
        self, member: str, field: str, choices: type[models.TextChoices], *, required: bool = False
    ) -> None:
        """An evolvable Graph enum: a value added after this code was written is not an error."""
        present, value = self._raw(member, required=required)
        if not present or value is None:
            return
        if not isinstance(value, str):
            raise MappingError(member, "expected a string")
        if value not in choices.values:
            self.warnings.append(f"{member}: unknown value '{value[:50]}' read as '{UNKNOWN_FUTURE_VALUE}'")
            value = UNKNOWN_FUTURE_VALUE
        self.fields[field] = choices(value)

    def value(self, member: str, field: str, value_type: type[GraphValue], *, nullable: bool) -> None:
        present, raw = self._raw(member)
        if not present or (raw is None and not nullable):
            return
        self.fields[field] = None if raw is None else _read(value_type.from_graph, raw, member)

    def many(self, member: str, field: str, value_type: type[GraphValue]) -> None:
        """A collection of complex values; ``null`` is an empty collection."""
        present, raw = self._raw(member)
        if present:
            self.fields[field] = () if raw is None else _read(_many_reader(value_type), raw, member)

    def week(self, member: str, field: str) -> None:
        """A week of hours (``businessHours``, ``workingHours``): each day at most once."""
        present, raw = self._raw(member)
        if not present or raw is None:
            return
        hours = _read(_many_reader(WorkHours), raw, member)
        try:
            validate_week(hours)
        except ValueError as error:
            raise MappingError(member, str(error)) from None
        self.fields[field] = hours

    def strings(self, member: str, *, max_items: int, max_length: int) -> tuple[str, ...] | None:
        """A list of strings (ids, answer options); ``None`` when the member is absent."""
        present, raw = self._raw(member)
        if not present:
            return None
        if raw is None:
            return ()
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            raise MappingError(member, "expected a list of strings")
        if len(raw) > max_items or any(len(item) > max_length for item in raw):
            raise MappingError(member, f"at most {max_items} strings of at most {max_length} characters")
        return tuple(raw)

    def timestamps(self) -> None:
        """``createdDateTime``/``lastUpdatedDateTime``; an unreadable one is left out, not fatal."""
        for member, field in (
            ("createdDateTime", "created_date_time"),
            ("lastUpdatedDateTime", "last_updated_date_time"),
        ):
            present, raw = self._raw(member)
            if not present or raw is None:
                continue
            try:
                self.fields[field] = isoformats.parse_datetime_offset(raw)
            except ValueError as error:
                self.warnings.append(f"{member}: {error}; ignored")


def _read(reader: Any, raw: Any, member: str) -> Any:
    """Run a ``bookings.values`` reader, turning its error into one that names the member."""
    try:
        return reader(raw, member)
    except GraphValueError as error:
        raise MappingError(error.path or member, error.message) from None


def _many_reader(value_type: type[GraphValue]) -> Any:
    return lambda raw, path: read_many(value_type, raw, path)


def business_fields(data: Any) -> MappedItem:
    """A ``bookingBusiness`` (by-id read) -> ``Business`` fields; ``graph_id`` is the mailbox address.

    Local-only fields (slug, time zone, sync state) are never in the result.
    """
    reader = _Reader(data, "bookingBusiness")
    graph_id = reader.graph_id(max_length=320)
    reader.text("displayName", "display_name", 255, required=True)
    reader.text("businessType", "business_type", 255)
    reader.text("email", "email", 320)
    reader.text("phone", "phone", 64)
    reader.text("webSiteUrl", "web_site_url", 2000)
    reader.value("address", "address", PhysicalAddress, nullable=True)
    reader.week("businessHours", "business_hours")
    reader.value("schedulingPolicy", "scheduling_policy", SchedulingPolicy, nullable=False)
    reader.text("defaultCurrencyIso", "default_currency_iso", 3)
    reader.text("languageTag", "language_tag", 35)
    reader.flag("isPublished", "is_published")
    reader.text("publicUrl", "public_url", 2000, nullable=True)
    reader.value("bookingPageSettings", "booking_page_settings", BookingPageSettings, nullable=True)
    reader.timestamps()
    return MappedItem(graph_id, reader.fields, tuple(reader.warnings))


def business_time_zone(fields: dict[str, Any]) -> str | None:
    """The IANA zone a newly mirrored business starts with, if its page settings name one.

    Graph keeps no zone at business level; ``bookingPageSettings.businessTimeZone`` may be a Windows
    name, which is stored as its IANA equivalent.
    """
    page = fields.get("booking_page_settings")
    name = page.business_time_zone if isinstance(page, BookingPageSettings) else None
    if not name or not isoformats.is_time_zone(name):
        return None
    return isoformats.resolve_time_zone(name).key


def service_fields(data: Any, *, listing: bool = False) -> MappedService:
    """A ``bookingService`` -> ``Service`` fields plus its staff and question ids (Graph's).

    ``listing``: the JSON comes from a list, where Graph leaves by-id-only members (``defaultReminders``)
    empty; they are then left out rather than read as "no reminders".
    """
    reader = _Reader(data, "bookingService")
    graph_id = reader.graph_id(max_length=512)
    reader.text("displayName", "display_name", 255, required=True)
    reader.text("description", "description", 4000)
    reader.text("notes", "notes", 4000)
    reader.text("additionalInformation", "additional_information", 4000)
    reader.duration("defaultDuration", "default_duration")
    reader.value("defaultLocation", "default_location", Location, nullable=True)
    reader.number("defaultPrice", "default_price")
    reader.choice("defaultPriceType", "default_price_type", PriceType)
    if not listing:
        reader.many("defaultReminders", "default_reminders", Reminder)
    reader.duration("preBuffer", "pre_buffer")
    reader.duration("postBuffer", "post_buffer")
    reader.value("schedulingPolicy", "scheduling_policy", SchedulingPolicy, nullable=True)
    reader.integer("maximumAttendeesCount", "maximum_attendees_count", minimum=1)
    reader.flag("isHiddenFromCustomers", "is_hidden_from_customers")
    reader.flag("isLocationOnline", "is_location_online")
    reader.flag("isAnonymousJoinEnabled", "is_anonymous_join_enabled")
    reader.flag("smsNotificationsEnabled", "sms_notifications_enabled")
    reader.flag("isCustomerAllowedToManageBooking", "is_customer_allowed_to_manage_booking")
    reader.text("languageTag", "language_tag", 35)
    reader.text("webUrl", "web_url", 2000, nullable=True)
    reader.timestamps()
    staff_ids = reader.strings("staffMemberIds", max_items=MAX_RELATED_IDS, max_length=512)
    return MappedService(
        graph_id,
        reader.fields,
        tuple(reader.warnings),
        staff_member_ids=tuple(dict.fromkeys(staff_ids)) if staff_ids is not None else None,
        question_assignments=_question_assignments(data.get("customQuestions", ...)),
    )


def _question_assignments(raw: Any) -> tuple[QuestionAssignment, ...] | None:
    """``customQuestions`` (``bookingQuestionAssignment[]``); a question assigned twice counts once."""
    if raw is ...:
        return None
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) > MAX_RELATED_IDS:
        raise MappingError("customQuestions", "expected a list of question assignments")
    assignments: dict[str, QuestionAssignment] = {}
    for index, item in enumerate(raw):
        path = f"customQuestions[{index}]"
        if not isinstance(item, dict):
            raise MappingError(path, "expected a JSON object")
        question_id, required = item.get("questionId"), item.get("isRequired")
        if not isinstance(question_id, str) or not question_id:
            raise MappingError(f"{path}.questionId", "expected a non-empty string")
        if required is not None and not isinstance(required, bool):
            raise MappingError(f"{path}.isRequired", "expected true or false")
        assignments.setdefault(question_id, QuestionAssignment(question_id, bool(required)))
    return tuple(assignments.values())


def staff_member_fields(data: Any) -> MappedItem:
    """A ``bookingStaffMember`` -> ``StaffMember`` fields (the portal user link is local only)."""
    reader = _Reader(data, "bookingStaffMember")
    graph_id = reader.graph_id(max_length=512)
    reader.text("displayName", "display_name", 255, required=True)
    reader.text("emailAddress", "email_address", 320, required=True)
    reader.choice("role", "role", StaffRole, required=True)
    reader.choice("membershipStatus", "membership_status", MembershipStatus)
    reader.text("timeZone", "time_zone", 64)
    reader.flag("useBusinessHours", "use_business_hours")
    reader.week("workingHours", "working_hours")
    reader.flag("availabilityIsAffectedByPersonalCalendar", "availability_is_affected_by_personal_calendar")
    reader.flag("isEmailNotificationEnabled", "is_email_notification_enabled")
    reader.timestamps()
    return MappedItem(graph_id, reader.fields, tuple(reader.warnings))


def custom_question_fields(data: Any) -> MappedItem:
    """A ``bookingCustomQuestion`` -> ``CustomQuestion`` fields."""
    reader = _Reader(data, "bookingCustomQuestion")
    graph_id = reader.graph_id(max_length=512)
    reader.text("displayName", "display_name", 1000, required=True)
    reader.choice("answerInputType", "answer_input_type", AnswerInputType)
    options = reader.strings(
        "answerOptions", max_items=MAX_ANSWER_OPTIONS, max_length=MAX_ANSWER_OPTION_LENGTH
    )
    if options is not None:
        reader.fields["answer_options"] = list(options)
    reader.timestamps()
    return MappedItem(graph_id, reader.fields, tuple(reader.warnings))


def business_ids(listing: Iterable[Any]) -> list[str]:
    """Mailbox ids from ``GET solutions/bookingBusinesses`` items (which carry only id and name).

    Items without a usable id are dropped; the same mailbox listed twice (in another case) once.
    """
    seen: dict[str, str] = {}
    for item in listing:
        graph_id = item.get("id") if isinstance(item, dict) else None
        if isinstance(graph_id, str) and graph_id.strip():
            seen.setdefault(graph_id.lower(), graph_id)
    return list(seen.values())
