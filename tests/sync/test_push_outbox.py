"""``sync.push``: every change recorded in the outbox reaches Graph once, whatever fails on the way.

The emulator is Graph here (real HTTP on loopback); faults are injected into it, never into our code.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings import booking
from bookings.graph.errors import GraphNotFound
from bookings.graph.paths import business_path
from bookings.models import Appointment, Business, Customer, OutboxItem, OutboxState
from bookings.sync.push import claim_due, push_due, retry_dead, sweep

from .conftest import (
    BENTO,
    CONTOSO,
    DANA,
    later,
    new_booking,
    push_until_quiet,
    upstream_appointments,
    upstream_customers,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def graph(worker_graph):
    return worker_graph


def states() -> list[str]:
    return list(OutboxItem.objects.order_by("id").values_list("state", flat=True))


def test_a_booking_reaches_graph_with_its_customer_and_graph_ids_come_back(graph, contoso):
    before = len(upstream_appointments(graph))
    appointment = new_booking(contoso)

    summary = push_due(graph)

    assert summary.delivered == 2 and states() == ["done", "done"]
    appointment.refresh_from_db()
    customer = Customer.objects.get(email_address="jordan@example.com")
    assert appointment.graph_id and customer.graph_id
    upstream = graph.get(business_path(CONTOSO, "appointments", appointment.graph_id))
    assert upstream["serviceId"] == BENTO and upstream["staffMemberIds"] == [DANA]
    assert upstream["customers"][0]["customerId"] == customer.graph_id
    assert upstream["optOutOfCustomerEmail"] is True  # the portal sends its own confirmation
    assert len(upstream_appointments(graph)) == before + 1
    assert len(upstream_customers(graph, "jordan@example.com")) == 1


def test_a_create_whose_answer_was_lost_is_found_not_sent_again(graph, contoso, demo_emulator):
    before = len(upstream_appointments(graph))
    demo_emulator.faults.add(method="POST", path=r"/appointments$", lose_response=True)
    demo_emulator.faults.add(method="POST", path=r"/customers$", lose_response=True)
    appointment = new_booking(contoso)

    first = push_due(graph)
    assert first.retrying >= 1

    assert push_until_quiet(graph).adopted == 2

    appointment.refresh_from_db()
    assert appointment.graph_id
    assert len(upstream_appointments(graph)) == before + 1
    assert len(upstream_customers(graph, "jordan@example.com")) == 1
    assert states() == ["done", "done"]


def test_a_create_lost_before_the_booking_moved_is_found_where_it_was_sent_then_moved(
    graph, contoso, demo_emulator
):
    before = len(upstream_appointments(graph))
    demo_emulator.faults.add(method="POST", path=r"/appointments$", lose_response=True)
    appointment = new_booking(contoso)
    push_due(graph)  # the customer arrives; the appointment is created but its answer is lost
    later_start = appointment.start + timedelta(hours=2)
    booking.update_appointment(appointment, {"start": later_start, "end": later_start + appointment.duration})

    push_until_quiet(graph)

    appointment.refresh_from_db()
    assert len(upstream_appointments(graph)) == before + 1
    upstream = graph.get(business_path(CONTOSO, "appointments", appointment.graph_id))
    assert upstream["startDateTime"]["dateTime"].startswith(later_start.strftime("%Y-%m-%dT%H:%M"))


def test_throttling_waits_for_retry_after(graph, contoso, demo_emulator):
    demo_emulator.faults.add(method="POST", path=r"/customers$", status=429, retry_after=120, times=20)
    new_booking(contoso)

    push_due(graph)

    item = OutboxItem.objects.get(target_type="customer")
    assert item.state == OutboxState.PENDING
    assert item.next_attempt_at >= timezone.now() + timedelta(seconds=100)
    assert not claim_due(now=timezone.now())  # nothing due before Retry-After (the appointment waits too)


def test_a_refusal_graph_will_repeat_marks_the_item_dead_and_retry_sends_it_again(
    graph, contoso, demo_emulator
):
    demo_emulator.faults.add(method="POST", path=r"/customers$", status=400)
    appointment = new_booking(contoso)

    push_due(graph)

    dead = OutboxItem.objects.get(target_type="customer")
    assert dead.state == OutboxState.DEAD and "400" in dead.last_error
    assert OutboxItem.objects.get(target_type="appointment").state == OutboxState.PENDING  # waits behind it

    assert retry_dead(OutboxItem.objects.all()) == 1
    push_due(graph, clock=later())

    appointment.refresh_from_db()
    assert appointment.graph_id and states() == ["done", "done"]


def test_a_worker_that_died_mid_push_leaves_items_the_sweeper_returns(graph, contoso, settings):
    before = len(upstream_appointments(graph))
    new_booking(contoso)
    claimed = claim_due(now=timezone.now())  # a worker claims both items and dies
    assert {item.state for item in claimed} == {OutboxState.IN_FLIGHT}

    assert push_due(graph).delivered == 0  # nothing to claim while the lease holds
    expired = timezone.now() + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1)
    assert sweep(now=expired) == [Business.objects.get(graph_id__iexact=CONTOSO).pk]

    push_due(graph, clock=later())

    assert states() == ["done", "done"]
    assert len(upstream_appointments(graph)) == before + 1


def test_a_move_then_a_cancellation_reach_graph_in_order(graph, contoso, demo_emulator):
    appointment = new_booking(contoso)
    push_due(graph)
    later_start = appointment.start + timedelta(hours=1)
    booking.update_appointment(appointment, {"start": later_start, "end": later_start + appointment.duration})
    booking.cancel_appointment(appointment, message="Sorry, I am ill")

    push_due(graph)

    assert states() == ["done", "done", "done", "done"]
    appointment.refresh_from_db()
    (patch, patched, *_), (post, cancelled, *_) = demo_emulator.requests[-2:]
    assert (patch, post) == ("PATCH", "POST")
    assert "/appointments/" in patched and cancelled.endswith("/cancel")
    with pytest.raises(GraphNotFound):  # Graph forgets cancelled appointments
        graph.get(business_path(CONTOSO, "appointments", appointment.graph_id))


def test_a_booking_cancelled_before_graph_heard_of_it_is_never_sent(graph, contoso):
    before = len(upstream_appointments(graph))
    appointment = new_booking(contoso)
    booking.cancel_appointment(appointment)

    push_due(graph)

    assert len(upstream_appointments(graph)) == before
    assert set(states()) == {"done"}


def test_consecutive_updates_waiting_for_a_worker_are_merged(graph, contoso):
    appointment = new_booking(contoso)
    push_due(graph)
    booking.update_appointment(appointment, {"price": 12.5})
    booking.update_appointment(appointment, {"appointment_label": "VIP"})

    updates = OutboxItem.objects.filter(kind="update")
    assert updates.count() == 1 and sorted(updates.get().changed) == ["appointment_label", "price"]
    push_due(graph)
    upstream = graph.get(business_path(CONTOSO, "appointments", Appointment.objects.get().graph_id))
    assert upstream["price"] == 12.5 and upstream["appointmentLabel"] == "VIP"


def test_never_more_than_four_requests_at_once_for_one_mailbox(graph, contoso, demo_emulator):
    demo_emulator.faults.add(method="*", path=r".*", latency_ms=30, times=None)
    for number in range(12):
        new_booking(contoso, hours_ahead=30 + number, email=f"guest{number}@example.com")

    push_due(graph)

    assert set(states()) == {"done"}
    assert demo_emulator.max_concurrency[CONTOSO.lower()] <= 4
