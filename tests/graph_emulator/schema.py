"""What each Bookings entity looks like on the wire: its members, defaults, read-only and
"byId-only" members, and the validation Graph applies on write (400 for a bad value).

Normalisers take a request body (annotations already stripped) and return the stored form, which
is exactly what ``GET …/{id}`` returns minus ``@odata.context``. Unknown members are dropped, as
Graph ignores them; read-only members are never taken from a client.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .odata import bad_request, normalise_duration

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
PRICE_TYPES = (
    "undefined",
    "fixedPrice",
    "startingAt",
    "hourly",
    "free",
    "priceVaries",
    "callUs",
    "notSet",
    "unknownFutureValue",
)
STAFF_ROLES = (
    "guest",
    "administrator",
    "viewer",
    "externalGuest",
    "unknownFutureValue",
    "scheduler",
    "teamMember",
)
# Returned only to callers that send ``Prefer: include-unknown-enum-members`` (contract §4.7).
EVOLVED_ROLES = ("scheduler", "teamMember")
MEMBERSHIP = ("active", "pendingAcceptance", "rejectedByStaff", "unknownFutureValue")
RECIPIENTS = ("allAttendees", "staff", "customer", "unknownFutureValue")
ANSWER_TYPES = ("text", "radioButton", "unknownFutureValue")
READ_ONLY = frozenset(
    {
        "id",
        "isPublished",
        "publicUrl",
        "webUrl",
        "duration",
        "filledAttendeesCount",
        "createdDateTime",
        "lastUpdatedDateTime",
        "selfServiceAppointmentId",
    }
)

Normaliser = Callable[[Any, str], Any]


def string(value: Any, member: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise bad_request(f"{member}: expected a string, got {value!r}.")


def boolean(value: Any, member: str) -> bool:
    if isinstance(value, bool):
        return value
    raise bad_request(f"{member}: expected true or false, got {value!r}.")


def number(value: Any, member: str) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise bad_request(f"{member}: expected a number, got {value!r}.")


def integer(value: Any, member: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise bad_request(f"{member}: expected a non-negative integer, got {value!r}.")


def enum(values: tuple[str, ...]) -> Normaliser:
    def check(value: Any, member: str) -> str:
        if value in values:
            return value
        raise bad_request(f"{member}: cannot convert the literal {value!r} to one of {', '.join(values)}.")

    return check


def duration(value: Any, member: str) -> str:
    return normalise_duration(value, member)


def string_list(value: Any, member: str) -> list[str]:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise bad_request(f"{member}: expected an array of strings.")


def list_of(item: Normaliser) -> Normaliser:
    def check(value: Any, member: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise bad_request(f"{member}: expected an array.")
        return [item(v, f"{member}[{i}]") for i, v in enumerate(value)]

    return check


def _object(value: Any, member: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise bad_request(f"{member}: expected an object.")
    return value


def physical_address(value: Any, member: str) -> dict[str, Any] | None:
    """Business and customer addresses; ``type`` is echoed (v1.0 does not honour it)."""
    if value is None:
        return None
    raw = _object(value, member)
    out = {k: string(raw.get(k), f"{member}.{k}") or "" for k in ("postOfficeBox", "street", "city", "state")}
    out["countryOrRegion"] = string(raw.get("countryOrRegion"), f"{member}.countryOrRegion") or ""
    out["postalCode"] = string(raw.get("postalCode"), f"{member}.postalCode") or ""
    out["type"] = string(raw.get("type"), f"{member}.type")
    return out


def location_address(value: Any, member: str) -> dict[str, str]:
    raw = _object(value, member) if value is not None else {}
    keys = ("street", "city", "state", "countryOrRegion", "postalCode")
    return {k: string(raw.get(k), f"{member}.{k}") or "" for k in keys}


def location(value: Any, member: str) -> dict[str, Any] | None:
    """A ``location`` with every member Graph writes (``coordinates`` always an object)."""
    if value is None:
        return None
    raw = _object(value, member)
    out: dict[str, Any] = {"displayName": string(raw.get("displayName"), f"{member}.displayName") or ""}
    for key in ("locationEmailAddress", "locationType", "uniqueId", "uniqueIdType"):
        out[key] = string(raw.get(key), f"{member}.{key}")
    out["locationUri"] = string(raw.get("locationUri"), f"{member}.locationUri") or ""
    out["address"] = location_address(raw.get("address"), f"{member}.address")
    coordinates = raw.get("coordinates") or {}
    keys = ("altitude", "latitude", "longitude", "accuracy", "altitudeAccuracy")
    out["coordinates"] = {k: _object(coordinates, f"{member}.coordinates").get(k) for k in keys}
    return out


def phone(value: Any, member: str) -> dict[str, Any]:
    raw = _object(value, member)
    return {"number": string(raw.get("number"), f"{member}.number") or "", "type": raw.get("type") or "home"}


_TIME = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$")


def time_of_day(value: Any, member: str) -> str:
    """``TimeOfDay`` normalised to Graph's ``08:00:00.0000000``."""
    match = _TIME.match(value) if isinstance(value, str) else None
    if not match or int(match[1]) > 23 or int(match[2]) > 59 or int(match[3] or 0) > 59:
        raise bad_request(f"{member}: '{value}' is not a valid time of day (HH:MM:SS).")
    return f"{match[1]}:{match[2]}:{match[3] or '00'}.{(match[4] or '').ljust(7, '0')}"


