"""The e-mails a customer gets about their booking: confirmed, rescheduled, cancelled.

Each e-mail carries a plain-text body, an HTML alternative and an iCalendar file, all built from one
``AppointmentCustomer`` row and the manage link. Nothing here reads a request, so a Celery task can
send the same e-mails later from the row's id and a URL alone.

Times are shown in the customer's zone, spelled out, because a booking made from another country is
otherwise read in the wrong hour; the calendar file carries UTC, which calendar programs convert.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from . import ical
from .display import customer_zone
from .ical import one_line
from .models import Appointment, AppointmentCustomer, Business
from .values import Location, PhysicalAddress

# Spelled out here rather than taken from strftime("%A"), which follows the process's C locale.
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

EN_DASH = "\N{EN DASH}"
PRODID = "-//Bookings portal//Booking notifications//EN"


# --- Pure formatting ----------------------------------------------------------------------------


def format_day(moment: datetime) -> str:
    """``Tuesday 1 December 2026`` for an aware local datetime."""
    return f"{DAYS[moment.weekday()]} {moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def format_time_range(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    """``Tuesday 1 December 2026, 10:00-10:30 (Europe/Paris)``: a UTC range as read in ``zone``.

    The zone's name is spelled out so the reader knows which clock is meant; a range that ends on
    another local day names both days. The dash is an en dash, as typeset ranges have.
    """
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    if local_start.date() == local_end.date():
        text = f"{format_day(local_start)}, {local_start:%H:%M}{EN_DASH}{local_end:%H:%M}"
    else:
        until = f"{format_day(local_end)}, {local_end:%H:%M}"
        text = f"{format_day(local_start)}, {local_start:%H:%M} {EN_DASH} {until}"
    return f"{text} ({zone.key})"


def format_short_moment(moment: datetime, zone: ZoneInfo) -> str:
    """``Tue 1 Dec 10:00``: the start of a booking as a subject line shows it."""
    local = moment.astimezone(zone)
    return f"{DAYS[local.weekday()][:3]} {local.day} {MONTHS[local.month - 1][:3]} {local:%H:%M}"


def format_address(address: PhysicalAddress | None) -> str:
    if address is None:
        return ""
    parts = (address.street, address.city, address.state, address.postal_code, address.country_or_region)
    return ", ".join(part.strip() for part in parts if part and part.strip())


def format_location(location: Location | None) -> str:
    """A place as one line: its name, then its address, without repeating a name that is the address."""
    if location is None:
        return ""
    parts: list[str] = []
    for part in ((location.display_name or "").strip(), format_address(location.address)):
        if part and part not in parts:
            parts.append(part)
    return ", ".join(parts)


def is_web_link(text: str) -> bool:
    """Only http(s) addresses become links: a ``javascript:`` URL read from Graph must not."""
    return urlsplit(text).scheme in ("http", "https")


# --- What an e-mail says -------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Answer:
    question: str
    answer: str


@dataclasses.dataclass(frozen=True)
class BookingDetails:
    """Everything the e-mails and the calendar say about one customer's booking, computed once."""

    customer_name: str
    service: str
    business: str
    when: str
    short_when: str
    zone: str
    staff: tuple[str, ...]
    location: str
    join_url: str
    answers: tuple[Answer, ...]
    business_phone: str
    business_email: str
    business_web_site: str
    manage_url: str
    cancellation_message: str


def appointment_location(appointment: Appointment) -> str:
    """Where the customer goes: the join link (or "Online") for an online appointment, else the
    service's location, else the business's own address."""
    if appointment.is_location_online:
        return appointment.join_web_url or "Online"
    return format_location(appointment.service_location) or format_address(appointment.business.address)


def booking_details(row: AppointmentCustomer, *, manage_url: str | None = None) -> BookingDetails:
    """What the e-mails and the calendar file say about ``row``'s booking, in the customer's zone.

    Only answered questions are listed; a choice question's answer is its selected options.
    """
    appointment: Appointment = row.appointment
    business: Business = appointment.business
    zone = customer_zone(row.time_zone, business.zone)
    location = appointment_location(appointment)
    answers = tuple(
        Answer(question=qa.question, answer=qa.answer or ", ".join(qa.selected_options))
        for qa in row.custom_question_answers
        if qa.answer or qa.selected_options
    )
    staff = tuple(
        staff_row.staff_member.display_name
        for staff_row in appointment.staff_rows.select_related("staff_member")
    )
    return BookingDetails(
        customer_name=row.name,
        service=appointment.service_name or (appointment.service.display_name if appointment.service else ""),
        business=business.display_name,
        when=format_time_range(appointment.start, appointment.end, zone),
        short_when=format_short_moment(appointment.start, zone),
        zone=zone.key,
        staff=staff,
        location=location,
        join_url=location if appointment.is_location_online and is_web_link(location) else "",
        answers=answers,
        business_phone=business.phone,
        business_email=business.email,
        business_web_site=business.web_site_url if is_web_link(business.web_site_url) else "",
        manage_url=manage_url or "",
        cancellation_message=appointment.cancellation_message if appointment.is_cancelled else "",
    )


