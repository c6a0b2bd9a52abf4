"""The demo data: the seed's Contoso Lunch Delivery to try the portal with, valid to book against."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from bookings.demo import load_demo_data
from bookings.enums import AnswerInputType, PriceType, StaffRole
from bookings.models import (
    Appointment,
    AppointmentCustomer,
    AppointmentStaff,
    Business,
    Currency,
    Customer,
    CustomQuestion,
    Service,
    ServiceQuestion,
    StaffMember,
)

# Three days before US daylight saving time starts (2026-03-08), so the three weeks cross it.
NOW = datetime(2026, 3, 5, 15, 0, tzinfo=UTC)
MODELS = (
    Business,
    StaffMember,
    CustomQuestion,
    Service,
    ServiceQuestion,
    Customer,
    Appointment,
    AppointmentStaff,
    AppointmentCustomer,
)

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def inside(hours, zone, start: datetime, end: datetime) -> bool:
    """Whether [start, end) lies in one of the weekly ``hours`` slots, as wall-clock time in ``zone``."""
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    if local_start.date() != local_end.date():
        return False
    day = local_start.strftime("%A").lower()
    return any(
        slot.start_time <= local_start.time() and local_end.time() <= slot.end_time
        for entry in hours
        if entry.day == day
        for slot in entry.time_slots
    )


def test_creates_the_seed_business_with_dana_swope_and_bento():
    summary = load_demo_data(now=NOW)

    contoso = Business.objects.get(slug="contoso")
    assert contoso.graph_id == "Contosolunchdelivery@contoso.onmicrosoft.com"
    assert contoso.display_name == "Contoso Lunch Delivery"
    assert contoso.time_zone == "America/Chicago"
    assert contoso.is_published
    assert contoso.public_url == f"{settings.PORTAL_BASE_URL}/book/contoso/"
    assert contoso.scheduling_policy.minimum_lead_time == timedelta(hours=2)
    assert contoso.scheduling_policy.allow_staff_selection
    dana = contoso.staff_members.get(email_address="danas@contoso.com")
    assert (dana.display_name, dana.role, dana.use_business_hours) == (
        "Dana Swope",
        StaffRole.EXTERNAL_GUEST,
        True,
    )
    bento = contoso.services.get(display_name="Bento")
    assert bento.default_duration == timedelta(minutes=30)
    assert (bento.default_price, bento.default_price_type) == (10.0, PriceType.FIXED_PRICE)
    assert (bento.pre_buffer, bento.post_buffer) == (timedelta(minutes=5), timedelta(minutes=10))
    assert [reminder.offset for reminder in bento.default_reminders] == [timedelta(days=1)]
    assert dana in bento.staff_members.all()
    assert {a.question.display_name for a in bento.question_assignments.all()} >= {"What is your age?"}
    delivery = contoso.custom_questions.get(display_name="Delivery or pick-up?")
    assert delivery.answer_input_type == AnswerInputType.RADIO_BUTTON and delivery.answer_options

    assert contoso.services.filter(maximum_attendees_count__gt=1).exists()
    assert contoso.services.filter(default_price_type=PriceType.FREE, is_location_online=True).exists()
    assert contoso.services.filter(is_hidden_from_customers=True).exists()
    assert contoso.services.filter(scheduling_policy__isnull=False).exists()
    assert (
        contoso.staff_members.filter(use_business_hours=False).exclude(time_zone=contoso.time_zone).exists()
    )
    fabrikam = Business.objects.get(slug="fabrikam")
    assert (fabrikam.graph_id, fabrikam.is_published) == ("Fabrikam@contoso.onmicrosoft.com", False)
    assert summary.businesses == 2
    assert summary.appointments == contoso.appointments.count() >= 15


def test_loading_twice_changes_no_counts_and_moves_nothing():
    load_demo_data(now=NOW)
    before = row_counts()
    schedule = set(Appointment.objects.values_list("id", "start", "end"))

    load_demo_data(now=NOW)

    assert row_counts() == before
    assert set(Appointment.objects.values_list("id", "start", "end")) == schedule


def test_loading_again_days_later_updates_in_place():
    load_demo_data(now=NOW)
    before = row_counts()

    load_demo_data(now=NOW + timedelta(days=2))

    assert row_counts() == before
    assert Appointment.objects.filter(start__lt=NOW + timedelta(days=2)).count() == 0


def test_no_staff_member_has_overlapping_blocked_ranges():
    load_demo_data(now=NOW)

    by_member = defaultdict(list)
    for row in AppointmentStaff.objects.select_related("appointment"):
        appointment = row.appointment
        assert row.blocked_start == appointment.start - appointment.pre_buffer
        assert row.blocked_end == appointment.end + appointment.post_buffer
        by_member[row.staff_member_id].append((row.blocked_start, row.blocked_end))
    assert by_member
    for ranges in by_member.values():
        ranges.sort()
        for (_, earlier_end), (later_start, _) in pairwise(ranges):
            assert earlier_end <= later_start


def test_every_appointment_is_inside_business_and_staff_hours():
    load_demo_data(now=NOW)

    appointments = Appointment.objects.select_related("business").prefetch_related("staff_members")
    assert appointments.exists()
    for appointment in appointments:
        business = appointment.business
        assert NOW < appointment.start < NOW + timedelta(days=22)
        assert inside(business.business_hours, business.zone, appointment.start, appointment.end), appointment
        for member in appointment.staff_members.all():
            if not member.use_business_hours:
                hours, zone = member.working_hours, ZoneInfo(member.time_zone)
                assert inside(hours, zone, appointment.start, appointment.end), (appointment, member)


def test_group_bookings_stay_within_capacity_and_answers_match_the_questions():
    load_demo_data(now=NOW)

    for appointment in Appointment.objects.prefetch_related("customer_rows"):
        rows = list(appointment.customer_rows.all())
        assert 1 <= len(rows) <= appointment.maximum_attendees_count
        asked = {
            str(q) for q in appointment.service.question_assignments.values_list("question_id", flat=True)
        }
        for row in rows:
            assert {answer.question_id for answer in row.custom_question_answers} == asked
            assert row.email_address and row.time_zone


def test_migrations_load_the_currencies_bookings_offers():
    assert Currency.objects.get(id="USD").symbol == "$"
    assert Currency.objects.get(id="AED").symbol == "د.إ."
    assert Currency.objects.count() > 150
