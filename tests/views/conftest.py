"""A published business open every day, round the clock, so the pages have times to offer whenever
the tests run (the views read the real clock)."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from bookings import selectors
from bookings.availability import Slot
from bookings.display import slot_value
from bookings.enums import AnswerInputType, DayOfWeek
from bookings.models import Service, ServiceQuestion
from bookings.values import SchedulingPolicy, WorkHours, WorkTimeSlot
from tests.factories import BusinessFactory, CustomQuestionFactory, ServiceFactory, StaffMemberFactory

ALL_DAY = tuple(WorkHours(day=day, time_slots=(WorkTimeSlot(time(0), time(0)),)) for day in DayOfWeek)
POLICY = SchedulingPolicy(
    time_slot_interval=timedelta(minutes=30),
    minimum_lead_time=timedelta(hours=2),
    maximum_advance=timedelta(days=60),
)


@pytest.fixture
def business(db):
    return BusinessFactory(
        slug="salon",
        display_name="Salon",
        time_zone="Europe/London",
        business_hours=ALL_DAY,
        scheduling_policy=POLICY,
        is_published=True,
        phone="+44 20 7946 0000",
    )


@pytest.fixture
def ann(business):
    return StaffMemberFactory(
        business=business, display_name="Ann", time_zone="Europe/London", use_business_hours=True
    )


@pytest.fixture
def bob(business):
    return StaffMemberFactory(
        business=business, display_name="Bob", time_zone="Europe/London", use_business_hours=True
    )


@pytest.fixture
def service(business, ann, bob) -> Service:
    service = ServiceFactory(
        business=business, display_name="Haircut", default_duration=timedelta(minutes=30)
    )
    service.staff_members.set([ann, bob])
    allergies = CustomQuestionFactory(business=business, display_name="Any allergies?")
    delivery = CustomQuestionFactory(
        business=business,
        display_name="How do we reach you?",
        answer_input_type=AnswerInputType.RADIO_BUTTON,
        answer_options=["Phone", "E-mail"],
    )
    ServiceQuestion.objects.create(service=service, question=allergies, is_required=True, position=0)
    ServiceQuestion.objects.create(service=service, question=delivery, is_required=False, position=1)
    return service


def free_slots(service: Service, days: int = 3) -> tuple[Slot, ...]:
    now = timezone.now()
    return selectors.slots_for_service(service=service, start=now, end=now + timedelta(days=days), now=now)


def a_free_slot(service: Service, index: int = 4) -> Slot:
    return free_slots(service)[index]


def details_url(service: Service) -> str:
    return f"/book/{service.business.slug}/{service.pk}/details/"


def answer_field(service: Service, position: int) -> str:
    assignment = service.question_assignments.order_by("position")[position]
    return f"answer_{assignment.question_id}"


def booking_form(service: Service, slot_start: datetime, **overrides) -> dict:
    """What the details form posts for ``slot_start`` with every field filled in well."""
    return {
        "start": slot_value(slot_start),
        "staff": "",
        "tz": "Europe/Paris",
        "request_key": uuid.uuid4().hex,
        "name": "Ann Customer",
        "email": "ann.customer@example.com",
        "phone": "",
        "notes": "",
        answer_field(service, 0): "None",
        answer_field(service, 1): "Phone",
        **overrides,
    }


def manage_path(response) -> str:
    """The manage page a successful booking redirected to, without its query string."""
    return re.sub(r"\?.*$", "", response["Location"])
