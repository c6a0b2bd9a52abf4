"""``booking.book``: a customer books a slot the booking page offered, and nobody gets it twice."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction

from bookings import booking
from bookings.booking import CustomerDetails
from bookings.enums import Origin
from bookings.exceptions import SlotUnavailable
from bookings.models import Appointment, AppointmentStaff, ServiceQuestion
from bookings.values import QuestionAnswer, SchedulingPolicy, standard_week
from tests.factories import (
    AppointmentFactory,
    BusinessFactory,
    CustomQuestionFactory,
    ServiceFactory,
    StaffMemberFactory,
)

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2030, 5, 6, tzinfo=CHICAGO)  # a Monday; business hours 08:00-17:00 Chicago
POLICY = SchedulingPolicy(minimum_lead_time=timedelta(0), maximum_advance=timedelta(days=365))


def at(hour: int, minute: int = 0) -> datetime:
    return NOW.replace(hour=hour, minute=minute)


def customer(number: int = 0) -> CustomerDetails:
    return CustomerDetails(name=f"Customer {number}", email_address=f"customer{number}@example.com")


@pytest.fixture
def business():
    return BusinessFactory(business_hours=standard_week(), scheduling_policy=POLICY, is_published=True)


@pytest.fixture
def ann(business):
    return StaffMemberFactory(business=business, display_name="Ann")


@pytest.fixture
def bob(business):
    return StaffMemberFactory(business=business, display_name="Bob")


def make_service(business, staff, **fields):
    service = ServiceFactory(business=business, default_duration=timedelta(minutes=30), **fields)
    service.staff_members.set(staff)
    return service


def staff_of(appointment: Appointment) -> list:
    return [row.staff_member for row in appointment.staff_rows.all()]


def test_book_creates_the_appointment_with_its_staff_row_and_customer_row(business, ann):
    service = make_service(business, [ann], pre_buffer=timedelta(minutes=5))
    question = CustomQuestionFactory(business=business, display_name="Allergies?")
    ServiceQuestion.objects.create(service=service, question=question)
    answers = (QuestionAnswer(question_id=str(question.pk), question="Allergies?", answer="None"),)

    appointment = booking.book(
        service=service, start=at(9), customer=customer(), answers={str(question.pk): "None"}, now=NOW
    )

    appointment.refresh_from_db()
    assert (appointment.start, appointment.end) == (at(9), at(9, 30))
    assert staff_of(appointment) == [ann]
    row = appointment.staff_rows.get()
    assert (row.blocked_start, row.blocked_end, row.is_exclusive) == (at(8, 55), at(9, 30), True)
    booked = appointment.customer_rows.get()
    assert (booked.email_address, booked.custom_question_answers) == ("customer0@example.com", answers)


def test_without_a_choice_the_least_loaded_staff_member_gets_the_booking_ties_to_the_smallest_id(
    business, ann, bob
):
    service = make_service(business, [ann, bob])
    first, second = sorted([ann, bob], key=lambda member: str(member.pk))

    assigned = [
        staff_of(booking.book(service=service, start=at(hour), customer=customer(hour), now=NOW))[0]
        for hour in (9, 10, 11, 12)
    ]

    assert assigned == [first, second, first, second]


def test_a_chosen_staff_member_is_honoured(business, ann, bob):
    service = make_service(business, [ann, bob])
    chosen = max([ann, bob], key=lambda member: str(member.pk))  # not the one a tie would pick

    appointment = booking.book(service=service, start=at(9), customer=customer(), staff_id=chosen.pk, now=NOW)

    assert staff_of(appointment) == [chosen]


def test_a_chosen_staff_member_who_is_taken_makes_the_slot_unavailable(business, ann, bob):
    service = make_service(business, [ann, bob])
    booking.book(service=service, start=at(9), customer=customer(1), staff_id=ann.pk, now=NOW)

    with pytest.raises(SlotUnavailable):
        booking.book(service=service, start=at(9), customer=customer(2), staff_id=ann.pk, now=NOW)
    assert staff_of(booking.book(service=service, start=at(9), customer=customer(3), now=NOW)) == [bob]


def test_a_taken_slot_raises_slot_unavailable_with_the_nearest_free_slots(business, ann):
    service = make_service(business, [ann])
    booking.book(service=service, start=at(10), customer=customer(1), now=NOW)

    with pytest.raises(SlotUnavailable) as raised:
        booking.book(service=service, start=at(10), customer=customer(2), now=NOW)

    starts = [slot.start for slot in raised.value.nearby]
    # Nearest first (ties to the earlier), then listed in time order.
    assert starts == [at(8, 30), at(9), at(9, 30), at(10, 30), at(11)]
    assert Appointment.objects.filter(service=service).count() == 1


def test_a_time_off_the_grid_or_outside_hours_is_unavailable(business, ann):
    service = make_service(business, [ann])

    for start in (at(9, 10), at(20), at(7)):
        with pytest.raises(SlotUnavailable):
            booking.book(service=service, start=start, customer=customer(), now=NOW)
    assert not Appointment.objects.exists()


def test_a_group_service_fills_up_to_its_seats_in_one_appointment_then_is_unavailable(business, ann):
    service = make_service(business, [ann], maximum_attendees_count=3)

    booked = {booking.book(service=service, start=at(9), customer=customer(n), now=NOW).pk for n in range(3)}
    with pytest.raises(SlotUnavailable) as raised:
        booking.book(service=service, start=at(9), customer=customer(3), now=NOW)

    assert len(booked) == 1
    assert Appointment.objects.get(pk=booked.pop()).customer_rows.count() == 3
    assert at(9) not in [slot.start for slot in raised.value.nearby]


def test_a_group_session_is_filled_before_another_staff_member_opens_a_second_one(business, ann, bob):
    service = make_service(business, [ann, bob], maximum_attendees_count=2)

    sessions = [booking.book(service=service, start=at(9), customer=customer(n), now=NOW) for n in range(4)]

    assert [session.pk for session in sessions[:2]] == [sessions[0].pk] * 2
    assert [session.pk for session in sessions[2:]] == [sessions[2].pk] * 2
    assert {staff_of(sessions[0])[0], staff_of(sessions[2])[0]} == {ann, bob}
    with pytest.raises(SlotUnavailable):
        booking.book(service=service, start=at(9), customer=customer(4), now=NOW)


def test_cancelling_frees_the_slot(business, ann):
    service = make_service(business, [ann])
    first = booking.book(service=service, start=at(9), customer=customer(1), now=NOW)

    booking.cancel_appointment(first, message="Cannot come")
    second = booking.book(service=service, start=at(9), customer=customer(2), now=NOW)

    assert second.pk != first.pk
    assert list(first.staff_rows.values_list("is_exclusive", flat=True)) == [False]


def test_deleting_frees_the_slot(business, ann):
    service = make_service(business, [ann])
    first = booking.book(service=service, start=at(9), customer=customer(1), now=NOW)

    booking.delete_appointment(first)

    assert booking.book(service=service, start=at(9), customer=customer(2), now=NOW).pk != first.pk


def graph_appointment(service, member, start) -> Appointment:
    appointment = AppointmentFactory(
        business=service.business, service=service, start=start, end=start + timedelta(minutes=30)
    )
    Appointment.objects.filter(pk=appointment.pk).update(origin=Origin.GRAPH)
    appointment.refresh_from_db()
    AppointmentStaff.objects.create(appointment=appointment, staff_member=member)
    return appointment


def test_overlapping_appointments_read_from_graph_are_stored(business, ann):
    service = make_service(business, [ann])
    booking.book(service=service, start=at(9), customer=customer(), now=NOW)

    graph_appointment(service, ann, at(9))
    graph_appointment(service, ann, at(9, 15))

    assert AppointmentStaff.objects.filter(staff_member=ann).count() == 3
    with pytest.raises(SlotUnavailable):  # and they still take up the staff member's time
        booking.book(service=service, start=at(9, 30), customer=customer(1), now=NOW)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraints are PostgreSQL's")
def test_postgresql_refuses_overlapping_live_portal_rows_of_one_staff_member(business, ann):
    service = make_service(business, [ann])
    booking.create_appointment(business=business, service=service, start=at(9), staff_members=[ann])

    with pytest.raises(IntegrityError), transaction.atomic():
        booking.create_appointment(business=business, service=service, start=at(9, 15), staff_members=[ann])