# --- The calendar file ----------------------------------------------------------------------------


def calendar_uid(row: AppointmentCustomer) -> str:
    """One UID per customer row, so a later file replaces the event an earlier one created."""
    return f"{row.appointment_id}-{row.pk}@{ical.uid_domain()}"


def calendar_sequence(appointment: Appointment) -> int:
    """Grows with every change to the appointment (a move, a cancellation), so calendar programs take
    a later file over an earlier one."""
    return ical.sequence_of(appointment.last_updated_date_time)


def booking_calendar(
    row: AppointmentCustomer, *, cancelled: bool = False, manage_url: str | None = None
) -> bytes:
    """An iCalendar file with one VEVENT for the customer's appointment: ``METHOD:PUBLISH`` for a
    booking, ``METHOD:CANCEL`` with ``STATUS:CANCELLED`` when cancelled.

    The same row gives the same UID every time; SEQUENCE grows when the appointment changes; DTSTAMP
    is the appointment's last change, so the same state gives the same bytes.
    """
    appointment: Appointment = row.appointment
    business: Business = appointment.business
    details = booking_details(row, manage_url=manage_url)
    description = [f"With {', '.join(details.staff)}"] if details.staff else []
    if details.cancellation_message:
        description.append(details.cancellation_message)
    if details.manage_url:
        description.append(f"Change or cancel this booking: {details.manage_url}")
    # A CANCEL names the attendees it removes; a PUBLISH has none.
    attendees = (ical.Attendee(row.email_address, row.name),) if cancelled and row.email_address else ()
    data = ical.EventData(
        uid=calendar_uid(row),
        last_updated=appointment.last_updated_date_time,
        start=appointment.start,
        end=appointment.end,
        summary=f"{details.service} at {details.business}",
        # The business's address, else its booking mailbox, which is what Bookings itself puts there.
        organizer_email=business.email or business.graph_id,
        organizer_name=business.display_name,
        location=details.location,
        description="\n".join(description),
        url=details.manage_url,
        cancelled=cancelled,
        attendees=attendees,
    )
    return ical.calendar([data], prodid=PRODID, method="CANCEL" if cancelled else "PUBLISH")


# --- Sending ----------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Kind:
    template: str
    subject: str
    cancelled: bool


CONFIRMATION = Kind("confirmation", "Booking confirmed", cancelled=False)
RESCHEDULED = Kind("rescheduled", "Booking rescheduled", cancelled=False)
CANCELLED = Kind("cancelled", "Booking cancelled", cancelled=True)
REMINDER = Kind("reminder", "Reminder", cancelled=False)


def _tidy_text(text: str) -> str:
    """Template tags leave blank lines behind; a plain-text e-mail keeps at most one in a row."""
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _send(row: AppointmentCustomer, kind: Kind, manage_url: str | None, message: str = "") -> None:
    if not row.email_address:
        return
    details = booking_details(row, manage_url=manage_url)
    context = {"booking": details, "message": message}
    text = _tidy_text(render_to_string(f"bookings/email/{kind.template}.txt", context))
    html = render_to_string(f"bookings/email/{kind.template}.html", context)
    business_email = row.appointment.business.email
    message = EmailMultiAlternatives(
        subject=one_line(f"{kind.subject}: {details.service}, {details.short_when}"),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.email_address],
        reply_to=[business_email] if business_email else None,
    )
    message.attach_alternative(html, "text/html")
    method = "CANCEL" if kind.cancelled else "PUBLISH"
    # Django adds "; charset=utf-8" to text attachments itself; naming it here would repeat it.
    message.attach(
        "booking.ics",
        booking_calendar(row, cancelled=kind.cancelled, manage_url=manage_url),
        f"text/calendar; method={method}",
    )
    message.send()


def send_booking_confirmation(row: AppointmentCustomer, *, manage_url: str) -> None:
    """E-mail the customer that their booking is made, with the calendar file to add it."""
    _send(row, CONFIRMATION, manage_url)


def send_booking_rescheduled(row: AppointmentCustomer, *, manage_url: str) -> None:
    """E-mail the customer the booking's new time; the calendar file updates the earlier event."""
    _send(row, RESCHEDULED, manage_url)


def send_booking_cancelled(row: AppointmentCustomer, *, manage_url: str | None = None) -> None:
    """E-mail the customer that the booking is cancelled; the calendar file removes the event."""
    _send(row, CANCELLED, manage_url)


def send_booking_reminder(row: AppointmentCustomer, *, manage_url: str, message: str = "") -> None:
    """Remind the customer of their booking, with the service's own reminder text if it has one."""
    _send(row, REMINDER, manage_url, message)
