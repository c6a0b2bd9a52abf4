"""Appointments: the one entity whose stored form is partly derived (duration, serviceName,
customers created on the fly, times converted to UTC), plus the two read models built on them —
calendarView and getStaffAvailability.

Called by :class:`state.Store` with its lock held; nothing here locks or does I/O.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .odata import (
    bad_request,
    format_dtz,
    format_dtz_plain,
    format_duration,
    parse_dtz,
    parse_duration,
)
from .schema import (
    PRICE_TYPES,
    boolean,
    duration,
    enum,
    integer,
    list_of,
    location,
    merge,
    number,
    reminder,
    string,
    string_list,
)

if TYPE_CHECKING:
    from .state import Business

CUSTOMER_INFO_TYPE = "#microsoft.graph.bookingCustomerInformation"
NO_SELF_SERVICE_ID = "00000000-0000-0000-0000-000000000000"
# Members Graph returns only when an appointment is read by id (contract §4.5, §5.5).
BYID_ONLY = {"reminders": [], "serviceNotes": None, "customerNotes": None}

_PLAIN = {
    "serviceNotes": string,
    "customerName": string,
    "customerEmailAddress": string,
    "customerPhone": string,
    "customerNotes": string,
    "customerTimeZone": string,
    "additionalInformation": string,
    "appointmentLabel": string,
    "anonymousJoinWebUrl": string,
    "staffMemberIds": string_list,
    "reminders": list_of(reminder),
    "optOutOfCustomerEmail": boolean,
    "isCustomerAllowedToManageBooking": boolean,
}
# Members that fall back to the service's values when a create leaves them out.
_FROM_SERVICE = {
    "price": (number, "defaultPrice", 0.0),
    "priceType": (enum(PRICE_TYPES), "defaultPriceType", "notSet"),
    "preBuffer": (duration, "preBuffer", "PT0S"),
    "postBuffer": (duration, "postBuffer", "PT0S"),
    "maximumAttendeesCount": (integer, "maximumAttendeesCount", 1),
    "isLocationOnline": (boolean, "isLocationOnline", False),
    "smsNotificationsEnabled": (boolean, "smsNotificationsEnabled", False),
}


def new_id() -> str:
    """An Exchange-style item id: base64 (with ``+``, ``/`` and ``=`` at times), so clients must
    percent-encode it in paths."""
    raw = os.urandom(30 + int.from_bytes(os.urandom(1), "big") % 9)
    return "AAMkAD" + base64.b64encode(raw).decode()


def normalise(
    business: Business,
    body: dict[str, Any],
    *,
    existing: dict[str, Any] | None = None,
    create_customer: Callable[[dict[str, Any]], str],
) -> dict[str, Any]:
    """The stored appointment for a create (``existing`` None) or a PATCH merged over ``existing``."""
    body = dict(body)
    for alias, name in (("start", "startDateTime"), ("end", "endDateTime")):
        if alias in body and name not in body:
            body[name] = body.pop(alias)  # beta names that newer docs still show (contract §10)
        body.pop(alias, None)
    merged = merge(existing, body) if existing else body
    if existing and "serviceId" in body and "serviceName" not in body:
        merged.pop("serviceName", None)  # derive the name of the new service, not keep the old one
    for name in ("startDateTime", "endDateTime"):
        if merged.get(name) is None:
            raise bad_request(f"{name} is required.")
    start = parse_dtz(merged["startDateTime"], "startDateTime")
    end = parse_dtz(merged["endDateTime"], "endDateTime")
    if end < start:
        raise bad_request("endDateTime must not be earlier than startDateTime.")
    service_id = string(merged.get("serviceId"), "serviceId")
    service = business.find("services", service_id) if service_id else None
    if service_id and service is None:
        raise bad_request(f"serviceId: the service {service_id} does not exist in this business.")

    out: dict[str, Any] = {"selfServiceAppointmentId": NO_SELF_SERVICE_ID}
    out["serviceId"] = service["id"] if service else (service_id or "")
    given_name = string(merged.get("serviceName"), "serviceName")
    out["serviceName"] = given_name or (service["displayName"] if service else "")
    for name, check in _PLAIN.items():
        default = [] if name in ("staffMemberIds", "reminders") else (False if check is boolean else None)
        out[name] = check(merged[name], name) if name in merged else default
    for name, (check, service_member, fallback) in _FROM_SERVICE.items():
        if name in merged:
            out[name] = check(merged[name], name)
        else:
            out[name] = service[service_member] if service else fallback
    out["startDateTime"] = format_dtz(start)
    out["endDateTime"] = format_dtz(end)
    out["duration"] = format_duration(end - start)
    raw_location = merged.get("serviceLocation")
    if raw_location is None and service:
        raw_location = service.get("defaultLocation")
    out["serviceLocation"] = _fold_address(location(raw_location or {}, "serviceLocation"))
    out["joinWebUrl"] = (
        (existing or {}).get("joinWebUrl") or _teams_link() if out["isLocationOnline"] else None
    )

    infos = _customer_infos(merged, existing, body)
    out["customers"] = _resolve_customers(business, infos, create_customer)
    out["filledAttendeesCount"] = len(out["customers"])
    first = out["customers"][0] if out["customers"] else {}
    for name, member in (
        ("customerName", "name"),
        ("customerEmailAddress", "emailAddress"),
        ("customerPhone", "phone"),
        ("customerTimeZone", "timeZone"),
    ):
        out[name] = out[name] if out[name] is not None else first.get(member)
    return out


def _customer_infos(
    merged: dict[str, Any], existing: dict[str, Any] | None, body: dict[str, Any]
) -> list[Any]:
    """``customers[]`` as sent; on a create with only the convenience members (customerName…),
    one customer built from them."""
    raw = (merged.get("customers") or []) if "customers" in body or existing else []
    if not isinstance(raw, list):
        raise bad_request("customers: expected an array.")
    if not raw and existing is None and (merged.get("customerName") or merged.get("customerEmailAddress")):
        raw = [
            {
                "name": merged.get("customerName"),
                "emailAddress": merged.get("customerEmailAddress"),
                "phone": merged.get("customerPhone"),
                "notes": merged.get("customerNotes"),
                "timeZone": merged.get("customerTimeZone"),
            }
        ]
    return raw


def _customer_info(value: Any, member: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise bad_request(f"{member}: expected an object.")
    answers = value.get("customQuestionAnswers") or []
    if not isinstance(answers, list):
        raise bad_request(f"{member}.customQuestionAnswers: expected an array.")
    return {
        "@odata.type": CUSTOMER_INFO_TYPE,
        "customerId": string(value.get("customerId"), f"{member}.customerId"),
        "name": string(value.get("name"), f"{member}.name"),
        "emailAddress": string(value.get("emailAddress"), f"{member}.emailAddress"),
        "phone": string(value.get("phone"), f"{member}.phone"),
        "notes": string(value.get("notes"), f"{member}.notes"),
        "location": location(value.get("location") or {"displayName": "Customer"}, f"{member}.location"),
        "timeZone": string(value.get("timeZone"), f"{member}.timeZone"),
        "customQuestionAnswers": answers,
    }


def _resolve_customers(
    business: Business, raw: list[Any], create_customer: Callable[[dict[str, Any]], str]
) -> list[dict[str, Any]]:
    """Known ``customerId`` kept, unknown silently dropped, missing creates a customer (§5.6).

    Validation runs over every entry before any customer is created, so a 400 changes nothing."""
    infos = [_customer_info(v, f"customers[{i}]") for i, v in enumerate(raw)]
    kept = []
    for info in infos:
        if info["customerId"]:
            customer = business.find("customers", info["customerId"])
            if customer is None:
                continue
            info["customerId"] = customer["id"]
        else:
            phones = [{"number": info["phone"], "type": "mobile"}] if info["phone"] else []
            info["customerId"] = create_customer(
                {
                    "displayName": info["name"] or "",
                    "emailAddress": info["emailAddress"] or "",
                    "phones": phones,
                }
            )
        kept.append(info)
    return kept


def _fold_address(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """Graph folds an appointment location's address into its displayName
    (``Customer location (123 First Avenue, Buffalo, NY 98052, USA)``) and blanks the address."""
    if value is None:
        return None
    address = value["address"]
    if any(address.values()):
        region = " ".join(p for p in (address["state"], address["postalCode"]) if p)
        parts = [p for p in (address["street"], address["city"], region, address["countryOrRegion"]) if p]
        value["displayName"] = f"{value['displayName']} ({', '.join(parts)})".strip()
        value["address"] = dict.fromkeys(address, "")
    return value


def _teams_link() -> str:
    meeting = base64.b64encode(os.urandom(24)).decode().rstrip("=")
    return f"https://teams.microsoft.com/l/meetup-join/19%3ameeting_{meeting}%40thread.v2/0"


def for_list(appointment: dict[str, Any]) -> dict[str, Any]:
    """The list/calendarView rendering: byId-only members emptied, customers' notes hidden."""
    out = {**appointment, **{k: (list(v) if isinstance(v, list) else v) for k, v in BYID_ONLY.items()}}
    out["customers"] = [{**c, "notes": None} for c in appointment.get("customers", [])]
    return out


