"""Many customers, few slots, at the same moment: exactly the capacity is booked, everyone else is
told the slot was just taken. Real connections from real threads, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from bookings import booking
from bookings.booking import CustomerDetails
from bookings.exceptions import SlotUnavailable
from bookings.models import Appointment, AppointmentCustomer, AppointmentStaff
from bookings.values import SchedulingPolicy, standard_week
from tests.factories import BusinessFactory, ServiceFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db(transaction=True)

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2030, 5, 6, tzinfo=CHICAGO)  # a Monday; business hours 08:00-17:00 Chicago
POLICY = SchedulingPolicy(minimum_lead_time=timedelta(0), maximum_advance=timedelta(days=365))
ATTEMPTS = 200
WORKERS = 20


def make_service(**fields):
    business = BusinessFactory(business_hours=standard_week(), scheduling_policy=POLICY, is_published=True)
    service = ServiceFactory(business=business, default_duration=timedelta(minutes=30), **fields)
    service.staff_members.set([StaffMemberFactory(business=business)])
    return service


def race(service, starts: list[datetime]) -> Counter:
    """``ATTEMPTS`` bookings spread over ``starts``, all let go at once; how each one ended."""
    go = threading.Event()

    def attempt(number: int) -> str:
        try:
            go.wait(timeout=10)
            details = CustomerDetails(name=f"Customer {number}", email_address=f"c{number}@example.com")
            booking.book(service=service, start=starts[number % len(starts)], customer=details, now=NOW)
            return "booked"
        except SlotUnavailable:
            return "just taken"
        except Exception as error:  # counted, so the assertion shows what went wrong
            return f"{type(error).__name__}: {error}"
        finally:
            connection.close()  # each thread has its own connection: give it back

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = [pool.submit(attempt, number) for number in range(ATTEMPTS)]
        go.set()
        return Counter(future.result(timeout=60) for future in futures)


def test_ten_single_seat_slots_taken_by_two_hundred_customers_at_once_give_exactly_ten_bookings():
    service = make_service()
    starts = [NOW.replace(hour=9) + timedelta(minutes=30 * n) for n in range(10)]

    outcomes = race(service, starts)

    assert outcomes == {"booked": 10, "just taken": 190}
    booked = Appointment.objects.filter(service=service)
    assert sorted(booked.values_list("start", flat=True)) == starts
    assert AppointmentStaff.objects.filter(appointment__service=service).count() == 10
    assert AppointmentCustomer.objects.filter(appointment__service=service).count() == 10


def test_a_group_slot_with_five_seats_taken_by_two_hundred_customers_at_once_gives_exactly_five():
    service = make_service(maximum_attendees_count=5)
    start = NOW.replace(hour=9)

    outcomes = race(service, [start])

    assert outcomes == {"booked": 5, "just taken": 195}
    session = Appointment.objects.get(service=service)
    assert session.start == start
    assert session.customer_rows.count() == 5
