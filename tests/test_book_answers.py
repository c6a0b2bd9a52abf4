"""``book`` checks the request before writing: answers to the service's questions, staff, service."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bookings import booking
from bookings.answers import MAX_ANSWER_LENGTH, answers_for_service
from bookings.booking import CustomerDetails
from bookings.enums import AnswerInputType
from bookings.exceptions import InvalidAnswers, InvalidBooking
from bookings.models import Appointment, AppointmentCustomer, Customer, ServiceQuestion
from bookings.values import QuestionAnswer, SchedulingPolicy, standard_week
from tests.factories import BusinessFactory, CustomQuestionFactory, ServiceFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2030, 5, 6, tzinfo=CHICAGO)  # a Monday; business hours 08:00-17:00 Chicago
START = NOW.replace(hour=9)
POLICY = SchedulingPolicy(minimum_lead_time=timedelta(0), maximum_advance=timedelta(days=365))
CUSTOMER = CustomerDetails(name="Customer", email_address="customer@example.com")


@pytest.fixture
def business():
    return BusinessFactory(business_hours=standard_week(), scheduling_policy=POLICY, is_published=True)


@pytest.fixture
def ann(business):
    return StaffMemberFactory(business=business, display_name="Ann")


@pytest.fixture
def service(business, ann):
    service = ServiceFactory(business=business)
    service.staff_members.set([ann])
    return service


@pytest.fixture
def allergies(business, service):
    question = CustomQuestionFactory(business=business, display_name="Allergies?")
    ServiceQuestion.objects.create(service=service, question=question, is_required=True, position=0)
    return question


@pytest.fixture
def visit(business, service):
    question = CustomQuestionFactory(
        business=business,
        display_name="First visit?",
        answer_input_type=AnswerInputType.RADIO_BUTTON,
        answer_options=["Yes", "No"],
    )
    ServiceQuestion.objects.create(service=service, question=question, is_required=False, position=1)
    return question


def check(service, given):
    return answers_for_service(service.question_assignments.select_related("question"), given)


def errors_of(service, given) -> dict:
    with pytest.raises(InvalidAnswers) as raised:
        check(service, given)
    return raised.value.errors


def test_a_required_question_must_be_answered(service, allergies, visit):
    assert errors_of(service, {}) == {str(allergies.pk): "This question needs an answer."}
    assert list(errors_of(service, {str(allergies.pk): "   "})) == [str(allergies.pk)]
    assert len(check(service, {str(allergies.pk): "Nuts"})) == 2  # the optional one may stay empty


def test_a_radio_answer_must_be_one_of_the_options(service, allergies, visit):
    key = str(visit.pk)
    assert list(errors_of(service, {str(allergies.pk): "None", key: "Maybe"})) == [key]
    assert list(errors_of(service, {str(allergies.pk): "None", key: ["Yes", "No"]})) == [key]
    answers = check(service, {str(allergies.pk): "None", key: ["No"]})
    assert answers[1].selected_options == ("No",)


def test_an_oversized_answer_is_refused(service, allergies):
    key = str(allergies.pk)
    assert list(errors_of(service, {key: "x" * (MAX_ANSWER_LENGTH + 1)})) == [key]
    assert check(service, {key: "x" * MAX_ANSWER_LENGTH})[0].answer == "x" * MAX_ANSWER_LENGTH


def test_an_answer_to_a_question_not_asked_is_refused(business, service, allergies):
    elsewhere = CustomQuestionFactory(business=business)  # the business's, but not asked for the service
    errors = errors_of(service, {str(allergies.pk): "None", str(elsewhere.pk): "Hi", "forged": "x"})
    assert set(errors) == {str(elsewhere.pk), "forged"}


def test_valid_answers_are_stored_on_the_customer_row_with_the_question_text(service, allergies, visit):
    given = {str(allergies.pk): "  Nuts ", str(visit.pk): "Yes"}

    appointment = booking.book(service=service, start=START, customer=CUSTOMER, answers=given, now=NOW)

    row = AppointmentCustomer.objects.get(appointment=appointment)
    assert row.custom_question_answers == (
        QuestionAnswer(
            question_id=str(allergies.pk),
            question="Allergies?",
            answer_input_type=AnswerInputType.TEXT,
            is_required=True,
            answer="Nuts",
        ),
        QuestionAnswer(
            question_id=str(visit.pk),
            question="First visit?",
            answer_input_type=AnswerInputType.RADIO_BUTTON,
            answer_options=("Yes", "No"),
            is_required=False,
            selected_options=("Yes",),
        ),
    )


@pytest.mark.parametrize("given", [None, {"forged": "x"}, "oversized"])
def test_invalid_answers_write_nothing(service, allergies, given):
    if given == "oversized":
        given = {str(allergies.pk): "x" * (MAX_ANSWER_LENGTH + 1)}

    with pytest.raises(InvalidAnswers):
        booking.book(service=service, start=START, customer=CUSTOMER, answers=given, now=NOW)

    assert not Appointment.objects.exists()
    assert not AppointmentCustomer.objects.exists()
    assert not Customer.objects.exists()


def test_another_business_staff_id_is_an_invalid_booking(service):
    stranger = StaffMemberFactory(business=BusinessFactory())

    for staff_id in (stranger.pk, str(stranger.pk), "not-an-id"):
        with pytest.raises(InvalidBooking):
            booking.book(service=service, start=START, customer=CUSTOMER, staff_id=staff_id, now=NOW)
    assert not Appointment.objects.exists()


def test_a_colleague_not_assigned_to_the_service_is_an_invalid_booking(business, service):
    colleague = StaffMemberFactory(business=business)

    with pytest.raises(InvalidBooking):
        booking.book(service=service, start=START, customer=CUSTOMER, staff_id=colleague.pk, now=NOW)


def test_a_hidden_service_is_an_invalid_booking(service):
    service.is_hidden_from_customers = True
    service.save()

    with pytest.raises(InvalidBooking):
        booking.book(service=service, start=START, customer=CUSTOMER, now=NOW)
    assert not Appointment.objects.exists() and not Customer.objects.exists()


def test_an_inactive_service_or_unpublished_business_is_an_invalid_booking(business, service):
    business.is_published = False
    business.save()
    with pytest.raises(InvalidBooking):
        booking.book(service=service, start=START, customer=CUSTOMER, now=NOW)

    business.is_published = True
    business.save()
    service.is_active = False
    service.save()
    with pytest.raises(InvalidBooking):
        booking.book(service=service, start=START, customer=CUSTOMER, now=NOW)