def times(appointment: dict[str, Any]) -> tuple[datetime, datetime]:
    return parse_dtz(appointment["startDateTime"], "startDateTime"), parse_dtz(
        appointment["endDateTime"], "endDateTime"
    )


def calendar_view(items: list[dict[str, Any]], start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Appointments overlapping [start, end) — Outlook's calendarView rule — ordered by start."""
    hits = [(times(a), a) for a in items]
    hits = [(s, a) for (s, e), a in hits if (s < end and e > start) or (s == e and start <= s < end)]
    return [a for _s, a in sorted(hits, key=lambda pair: pair[0])]


def staff_availability(business: Business, body: Any) -> list[dict[str, Any]]:
    """Busy ranges (appointment plus its buffers) and the gaps between them as available, per
    staff member, clipped to the requested window. Deliberately simpler than Bookings: working
    hours are not applied, the whole window is the staff member's to fill."""
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.", code="BadRequest")
    staff_ids = body.get("staffIds")
    if not isinstance(staff_ids, list) or not staff_ids or not all(isinstance(s, str) for s in staff_ids):
        raise bad_request("staffIds: expected a non-empty array of staff member ids.")
    window_start = parse_dtz(body.get("startDateTime"), "startDateTime")
    window_end = parse_dtz(body.get("endDateTime"), "endDateTime")
    if window_end <= window_start:
        raise bad_request("endDateTime must be later than startDateTime.")
    result = []
    for staff_id in staff_ids:
        staff = business.find("staffMembers", staff_id)
        if staff is None:
            raise bad_request(f"staffIds: the staff member {staff_id} does not exist in this business.")
        busy = []
        for appointment in business.items["appointments"].values():
            if staff["id"] not in appointment.get("staffMemberIds", []):
                continue
            start, end = times(appointment)
            start -= parse_duration(appointment["preBuffer"], "preBuffer")
            end += parse_duration(appointment["postBuffer"], "postBuffer")
            if start < window_end and end > window_start:
                busy.append((max(start, window_start), min(end, window_end), appointment["serviceId"]))
        result.append(
            {"staffId": staff["id"], "availabilityItems": _fill_gaps(sorted(busy), window_start, window_end)}
        )
    return result


def _fill_gaps(
    busy: list[tuple[datetime, datetime, str]], start: datetime, end: datetime
) -> list[dict[str, Any]]:
    items, cursor = [], start
    for b_start, b_end, service_id in busy:
        if b_start > cursor:
            items.append(_availability("available", cursor, b_start, ""))
        if b_end > cursor:
            items.append(_availability("busy", max(b_start, cursor), b_end, service_id))
            cursor = b_end
    if cursor < end:
        items.append(_availability("available", cursor, end, ""))
    return items


def _availability(status: str, start: datetime, end: datetime, service_id: str) -> dict[str, Any]:
    return {
        "status": status,
        "startDateTime": format_dtz_plain(start),
        "endDateTime": format_dtz_plain(end),
        "serviceId": service_id,
    }
