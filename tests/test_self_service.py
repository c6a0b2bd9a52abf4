"""``self_service``: what a customer may do to their own booking from the manage link."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bookings import booking
from bookings.booking import CustomerDetails
from bookings.exceptions import BookingNotChangeable, OutsideLeadTime, SlotUnavailable
from bookings.models import Appointment, AppointmentCustomer, ServiceQuestion
from bookings.self_service import cancel_booking, change_deadline, reschedule_booking
from bookings.values import SchedulingPolicy, standard_week
from tests.factories import BusinessFactory, CustomQuestionFactory, ServiceFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2030, 5, 6, 7, tzinfo=CHICAGO)  # a Monday before opening; hours 08:00-17:00
POLICY = SchedulingPolicy(minimum_lead_time=timedelta(hours=1), maximum_advance=timedelta(days=30))


def at(hour: int, minute: int = 0, day: int = 0) -> datetime:
    return (NOW + timedelta(days=day)).replace(hour=hour, minute=minute)


@pytest.fixture
def business():
    return BusinessFactory(business_hours=standard_week(), scheduling_policy=POLICY, is_published=True)


@pytest.fixture
def ann(business):
    return StaffMemberFactory(business=business, display_name="Ann")


@pytest.fixture
def bob(business):
    return StaffMemberFactory(business=business, display_name="Bob")


@pytest.fixture
def service(business, ann, bob):
    service = ServiceFactory(business=business, default_duration=timedelta(minutes=30))
    service.staff_members.set([ann, bob])
    return service


@pytest.fixture
def yoga(business, ann):
    service = ServiceFactory(business=business, display_name="Yoga", maximum_attendees_count=3)
    service.staff_members.set([ann])
    question = CustomQuestionFactory(business=business, display_name="Mat size?")
    ServiceQuestion.objects.create(service=service, question=question, is_required=True)
    return service


def book(service, start, number=0, answers=None) -> AppointmentCustomer:
    key = uuid.uuid4().hex
    details = CustomerDetails(name=f"C{number}", email_address=f"c{number}@example.com", request_key=key)
    booking.book(service=service, start=start, customer=details, answers=answers, now=NOW)
    return AppointmentCustomer.objects.select_related("appointment").get(request_key=key)


def staff_of(appointment: Appointment) -> list:
    return [row.staff_member for row in appointment.staff_rows.all()]


def test_the_change_deadline_is_the_start_minus_the_minimum_lead_time(service):
    row = book(service, at(10))
    assert change_deadline(row.appointment) == at(9)


def test_cancel_is_refused_after_the_deadline_and_allowed_up_to_it(service):
    row = book(service, at(10))
    with pytest.raises(OutsideLeadTime) as late:
        cancel_booking(row, now=at(9, 1))
    assert late.value.deadline == at(9)
    cancel_booking(row, message=" Sorry ", now=at(9))
    row.appointment.refresh_from_db()
    assert row.appointment.is_cancelled and row.appointment.cancellation_message == "Sorry"


def test_a_started_or_cancelled_booking_cannot_be_changed(service):
    row = book(service, at(10))
    with pytest.raises(BookingNotChangeable):
        reschedule_booking(row, start=at(12), now=at(10, 5))
    cancel_booking(row, now=NOW)
    with pytest.raises(BookingNotChangeable):
        cancel_booking(row, now=NOW)


def test_a_move_keeps_the_appointment_and_its_staff_member_when_they_are_free(service, ann, bob):
    row = book(service, at(10))
    first_staff = staff_of(row.appointment)

    moved = reschedule_booking(row, start=at(14), now=NOW)

    appointment = Appointment.objects.get()
    assert moved.pk == row.pk and appointment.pk == row.appointment.pk
    assert (appointment.start, appointment.end) == (at(14), at(14, 30))
    assert staff_of(appointment) == first_staff
    blocked = appointment.staff_rows.get()
    assert (blocked.blocked_start, blocked.blocked_end) == (at(14), at(14, 30))


def test_a_move_may_overlap_the_booking_s_own_old_time(service):
    row = book(service, at(10))
    reschedule_booking(row, start=at(10, 30), now=NOW)
    reschedule_booking(row, start=at(10), now=NOW)
    assert Appointment.objects.get().start == at(10)


def test_a_move_goes_to_the_other_staff_member_when_its_own_is_busy_then(service, ann, bob):
    row = book(service, at(10))
    mine = staff_of(row.appointment)[0]
    booking.create_appointment(business=service.business, service=service, start=at(14), staff_members=[mine])

    reschedule_booking(row, start=at(14), now=NOW)

    assert staff_of(Appointment.objects.get(pk=row.appointment.pk)) == [bob if mine == ann else ann]


def test_a_move_to_a_full_time_keeps_the_booking_and_offers_nearby_times(service):
    row = book(service, at(10))
    book(service, at(14), number=1)
    book(service, at(14), number=2)
    with pytest.raises(SlotUnavailable) as taken:
        reschedule_booking(row, start=at(14), now=NOW)
    assert at(13, 30) in [slot.start for slot in taken.value.nearby]
    assert Appointment.objects.get(pk=row.appointment.pk).start == at(10)


def test_a_move_outside_the_rules_is_refused(service):
    row = book(service, at(10))
    for start in (at(7), at(10, 7), at(23), at(10, day=45)):
        with pytest.raises(SlotUnavailable):
            reschedule_booking(row, start=start, now=NOW)


def test_leaving_a_group_session_frees_one_seat_and_keeps_the_others(yoga):
    question = str(yoga.question_assignments.get().question_id)
    first = book(yoga, at(10), number=1, answers={question: "L"})
    second = book(yoga, at(10), number=2, answers={question: "M"})
    assert first.appointment_id == second.appointment_id

    cancel_booking(first, now=NOW)

    session = Appointment.objects.get()
    assert not session.is_cancelled
    assert [row.name for row in session.customer_rows.all()] == ["C2"]


def test_moving_a_group_seat_books_the_new_session_with_the_same_answers_and_form_key(yoga):
    question = str(yoga.question_assignments.get().question_id)
    first = book(yoga, at(10), number=1, answers={question: "L"})
    book(yoga, at(10), number=2, answers={question: "M"})

    moved = reschedule_booking(first, start=at(11), now=NOW)

    assert moved.appointment.start == at(11)
    assert moved.request_key == first.request_key
    assert [answer.answer for answer in moved.custom_question_answers] == ["L"]
    old = Appointment.objects.get(start=at(10))
    assert [row.name for row in old.customer_rows.all()] == ["C2"] and not old.is_cancelled


def test_moving_the_last_seat_of_a_session_cancels_that_session(yoga):
    question = str(yoga.question_assignments.get().question_id)
    only = book(yoga, at(10), number=1, answers={question: "S"})
    reschedule_booking(only, start=at(11), now=NOW)
    assert Appointment.objects.get(start=at(10)).is_cancelled
    assert not Appointment.objects.get(start=at(11)).is_cancelled
