"""iCalendar pieces shared by the customer's booking file and the staff member's feed.

One place decides how an appointment becomes a VEVENT: its UID (stable, so a later file or feed
replaces the event an earlier one created), its SEQUENCE (grows with every change) and its DTSTAMP
(the appointment's last change, so the same state gives the same bytes).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress

# SEQUENCE counts seconds from here: an iCalendar INTEGER is 32-bit signed, so seconds since 1970
# would overflow in 2038, while seconds since 2020 last until 2088.
SEQUENCE_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def one_line(text: str) -> str:
    """Collapse whitespace, so a name typed with a line break cannot break a header or a summary."""
    return " ".join(text.split())


def uid_domain() -> str:
    """The right-hand side of every UID the portal makes (RFC 5545 suggests a domain)."""
    return urlsplit(settings.PORTAL_BASE_URL).hostname or "bookings-portal"


def sequence_of(last_updated: datetime) -> int:
    """An event's SEQUENCE from its appointment's last change: Graph's ``lastUpdatedDateTime`` only
    ever grows, so a later state always carries a higher number."""
    return max(0, int((last_updated - SEQUENCE_EPOCH).total_seconds()))


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str = ""


@dataclass(frozen=True)
class EventData:
    """What one VEVENT says, as plain values."""

    uid: str
    last_updated: datetime
    start: datetime
    end: datetime
    summary: str
    organizer_email: str
    organizer_name: str
    location: str = ""
    description: str = ""
    url: str = ""
    cancelled: bool = False
    attendees: tuple[Attendee, ...] = field(default_factory=tuple)


def _address(email: str, name: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["cn"] = one_line(name)
    return address


def event(data: EventData) -> Event:
    """One VEVENT; times in UTC, which calendar programs convert to their reader's zone."""
    vevent = Event()
    vevent.add("uid", data.uid)
    vevent.add("sequence", sequence_of(data.last_updated))
    vevent.add("dtstamp", data.last_updated.astimezone(UTC))
    vevent.add("dtstart", data.start.astimezone(UTC))
    vevent.add("dtend", data.end.astimezone(UTC))
    vevent.add("summary", one_line(data.summary))
    if data.location:
        vevent.add("location", data.location)
    if data.url:
        vevent.add("url", data.url)
    if data.description:
        vevent.add("description", data.description)
    # RFC 5546 requires an ORGANIZER in PUBLISH and CANCEL.
    vevent.add("organizer", _address(data.organizer_email, data.organizer_name))
    for attendee in data.attendees:
        vevent.add("attendee", _address(attendee.email, attendee.name))
    vevent.add("status", "CANCELLED" if data.cancelled else "CONFIRMED")
    return vevent


def calendar(events: Iterable[EventData], *, prodid: str, method: str | None = None, name: str = "") -> bytes:
    """An iCalendar stream holding ``events``; ``method`` for iTIP files (e-mail attachments),
    none for a subscribed feed, which is not a scheduling message."""
    stream = Calendar()
    stream.add("prodid", prodid)
    stream.add("version", "2.0")
    if method:
        stream.add("method", method)
    if name:
        stream.add("x-wr-calname", one_line(name))
    for data in events:
        stream.add_component(event(data))
    return stream.to_ical()
