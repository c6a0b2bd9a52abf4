"""The private manage link: only its holder sees the booking; cancel and reschedule obey lead time."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from bookings.display import slot_value
from bookings.manage_links import manage_token, row_id_for_token
from bookings.models import Appointment, AppointmentCustomer

from .conftest import a_free_slot, booking_form, details_url, free_slots, manage_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(client, service, django_capture_on_commit_callbacks) -> str:
    """A guest's booking a few hours ahead; its manage page's path."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            details_url(service), booking_form(service, a_free_slot(service, index=6).start)
        )
    assert response.status_code == 302
    mail.outbox.clear()
    return manage_path(response)


def test_the_manage_page_shows_the_booking_in_the_customers_zone(client, booked):
    row = AppointmentCustomer.objects.get()
    page = client.get(booked).content.decode()
    assert f"{row.appointment.start.astimezone(ZoneInfo('Europe/Paris')):%H:%M}" in page
    assert "(Europe/Paris)" in page
    assert "Cancel booking" in page and "Choose another time" in page


@pytest.mark.parametrize(
    "token",
    ["1", "1:abc", "999999:xyz", "%00", "a" * 300],
)
def test_a_forged_or_mangled_link_is_not_found(client, booked, token):
    assert client.get(f"/booking/{token}/").status_code == 404
    assert client.post(f"/booking/{token}/cancel/", {"message": "x"}).status_code == 404
    assert not Appointment.objects.filter(is_cancelled=True).exists()


def test_a_link_signed_for_one_booking_cannot_be_turned_into_another(booked):
    token = booked.split("/")[2]
    row_id, signature = token.split(":", 1)
    assert row_id_for_token(f"{int(row_id) + 1}:{signature}") is None
    assert row_id_for_token(token) == int(row_id)


def test_cancelling_with_a_message_frees_the_time_and_sends_one_email(
    client, booked, service, django_capture_on_commit_callbacks
):
    appointment = Appointment.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{booked}cancel/", {"message": "Running late, sorry"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.is_cancelled and appointment.cancellation_message == "Running late, sorry"
    assert len(mail.outbox) == 1 and "cancelled" in mail.outbox[0].subject.lower()
    assert "This booking is cancelled" in client.get(booked).content.decode()
    assert appointment.start in {slot.start for slot in free_slots(service)}


def test_a_cancelled_booking_cannot_be_cancelled_or_moved_again(client, booked, service):
    client.post(f"{booked}cancel/", {"message": ""})
    assert client.post(f"{booked}cancel/", {"message": ""}).status_code == 409
    response = client.post(f"{booked}reschedule/", {"start": slot_value(a_free_slot(service).start)})
    assert response.status_code == 409


def test_inside_the_minimum_lead_time_changes_are_refused_with_the_reason(client, booked, business):
    appointment = Appointment.objects.get()
    business.scheduling_policy = business.scheduling_policy.__class__(
        **{**business.scheduling_policy.__dict__, "minimum_lead_time": timedelta(days=2)}
    )
    business.save()

    response = client.post(f"{booked}cancel/", {"message": "too late"})

    assert response.status_code == 409
    page = response.content.decode()
    assert "Changes online were possible until" in page and business.phone in page
    appointment.refresh_from_db()
    assert not appointment.is_cancelled
    assert "Choose another time" not in client.get(booked).content.decode()


def test_rescheduling_moves_the_same_appointment_and_sends_the_new_time(
    client, booked, service, django_capture_on_commit_callbacks
):
    appointment = Appointment.objects.get()
    target = next(slot for slot in free_slots(service) if slot.start > appointment.start + timedelta(hours=3))
    page = client.get(f"{booked}reschedule/").content.decode()
    assert f'value="{slot_value(target.start)}"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{booked}reschedule/", {"start": slot_value(target.start)})

    assert response.status_code == 302 and response["Location"].endswith("?moved=1")
    moved = Appointment.objects.get()
    assert moved.pk == appointment.pk and moved.start == target.start
    assert len(mail.outbox) == 1 and "rescheduled" in mail.outbox[0].subject.lower()


def test_rescheduling_to_a_time_taken_meanwhile_keeps_the_booking_and_offers_others(client, booked, service):
    appointment = Appointment.objects.get()
    response = client.post(
        f"{booked}reschedule/", {"start": slot_value(appointment.start - timedelta(days=90))}
    )
    assert response.status_code == 409
    assert "Sorry, this time was just taken" in response.content.decode()
    assert Appointment.objects.get().start == appointment.start


def test_rescheduling_to_a_tampered_time_is_a_400(client, booked):
    response = client.post(f"{booked}reschedule/", {"start": "not-a-time"})
    assert response.status_code == 400
    assert "Please pick a time from the list." in response.content.decode()


def test_the_calendar_file_downloads(client, booked):
    response = client.get(f"{booked}booking.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in response.content


def test_the_manage_token_round_trips():
    row = AppointmentCustomer(pk=42)
    assert row_id_for_token(manage_token(row)) == 42


def test_a_booking_made_by_the_business_can_be_changed_only_when_the_service_allows(client, service, ann):
    from bookings import booking
    from bookings.booking import CustomerDetails

    start = a_free_slot(service).start + timedelta(days=1)
    appointment = booking.create_appointment(
        business=service.business,
        service=service,
        start=start,
        staff_members=[ann],
        customers=[CustomerDetails(name="Phoned in", email_address="phone@example.com")],
    )
    token = manage_token(appointment.customer_rows.get())
    assert "Please contact the business" in client.get(f"/booking/{token}/").content.decode()
    assert client.post(f"/booking/{token}/cancel/", {}).status_code == 409
    Appointment.objects.filter(pk=appointment.pk).update(is_customer_allowed_to_manage_booking=True)
    assert client.post(f"/booking/{token}/cancel/", {}).status_code == 302
    assert timezone.now() < start
