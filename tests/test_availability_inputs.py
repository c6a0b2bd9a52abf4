"""Slots from real rows: ``selectors.slots_for_service`` loads what the engine needs, in fixed queries."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.availability import BusinessRules, Interval, ServiceRules, StaffRules, free_slots
from bookings.enums import Origin
from bookings.models import Appointment, AppointmentCustomer, AppointmentStaff
from bookings.selectors import slots_for_service
from bookings.values import SchedulingPolicy, standard_week
from tests.factories import AppointmentFactory, BusinessFactory, ServiceFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
MONDAY = datetime(2030, 5, 6)  # business hours 08:00-17:00 Chicago; "now" is midnight before
MINUTES = timedelta(minutes=1)
POLICY = SchedulingPolicy(minimum_lead_time=timedelta(0), maximum_advance=timedelta(days=365))
ALL_DAY = [f"{hour:02}:{minute:02}" for hour in range(8, 17) for minute in (0, 30)]


def at(hour: int, minute: int = 0) -> datetime:
    return MONDAY.replace(hour=hour, minute=minute, tzinfo=CHICAGO)


@pytest.fixture
def business():
    return BusinessFactory(
        time_zone="America/Chicago",
        business_hours=standard_week(),
        scheduling_policy=POLICY,
        is_published=True,
    )


@pytest.fixture
def ann(business):
    return StaffMemberFactory(business=business, display_name="Ann")


@pytest.fixture
def bob(business):
    return StaffMemberFactory(business=business, display_name="Bob")


def make_service(business, staff, **fields):
    service = ServiceFactory(business=business, default_duration=30 * MINUTES, **fields)
    service.staff_members.set(staff)
    return service


def book(service, staff, start, end, *, customers=0, **fields):
    """An appointment with its staff rows (which compute their blocked ranges) and customers."""
    appointment = AppointmentFactory(
        business=service.business, service=service, start=start, end=end, **fields
    )
    for member in staff:
        AppointmentStaff.objects.create(appointment=appointment, staff_member=member)
    for number in range(customers):
        AppointmentCustomer.objects.create(appointment=appointment, name=f"Customer {number}")
    return appointment


def slots(service, *, start=None, end=None, **options):
    start = start or at(0)
    return slots_for_service(
        service=service, start=start, end=end or start + timedelta(days=1), now=at(0), **options
    )


def walls(found) -> list[str]:
    return [f"{slot.start.astimezone(CHICAGO):%H:%M}" for slot in found]


def test_without_appointments_every_slot_of_business_hours_is_free(business, ann):
    found = slots(make_service(business, [ann]))
    assert walls(found) == ALL_DAY
    assert all(slot.staff_ids == (ann.pk,) and slot.seats_left == 1 for slot in found)


def test_an_appointment_blocks_its_staff_member_including_its_buffers(business, ann):
    service = make_service(business, [ann])
    other = make_service(business, [ann])
    book(other, [ann], at(10), at(10, 30), pre_buffer=15 * MINUTES, post_buffer=15 * MINUTES)  # 09:45-10:45
    times = walls(slots(service))
    assert not {"09:30", "10:00", "10:30"} & set(times)
    assert "09:00" in times and "11:00" in times


def test_a_cancelled_appointment_does_not_block(business, ann):
    service = make_service(business, [ann])
    book(service, [ann], at(10), at(10, 30), is_cancelled=True)
    book(service, [ann], at(12), at(12, 30), is_active=False)
    assert walls(slots(service)) == ALL_DAY


def test_an_appointment_read_from_graph_blocks_like_a_portal_one(business, ann):
    service = make_service(business, [ann])
    book(service, [ann], at(10), at(10, 30), origin=Origin.GRAPH)
    assert walls(slots(service)) == [wall for wall in ALL_DAY if wall != "10:00"]


def test_another_staff_members_appointment_does_not_block_this_one(business, ann, bob):
    service = make_service(business, [ann, bob])
    book(service, [bob], at(10), at(10, 30))
    by_time = {wall: slot.staff_ids for wall, slot in zip(walls(slots(service)), slots(service), strict=True)}
    assert by_time["10:00"] == (ann.pk,)
    assert by_time["09:00"] == tuple(sorted((ann.pk, bob.pk), key=str))
    assert walls(slots(service, staff_id=ann.pk)) == ALL_DAY


def test_buffers_reaching_into_the_window_from_outside_it_still_block(business, ann):
    service = make_service(business, [ann], post_buffer=30 * MINUTES)
    book(service, [ann], at(7), at(7, 45), post_buffer=30 * MINUTES)  # blocked until 08:15
    book(service, [ann], at(12, 30), at(13), pre_buffer=15 * MINUTES)  # blocked from 12:15
    times = walls(slots(service, start=at(8), end=at(12)))
    assert times[0] == "08:30"
    assert times[-1] == "11:00"  # 11:30 would need clear-up until 12:30


def test_a_group_appointment_with_seats_left_keeps_its_slot_and_blocks_other_times(business, ann):
    service = make_service(business, [ann], maximum_attendees_count=3)
    book(service, [ann], at(10), at(10, 30), customers=1)
    found = {wall: slot for wall, slot in zip(walls(slots(service)), slots(service), strict=True)}
    assert found["10:00"].seats_left == 2
    assert found["09:00"].seats_left == 3
    assert "09:30" in found and "10:30" in found  # back to back with the session is fine
    book(service, [ann], at(11), at(12), customers=1)  # a longer session blocks the half hour inside it
    assert "11:30" not in walls(slots(service))


def test_a_full_group_appointment_offers_no_slot(business, ann):
    service = make_service(business, [ann], maximum_attendees_count=2)
    book(service, [ann], at(10), at(10, 30), customers=2)
    assert "10:00" not in walls(slots(service))


def test_slots_match_the_engine_fed_by_hand(business, ann, bob):
    bob.use_business_hours = False
    bob.time_zone = "America/New_York"
    bob.working_hours = standard_week()  # 08:00-17:00 New York: 07:00-16:00 Chicago
    bob.save()
    service = make_service(business, [ann, bob], pre_buffer=10 * MINUTES, post_buffer=5 * MINUTES)
    book(service, [ann], at(9), at(10), pre_buffer=10 * MINUTES, post_buffer=5 * MINUTES)
    book(service, [bob], at(13), at(13, 30), origin=Origin.GRAPH)
    expected = free_slots(
        business=BusinessRules(zone=CHICAGO, hours=standard_week(), policy=POLICY),
        service=ServiceRules(
            id=service.pk,
            duration=30 * MINUTES,
            staff_ids=(ann.pk, bob.pk),
            pre_buffer=10 * MINUTES,
            post_buffer=5 * MINUTES,
        ),
        staff=[
            StaffRules(ann.pk, CHICAGO),
            StaffRules(bob.pk, ZoneInfo("America/New_York"), False, standard_week()),
        ],
        busy={
            ann.pk: [Interval(at(8, 50), at(10, 5))],
            bob.pk: [Interval(at(13), at(13, 30))],
        },
        now=at(0),
        window=Interval(at(0), at(0) + timedelta(days=1)),
    )
    assert slots(service) == expected


def test_the_chosen_staff_member_only_when_the_policy_allows_it(business, ann, bob):
    service = make_service(business, [ann, bob])
    book(service, [ann], at(10), at(10, 30))
    assert "10:00" not in walls(slots(service, staff_id=str(ann.pk)))
    stranger = StaffMemberFactory()  # another business's staff member
    assert slots(service, staff_id=stranger.pk) == ()
    assert slots(service, staff_id="not-an-id") == ()
    service.scheduling_policy = SchedulingPolicy(minimum_lead_time=timedelta(0), allow_staff_selection=False)
    service.save()
    assert "10:00" in walls(slots(service, staff_id=ann.pk))  # the choice is ignored


def test_no_slots_for_an_inactive_hidden_or_unstaffed_service_or_an_unpublished_business(business, ann):
    service = make_service(business, [ann])
    assert slots(service)
    ann.is_active = False
    ann.save()
    assert slots(service) == ()
    ann.is_active = True
    ann.save()
    for field, value in [("is_active", False), ("is_hidden_from_customers", True)]:
        setattr(service, field, value)
        assert slots(service) == ()
        setattr(service, field, not value)
    business.is_published = False
    business.save()
    service.refresh_from_db()
    assert slots(service) == ()


def test_the_lead_time_and_maximum_advance_come_from_the_policy(business, ann):
    service = make_service(business, [ann])
    business.scheduling_policy = SchedulingPolicy(minimum_lead_time=timedelta(hours=12))
    business.save()
    service.refresh_from_db()
    assert walls(slots(service))[0] == "12:00"


def fill(business, service, *, staff_count: int, appointments: int):
    """``staff_count`` staff on ``service`` and ``appointments`` spread over them in the month."""
    members = [StaffMemberFactory(business=business) for _ in range(staff_count)]
    service.staff_members.set(members)
    rows = []
    for number in range(appointments):
        day, hour = divmod(number // staff_count, 8)
        start = at(8 + hour) + timedelta(days=day % 28)
        rows.append(
            Appointment(
                business=business,
                service=service,
                start=start,
                end=start + 30 * MINUTES,
                origin=Origin.GRAPH if number % 2 else Origin.PORTAL,
            )
        )
    Appointment.objects.bulk_create(rows)
    AppointmentStaff.objects.bulk_create(
        AppointmentStaff(
            appointment=row,
            staff_member=members[number % staff_count],
            blocked_start=row.start,
            blocked_end=row.end,
        )
        for number, row in enumerate(rows)
    )
    AppointmentCustomer.objects.bulk_create(
        AppointmentCustomer(appointment=row, name="Guest") for row in rows
    )


@pytest.mark.parametrize("seats", [1, 5], ids=["single", "group"])
def test_the_number_of_queries_does_not_grow_with_staff_or_appointments(django_assert_num_queries, seats):
    def measure(staff_count, appointments):
        business = BusinessFactory(scheduling_policy=POLICY, is_published=True)
        service = ServiceFactory(business=business, maximum_attendees_count=seats)
        fill(business, service, staff_count=staff_count, appointments=appointments)
        return service

    small, large = measure(2, 10), measure(25, 500)
    window = {"start": at(0), "end": at(0) + timedelta(days=31), "now": at(0)}
    with CaptureQueriesContext(connection) as small_queries:
        assert slots_for_service(service=small, **window)
    with django_assert_num_queries(len(small_queries)):
        found = slots_for_service(service=large, **window)
    assert found
    assert len(small_queries) <= 4
