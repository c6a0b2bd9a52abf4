"""The e-mails a customer gets about a booking: what they say, in which zone, and the calendar file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from bookings import booking
from bookings.models import AppointmentCustomer
from bookings.notifications import (
    booking_calendar,
    format_time_range,
    send_booking_cancelled,
    send_booking_confirmation,
    send_booking_rescheduled,
)
from bookings.values import Location, PhysicalAddress, QuestionAnswer
from tests.factories import AppointmentFactory, BusinessFactory, ServiceFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # a Tuesday: 10:00 in Paris, 03:00 in Chicago
MANAGE_URL = "https://portal.example.com/bookings/manage/abc123?token=x&y=1"


@pytest.fixture
def business():
    return BusinessFactory(
        display_name="Sushi Corner",
        email="hello@sushi.example.com",
        phone="+33 1 23 45 67 89",
        time_zone="America/Chicago",
    )


@pytest.fixture
def appointment(business):
    service = ServiceFactory(business=business, display_name="Bento")
    appointment = AppointmentFactory(
        business=business,
        service=service,
        start=START,
        end=START + timedelta(minutes=30),
        # Booked an hour ago, so that a change made now is a later change.
        last_updated_date_time=timezone.now() - timedelta(hours=1),
    )
    ann = StaffMemberFactory(business=business, display_name="Ann Lee")
    appointment.staff_rows.create(staff_member=ann)
    return appointment


def customer_row(appointment, **fields) -> AppointmentCustomer:
    values = {
        "name": "Zoé Martin",
        "email_address": "zoe@example.com",
        "time_zone": "Europe/Paris",
        "custom_question_answers": (
            QuestionAnswer(question_id="q1", question="Any allergies?", answer="Peanuts & sesame"),
            QuestionAnswer(question_id="q2", question="First visit?", selected_options=("Yes",)),
        ),
        **fields,
    }
    return AppointmentCustomer.objects.create(appointment=appointment, **values)


@pytest.fixture
def row(appointment):
    return customer_row(appointment)


def html_of(message) -> str:
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return content


def calendar_attachment(message) -> tuple[Calendar, str]:
    """The attached calendar, parsed, and the Content-Type header it travels with."""
    [part] = [part for part in message.message().walk() if part.get_filename() == "booking.ics"]
    return Calendar.from_ical(part.get_payload(decode=True)), part["Content-Type"]


def event_of(calendar: Calendar):
    [event] = calendar.walk("VEVENT")
    return event


# --- The confirmation ------------------------------------------------------------------------------


def test_confirmation_reaches_the_customer_with_the_time_in_their_zone(row):
    send_booking_confirmation(row, manage_url=MANAGE_URL)

    [message] = mail.outbox
    assert message.to == ["zoe@example.com"]
    assert message.from_email == "bookings@localhost"
    assert message.reply_to == ["hello@sushi.example.com"]
    assert message.subject == "Booking confirmed: Bento, Tue 1 Dec 10:00"
    for body in (message.body, html_of(message)):
        assert "Tuesday 1 December 2026, 10:00\N{EN DASH}10:30 (Europe/Paris)" in body
        assert "Bento" in body
        assert "Sushi Corner" in body
        assert "Ann Lee" in body
        assert "+33 1 23 45 67 89" in body
        assert "hello@sushi.example.com" in body


def test_confirmation_shows_the_answers_and_the_manage_link_in_text_and_html(row):
    send_booking_confirmation(row, manage_url=MANAGE_URL)

    [message] = mail.outbox
    assert "Any allergies?" in message.body
    assert "Peanuts & sesame" in message.body  # plain text is not HTML-escaped
    assert "First visit?" in message.body
    assert f"Change or cancel this booking: {MANAGE_URL}" in message.body
    html = html_of(message)
    assert "Any allergies?" in html
    assert "Peanuts &amp; sesame" in html
    assert "First visit?" in html
    assert '<a href="https://portal.example.com/bookings/manage/abc123?token=x&amp;y=1">' in html
    assert "Change or cancel this booking" in html


def test_confirmation_attaches_a_publish_calendar_in_utc(row):
    send_booking_confirmation(row, manage_url=MANAGE_URL)

    [message] = mail.outbox
    calendar, content_type = calendar_attachment(message)
    assert content_type.replace('"', "") == "text/calendar; method=PUBLISH; charset=utf-8"
    assert calendar["METHOD"] == "PUBLISH"
    event = event_of(calendar)
    assert event.decoded("DTSTART") == START
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTEND") == START + timedelta(minutes=30)
    assert "Bento" in event["SUMMARY"]
    assert "Sushi Corner" in event["SUMMARY"]
    assert event["STATUS"] == "CONFIRMED"
    assert event["ORGANIZER"] == "mailto:hello@sushi.example.com"
    assert "Ann Lee" in event["DESCRIPTION"]
    assert MANAGE_URL in event["DESCRIPTION"]


def test_a_customer_without_an_address_gets_no_email(appointment):
    row = customer_row(appointment, email_address="")

    send_booking_confirmation(row, manage_url=MANAGE_URL)
    send_booking_rescheduled(row, manage_url=MANAGE_URL)
    send_booking_cancelled(row)

    assert mail.outbox == []


@pytest.mark.parametrize("time_zone", ["", "Mars/Olympus_Mons"])
def test_a_blank_or_unknown_customer_zone_falls_back_to_the_business_zone(appointment, time_zone):
    row = customer_row(appointment, time_zone=time_zone)

    send_booking_confirmation(row, manage_url=MANAGE_URL)

    [message] = mail.outbox
    assert message.subject == "Booking confirmed: Bento, Tue 1 Dec 03:00"
    assert "Tuesday 1 December 2026, 03:00\N{EN DASH}03:30 (America/Chicago)" in message.body


def test_html_escapes_what_the_customer_typed(appointment):
    row = customer_row(
        appointment,
        name="<script>alert(1)</script>",
        custom_question_answers=(QuestionAnswer(question="Notes?", answer='<img src=x onerror="steal()">'),),
    )

    send_booking_confirmation(row, manage_url=MANAGE_URL)

    html = html_of(mail.outbox[0])
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html


def test_no_reply_to_without_a_business_address_and_the_mailbox_organises_the_event(appointment):
    appointment.business.email = ""
    appointment.business.save()
    row = customer_row(appointment)

    send_booking_confirmation(row, manage_url=MANAGE_URL)

    [message] = mail.outbox
    assert message.reply_to == []
    event = event_of(calendar_attachment(message)[0])
    assert event["ORGANIZER"] == f"mailto:{appointment.business.graph_id}"


# --- Moving and cancelling ----------------------------------------------------------------------------


def test_the_calendar_keeps_its_uid_and_raises_its_sequence_when_the_appointment_moves(appointment, row):
    before = event_of(Calendar.from_ical(booking_calendar(row)))
    assert event_of(Calendar.from_ical(booking_calendar(row)))["UID"] == before["UID"]

    later = START + timedelta(days=1)
    booking.update_appointment(appointment, {"start": later, "end": later + timedelta(minutes=30)})
    row.refresh_from_db()
    after = event_of(Calendar.from_ical(booking_calendar(row)))

    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after.decoded("DTSTART") == later


def test_each_customer_of_an_appointment_has_their_own_uid(appointment, row):
    other = customer_row(appointment, email_address="other@example.com")

    assert (
        event_of(Calendar.from_ical(booking_calendar(row)))["UID"]
        != (event_of(Calendar.from_ical(booking_calendar(other)))["UID"])
    )


def test_rescheduled_email_shows_the_new_time_and_updates_the_calendar(appointment, row):
    later = START + timedelta(days=1, hours=2)
    booking.update_appointment(appointment, {"start": later, "end": later + timedelta(minutes=30)})
    row.refresh_from_db()

    send_booking_rescheduled(row, manage_url=MANAGE_URL)

    [message] = mail.outbox
    assert message.subject == "Booking rescheduled: Bento, Wed 2 Dec 12:00"
    assert "Wednesday 2 December 2026, 12:00\N{EN DASH}12:30 (Europe/Paris)" in message.body
    assert MANAGE_URL in message.body
    calendar, content_type = calendar_attachment(message)
    assert "method=PUBLISH" in content_type.replace('"', "")
    assert event_of(calendar).decoded("DTSTART") == later


def test_cancelled_calendar_cancels_the_same_event(appointment, row):
    published = event_of(Calendar.from_ical(booking_calendar(row)))
    booking.cancel_appointment(appointment, message="The chef is ill, sorry.")
    row.refresh_from_db()

    calendar = Calendar.from_ical(booking_calendar(row, cancelled=True))

    assert calendar["METHOD"] == "CANCEL"
    event = event_of(calendar)
    assert event["STATUS"] == "CANCELLED"
    assert event["UID"] == published["UID"]
    assert event["SEQUENCE"] > published["SEQUENCE"]
    assert event["ATTENDEE"] == "mailto:zoe@example.com"


def test_cancellation_email_attaches_a_cancel_calendar_and_the_business_message(appointment, row):
    booking.cancel_appointment(appointment, message="The chef is ill, sorry.")
    row.refresh_from_db()

    send_booking_cancelled(row)

    [message] = mail.outbox
    assert message.subject == "Booking cancelled: Bento, Tue 1 Dec 10:00"
    assert "cancelled" in message.body
    assert "The chef is ill, sorry." in message.body
    assert "The chef is ill, sorry." in html_of(message)
    assert "Change or cancel" not in message.body
    calendar, content_type = calendar_attachment(message)
    assert content_type.replace('"', "") == "text/calendar; method=CANCEL; charset=utf-8"
    assert event_of(calendar)["STATUS"] == "CANCELLED"


# --- Where --------------------------------------------------------------------------------------------


def test_an_online_appointment_gives_its_join_link(appointment):
    appointment.is_location_online = True
    appointment.join_web_url = "https://teams.example.com/meet/123"
    appointment.save()
    row = customer_row(appointment)

    send_booking_confirmation(row, manage_url=MANAGE_URL)

    [message] = mail.outbox
    assert "https://teams.example.com/meet/123" in message.body
    assert '<a href="https://teams.example.com/meet/123">' in html_of(message)
    assert event_of(calendar_attachment(message)[0])["LOCATION"] == "https://teams.example.com/meet/123"


def test_an_online_appointment_without_a_link_says_online(appointment):
    appointment.is_location_online = True
    appointment.save()

    event = event_of(Calendar.from_ical(booking_calendar(customer_row(appointment))))

    assert event["LOCATION"] == "Online"


def test_an_in_person_appointment_gives_the_service_location(appointment):
    appointment.service_location = Location(
        display_name="Sushi Corner, upstairs",
        address=PhysicalAddress(street="1 Rue de Rivoli", city="Paris", postal_code="75001"),
    )
    appointment.save()
    row = customer_row(appointment)

    send_booking_confirmation(row, manage_url=MANAGE_URL)

    [message] = mail.outbox
    where = "Sushi Corner, upstairs, 1 Rue de Rivoli, Paris, 75001"
    assert where in message.body
    assert where in html_of(message)
    assert event_of(calendar_attachment(message)[0])["LOCATION"] == where


# --- Formatting a time range --------------------------------------------------------------------------


def test_a_time_range_is_read_in_the_zone_it_is_shown_in():
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    assert (
        format_time_range(start, start + timedelta(minutes=30), PARIS)
        == "Tuesday 1 December 2026, 10:00\N{EN DASH}10:30 (Europe/Paris)"
    )


def test_a_time_range_on_the_day_clocks_go_forward_uses_summer_time():
    # Paris moves from 02:00 CET to 03:00 CEST at 01:00 UTC on 29 March 2026.
    start = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)

    assert (
        format_time_range(start, start + timedelta(minutes=30), PARIS)
        == "Sunday 29 March 2026, 03:30\N{EN DASH}04:00 (Europe/Paris)"
    )
    straddling = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    assert (
        format_time_range(straddling, straddling + timedelta(hours=1), PARIS)
        == "Sunday 29 March 2026, 01:30\N{EN DASH}03:30 (Europe/Paris)"
    )


def test_a_time_range_past_midnight_names_both_days():
    start = datetime(2026, 12, 1, 22, 30, tzinfo=UTC)

    assert (
        format_time_range(start, start + timedelta(hours=1), PARIS)
        == "Tuesday 1 December 2026, 23:30 \N{EN DASH} Wednesday 2 December 2026, 00:30 (Europe/Paris)"
    )
