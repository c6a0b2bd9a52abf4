"""A staff member's schedule as an iCalendar feed, for their calendar program to subscribe to.

One VEVENT per appointment they may see, with a UID of its own (the appointment's id: stable across
fetches and distinct from the customers' booking files) and the SEQUENCE and DTSTAMP every portal
calendar uses (``ical``). Cancelled appointments are simply absent: a subscribed calendar drops an
event that is no longer in the feed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from . import ical
from .models import Appointment, StaffMember
from .notifications import appointment_location

PRODID = "-//Bookings portal//Staff schedule//EN"
FEED_PAST = timedelta(days=30)
FEED_FUTURE = timedelta(days=180)


def feed_window(now: datetime) -> tuple[datetime, datetime]:
    """What a feed covers: the last 30 days (for looking back) and the next 180."""
    return now - FEED_PAST, now + FEED_FUTURE


def feed_uid(appointment: Appointment) -> str:
    return f"staff-{appointment.pk}@{ical.uid_domain()}"


def feed_event(appointment: Appointment, detail_url: str) -> ical.EventData:
    """What the feed says about one appointment: the service and its customers in the summary, the
    staff, customers' contact details and notes in the description, a link to the detail page."""
    business = appointment.business
    service = appointment.service_name or (appointment.service.display_name if appointment.service else "")
    customers = list(appointment.customer_rows.all())
    names = ", ".join(row.name or row.email_address for row in customers if row.name or row.email_address)
    lines = []
    staff = [row.staff_member.display_name for row in appointment.staff_rows.all()]
    if staff:
        lines.append(f"With {', '.join(staff)}")
    for row in customers:
        contact = ", ".join(part for part in (row.email_address, row.phone) if part)
        lines.append(f"Customer: {row.name or row.email_address}" + (f" ({contact})" if contact else ""))
    if appointment.service_notes:
        lines.append(f"Notes: {appointment.service_notes}")
    lines.append(f"Details: {detail_url}")
    return ical.EventData(
        uid=feed_uid(appointment),
        last_updated=appointment.last_updated_date_time,
        start=appointment.start,
        end=appointment.end,
        summary=f"{service or 'Appointment'}" + (f" · {names}" if names else ""),
        organizer_email=business.email or business.graph_id,
        organizer_name=business.display_name,
        location=appointment_location(appointment),
        description="\n".join(lines),
        url=detail_url,
    )


def staff_calendar(
    member: StaffMember, appointments: Iterable[Appointment], detail_url: Callable[[Appointment], str]
) -> bytes:
    """The feed's bytes: one VEVENT per appointment, named after the member and their business."""
    events = [feed_event(appointment, detail_url(appointment)) for appointment in appointments]
    name = f"{member.display_name} · {member.business.display_name}"
    return ical.calendar(events, prodid=PRODID, name=name)
