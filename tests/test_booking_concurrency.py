"""Concurrent writes: two bookings by the same new customer at the same moment."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from bookings import booking
from bookings.models import Appointment, Customer
from tests.factories import BusinessFactory, ServiceFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_bookings_by_a_new_customer_make_one_customer_and_two_appointments():
    business = BusinessFactory()
    service = ServiceFactory(business=business)
    start = datetime(2030, 5, 6, 15, tzinfo=UTC)
    ready = threading.Barrier(2)
    errors: list[BaseException] = []

    def book(offset: int) -> None:
        try:
            ready.wait(timeout=10)
            booking.create_appointment(
                business=business,
                service=service,
                start=start + timedelta(hours=offset),
                customers=[booking.CustomerDetails(name="Adele Vance", email_address="adelev@proseware.com")],
            )
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(offset,)) for offset in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors, errors
    assert Appointment.objects.filter(business=business).count() == 2
    customers = Customer.objects.filter(business=business)
    assert customers.count() == 1
    assert {row.customer_id for row in Appointment.objects.get(start=start).customer_rows.all()} == {
        customers.get().pk
    }