def work_hours(value: Any, member: str) -> dict[str, Any]:
    raw = _object(value, member)
    day = raw.get("day")
    if not isinstance(day, str) or day.lower() not in DAYS:
        raise bad_request(f"{member}.day: {day!r} is not a day of the week.")
    slots = []
    for i, slot in enumerate(raw.get("timeSlots") or []):
        where = f"{member}.timeSlots[{i}]"
        start = time_of_day(_object(slot, where).get("startTime"), f"{where}.startTime")
        end = time_of_day(slot.get("endTime"), f"{where}.endTime")
        if end <= start:
            raise bad_request(f"{where}: endTime must be later than startTime.")
        slots.append({"startTime": start, "endTime": end})
    return {"day": day.lower(), "timeSlots": slots}


def reminder(value: Any, member: str) -> dict[str, Any]:
    raw = _object(value, member)
    return {
        "offset": duration(raw.get("offset", "PT0S"), f"{member}.offset"),
        "recipients": enum(RECIPIENTS)(raw.get("recipients", "allAttendees"), f"{member}.recipients"),
        "message": string(raw.get("message"), f"{member}.message") or "",
    }


def question_assignment(value: Any, member: str) -> dict[str, Any]:
    raw = _object(value, member)
    question_id = raw.get("questionId")
    if not isinstance(question_id, str) or not question_id:
        raise bad_request(f"{member}.questionId is required.")
    return {
        "questionId": question_id,
        "isRequired": boolean(raw.get("isRequired", False), f"{member}.isRequired"),
    }


DEFAULT_POLICY = {
    "timeSlotInterval": "PT30M",
    "minimumLeadTime": "P1D",
    "maximumAdvance": "P365D",
    "sendConfirmationsToOwner": True,
    "allowStaffSelection": True,
}


def scheduling_policy(value: Any, member: str) -> dict[str, Any] | None:
    """Null is kept (a service then inherits the business policy); missing members get defaults."""
    if value is None:
        return None
    raw = {**DEFAULT_POLICY, **_object(value, member)}
    out: dict[str, Any] = {}
    for key in ("timeSlotInterval", "minimumLeadTime", "maximumAdvance"):
        out[key] = duration(raw[key], f"{member}.{key}")
    for key in ("sendConfirmationsToOwner", "allowStaffSelection"):
        out[key] = boolean(raw[key], f"{member}.{key}")
    if "isMeetingInviteToCustomersEnabled" in raw:
        out["isMeetingInviteToCustomersEnabled"] = boolean(
            raw["isMeetingInviteToCustomersEnabled"], f"{member}.isMeetingInviteToCustomersEnabled"
        )
    for key in ("generalAvailability", "customAvailabilities"):
        if key in raw:
            out[key] = raw[key]
    return out


def any_value(value: Any, member: str) -> Any:
    return value


def default_hours() -> list[dict[str, Any]]:
    """Mon-Fri 08:00-17:00, weekend closed: what a new business or staff member gets."""
    open_day = [{"startTime": "08:00:00.0000000", "endTime": "17:00:00.0000000"}]
    return [
        {"day": day, "timeSlots": list(open_day) if day not in ("saturday", "sunday") else []} for day in DAYS
    ]


@dataclass(frozen=True)
class Kind:
    """One entity set of a business (``services``…): how its items are validated and rendered."""

    segment: str
    odata_type: str | None
    members: dict[str, tuple[Normaliser, Callable[[], Any]]]
    required: tuple[str, ...] = ()
    byid_only: dict[str, Any] = field(default_factory=dict)
    patch_returns_entity: bool = False

    def normalise(self, body: dict[str, Any], existing: dict[str, Any] | None = None) -> dict[str, Any]:
        """The stored form of ``body`` merged over ``existing`` (PATCH); 400 on a bad member."""
        merged = merge(existing or {}, body) if existing else dict(body)
        for name in self.required:
            value = merged.get(name)
            if value is None or (isinstance(value, str) and not value.strip()):
                raise bad_request(f"{name} is required.")
        out: dict[str, Any] = {"@odata.type": self.odata_type} if self.odata_type else {}
        for name, (check, default) in self.members.items():
            out[name] = check(merged[name], name) if name in merged else default()
        return out


def merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """OData PATCH: complex values merge member by member; primitives and collections replace."""
    out = dict(old)
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def _const(value: Any) -> Callable[[], Any]:
    return lambda: value


def _empty_list() -> list[Any]:
    return []


BUSINESS = Kind(
    segment="",
    odata_type=None,
    required=("displayName",),
    members={
        "displayName": (string, _const("")),
        "businessType": (string, _const("")),
        "phone": (string, _const("")),
        "email": (string, _const("")),
        "webSiteUrl": (string, _const("")),
        "languageTag": (string, _const("en-US")),
        "defaultCurrencyIso": (string, _const("USD")),
        "address": (physical_address, lambda: physical_address({}, "address")),
        "businessHours": (list_of(work_hours), default_hours),
        "schedulingPolicy": (scheduling_policy, lambda: dict(DEFAULT_POLICY)),
        "bookingPageSettings": (any_value, _const(None)),
    },
)
# The business members a PATCH may not change: Exchange owns them (Set-Mailbox), contract §2.1.
BUSINESS_NOT_PATCHABLE = frozenset({"email", "displayName"})

SERVICE = Kind(
    segment="services",
    odata_type=None,
    required=("displayName",),
    byid_only={"defaultReminders": []},
    members={
        "displayName": (string, _const("")),
        "description": (string, _const("")),
        "notes": (string, _const("")),
        "additionalInformation": (string, _const("")),
        "defaultDuration": (duration, _const("PT30M")),
        "defaultLocation": (location, lambda: location({}, "defaultLocation")),
        "defaultPrice": (number, _const(0.0)),
        "defaultPriceType": (enum(PRICE_TYPES), _const("notSet")),
        "defaultReminders": (list_of(reminder), _empty_list),
        "preBuffer": (duration, _const("PT0S")),
        "postBuffer": (duration, _const("PT0S")),
        "schedulingPolicy": (scheduling_policy, _const(None)),
        "staffMemberIds": (string_list, _empty_list),
        "customQuestions": (list_of(question_assignment), _empty_list),
        "maximumAttendeesCount": (integer, _const(1)),
        "isHiddenFromCustomers": (boolean, _const(False)),
        "isLocationOnline": (boolean, _const(False)),
        "isAnonymousJoinEnabled": (boolean, _const(False)),
        "smsNotificationsEnabled": (boolean, _const(False)),
        "isCustomerAllowedToManageBooking": (boolean, _const(False)),
        "languageTag": (string, _const("")),
    },
)

STAFF = Kind(
    segment="staffMembers",
    odata_type="#microsoft.graph.bookingStaffMember",
    required=("displayName", "emailAddress", "role"),
    members={
        "displayName": (string, _const("")),
        "emailAddress": (string, _const("")),
        "role": (enum(STAFF_ROLES), _const("guest")),
        "membershipStatus": (enum(MEMBERSHIP), _const("active")),
        "timeZone": (string, _const("UTC")),
        "useBusinessHours": (boolean, _const(True)),
        "workingHours": (list_of(work_hours), _empty_list),
        "availabilityIsAffectedByPersonalCalendar": (boolean, _const(False)),
        "isEmailNotificationEnabled": (boolean, _const(True)),
    },
)

CUSTOMER = Kind(
    segment="customers",
    odata_type="#microsoft.graph.bookingCustomer",
    patch_returns_entity=True,
    members={
        "displayName": (string, _const("")),
        "emailAddress": (string, _const("")),
        "addresses": (list_of(physical_address), _empty_list),
        "phones": (list_of(phone), _empty_list),
    },
)

QUESTION = Kind(
    segment="customQuestions",
    odata_type="#microsoft.graph.bookingCustomQuestion",
    required=("displayName",),
    patch_returns_entity=True,
    members={
        "displayName": (string, _const("")),
        "answerInputType": (enum(ANSWER_TYPES), _const("text")),
        "answerOptions": (string_list, _empty_list),
    },
)

KINDS: dict[str, Kind] = {k.segment.lower(): k for k in (SERVICE, STAFF, CUSTOMER, QUESTION)}
