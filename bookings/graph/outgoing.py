"""Request bodies the portal sends to Graph, built from local records: pure, no queries, no I/O.

The caller passes the Graph ids of related records (service, staff, customers), so the bodies
always name Graph's ids, never the portal's. A PATCH carries only the members whose fields changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .. import isoformats

APPOINTMENT_TYPE = "#microsoft.graph.bookingAppointment"
CUSTOMER_TYPE = "#microsoft.graph.bookingCustomer"
CUSTOMER_INFORMATION_TYPE = "#microsoft.graph.bookingCustomerInformation"


@dataclass(frozen=True)
class AttendeeIds:
    """One customer row of an appointment with its customer's Graph id (None: not in Graph yet)."""

    row: Any
    customer_graph_id: str | None


def customer_body(customer: Any) -> dict[str, Any]:
    """``bookingCustomer`` for a create or a full update."""
    return {
        "@odata.type": CUSTOMER_TYPE,
        "displayName": customer.display_name,
        "emailAddress": customer.email_address or None,
        "phones": [phone.to_graph() for phone in customer.phones],
        "addresses": [address.to_graph() for address in customer.addresses],
    }


def _optional(value: Any) -> Any:
    return value if value not in ("", None) else None


def _time(value: datetime) -> dict[str, str]:
    return isoformats.format_datetime_time_zone(value)


def _appointment_members(
    appointment: Any,
    *,
    service_graph_id: str | None,
    staff_graph_ids: Sequence[str],
    attendees: Sequence[AttendeeIds],
    opt_out_of_customer_email: bool,
) -> dict[str, dict[str, Any]]:
    """Each model field's Graph members (a field may stand for several, a member for one field)."""
    return {
        "service": {"serviceId": service_graph_id, "serviceName": appointment.service_name},
        "service_name": {"serviceName": appointment.service_name},
        "service_notes": {"serviceNotes": _optional(appointment.service_notes)},
        "service_location": {
            "serviceLocation": appointment.service_location.to_graph()
            if appointment.service_location
            else None
        },
        "start": {"startDateTime": _time(appointment.start)},
        "end": {"endDateTime": _time(appointment.end)},
        "pre_buffer": {"preBuffer": isoformats.format_duration(appointment.pre_buffer)},
        "post_buffer": {"postBuffer": isoformats.format_duration(appointment.post_buffer)},
        "price": {"price": appointment.price},
        "price_type": {"priceType": appointment.price_type},
        "reminders": {"reminders": [reminder.to_graph() for reminder in appointment.reminders]},
        "maximum_attendees_count": {"maximumAttendeesCount": appointment.maximum_attendees_count},
        "customer_time_zone": {"customerTimeZone": _optional(appointment.customer_time_zone)},
        "opt_out_of_customer_email": {"optOutOfCustomerEmail": opt_out_of_customer_email},
        "sms_notifications_enabled": {"smsNotificationsEnabled": appointment.sms_notifications_enabled},
        "is_location_online": {"isLocationOnline": appointment.is_location_online},
        "is_customer_allowed_to_manage_booking": {
            "isCustomerAllowedToManageBooking": appointment.is_customer_allowed_to_manage_booking
        },
        "additional_information": {"additionalInformation": appointment.additional_information},
        "appointment_label": {"appointmentLabel": appointment.appointment_label},
        "staff_members": {"staffMemberIds": list(staff_graph_ids)},
        "customers": {"customers": [_customer_information(attendee) for attendee in attendees]},
    }


def _customer_information(attendee: AttendeeIds) -> dict[str, Any]:
    row = attendee.row
    return {
        "@odata.type": CUSTOMER_INFORMATION_TYPE,
        "customerId": attendee.customer_graph_id,
        "name": row.name,
        "emailAddress": _optional(row.email_address),
        "phone": _optional(row.phone),
        "notes": _optional(row.notes),
        "location": row.location.to_graph() if row.location else None,
        "timeZone": _optional(row.time_zone),
        "customQuestionAnswers": [answer.to_graph() for answer in row.custom_question_answers],
    }


def appointment_body(
    appointment: Any,
    *,
    service_graph_id: str | None,
    staff_graph_ids: Sequence[str],
    attendees: Sequence[AttendeeIds],
    opt_out_of_customer_email: bool,
    changed: Iterable[str] | None = None,
) -> dict[str, Any]:
    """``bookingAppointment`` for a create (``changed`` None: every member) or a PATCH (only the
    members of the fields in ``changed``; unknown field names are ignored)."""
    members = _appointment_members(
        appointment,
        service_graph_id=service_graph_id,
        staff_graph_ids=staff_graph_ids,
        attendees=attendees,
        opt_out_of_customer_email=opt_out_of_customer_email,
    )
    chosen = members.keys() if changed is None else [name for name in changed if name in members]
    body: dict[str, Any] = {"@odata.type": APPOINTMENT_TYPE}
    for name in chosen:
        body.update(members[name])
    if changed is None and not service_graph_id:
        body.pop("serviceId")
    return body


def matches_attempt(
    item: Mapping[str, Any], *, service_graph_id: str | None, start: datetime, emails: Iterable[str]
) -> bool:
    """Whether an appointment Graph lists is the one an earlier, unanswered create made: same
    service, same start, and one of the same customers (by e-mail)."""
    try:
        item_start = isoformats.parse_datetime_time_zone(item.get("startDateTime"))
    except (ValueError, TypeError):
        return False
    if item_start != start:
        return False
    if service_graph_id and item.get("serviceId") != service_graph_id:
        return False
    wanted = {email.lower() for email in emails if email}
    listed = {
        str(customer.get("emailAddress") or "").lower()
        for customer in item.get("customers") or []
        if isinstance(customer, Mapping)
    }
    listed.add(str(item.get("customerEmailAddress") or "").lower())
    return bool(wanted & listed) if wanted else True
