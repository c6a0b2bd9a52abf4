"""``sync.push`` sends a claim's first-attempt creates in ``$batch``; each inner answer counts as the
same answer to a single request would (stored, looked up before re-creating, waited for, or dead).

The emulator is Graph (real HTTP on loopback, ``$batch`` with inner throttling); faults are injected
into it, never into our code.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.graph.paths import business_path
from bookings.models import Appointment, Business, Customer, OutboxItem, OutboxState
from bookings.sync.push import claim_due, deliver_batch, push_due

from .conftest import (
    CONTOSO,
    emulator_client,
    new_booking,
    push_until_quiet,
    sync_one,
    upstream_appointments,
    upstream_customers,
)

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = 3


@pytest.fixture
def graph(worker_graph):
    return worker_graph


def book_several(contoso) -> list[Appointment]:
    """Bookings by PEOPLE new customers, a day apart."""
    return [
        new_booking(contoso, hours_ahead=30 + 24 * number, email=f"guest{number}@example.com")
        for number in range(PEOPLE)
    ]


def batches_sent(emulator) -> int:
    return len(batch_request_ids(emulator))


def batch_request_ids(emulator) -> set[str | None]:
    return {
        r.client_request_id for r in emulator.requests if r.method == "POST" and r.path.endswith("$batch")
    }


def item_state(target_type: str, target_id) -> str:
    return OutboxItem.objects.get(target_type=target_type, target_id=target_id).state


def test_creates_travel_in_batches_and_their_graph_ids_come_back(graph, contoso, demo_emulator):
    before = len(upstream_appointments(graph))
    appointments = book_several(contoso)

    summary = push_due(graph)

    assert summary.delivered == 2 * PEOPLE and summary.retrying == summary.dead == 0
    assert batches_sent(demo_emulator) == 2  # the customers' batch, then the appointments'
    creates = [
        r
        for r in demo_emulator.requests
        if r.method == "POST" and r.path.endswith(("/appointments", "/customers"))
    ]
    assert len(creates) == 2 * PEOPLE
    assert {r.client_request_id for r in creates} <= batch_request_ids(demo_emulator)  # inner, not single
    for appointment in appointments:
        appointment.refresh_from_db()
        customer = Customer.objects.get(pk=appointment.customer_rows.get().customer_id)
        upstream = graph.get(business_path(CONTOSO, "appointments", appointment.graph_id))
        assert upstream["customers"][0]["customerId"] == customer.graph_id
    assert len(upstream_appointments(graph)) == before + PEOPLE
    assert {t for _business, t, _end in summary.touched_windows} == {a.start for a in appointments}


def test_an_inner_create_whose_answer_was_lost_is_looked_up_not_sent_again(graph, contoso, demo_emulator):
    before = len(upstream_appointments(graph))
    # Inside a $batch a lost answer comes back as 504 after the create happened.
    demo_emulator.faults.add(method="POST", path=r"/appointments$", lose_response=True)
    demo_emulator.faults.add(method="POST", path=r"/customers$", lose_response=True)
    appointments = book_several(contoso)

    first = push_due(graph)
    assert first.retrying >= 1

    assert push_until_quiet(graph).adopted == 2
    assert len(upstream_appointments(graph)) == before + PEOPLE
    for number, appointment in enumerate(appointments):
        appointment.refresh_from_db()
        assert appointment.graph_id
        assert len(upstream_customers(graph, f"guest{number}@example.com")) == 1
    assert not OutboxItem.objects.exclude(state=OutboxState.DONE).exists()


def test_an_inner_gateway_timeout_before_the_create_is_looked_up_then_sent_once(
    graph, contoso, demo_emulator
):
    before = len(upstream_appointments(graph))
    demo_emulator.faults.add(method="POST", path=r"/appointments$", status=504)
    book_several(contoso)

    push_until_quiet(graph)

    assert len(upstream_appointments(graph)) == before + PEOPLE
    looked_up = [r for r in demo_emulator.requests if r.method == "GET" and "/calendarView" in r.path]
    assert looked_up  # the item whose POST got 504 searched Graph before sending again
    assert not OutboxItem.objects.exclude(state=OutboxState.DONE).exists()


def test_an_inner_429_waits_for_retry_after(demo_emulator, settings):
    # A client that hands every 429 back at once, so the outbox (not a thread) does the waiting.
    with emulator_client(demo_emulator, max_retries=0, max_inline_wait=5) as graph:
        sync_one(graph)
        contoso = Business.objects.get(graph_id__iexact=CONTOSO)
        demo_emulator.faults.add(method="POST", path=r"/customers$", status=429, retry_after=120, times=1)
        book_several(contoso)

        summary = push_due(graph)

    waiting = OutboxItem.objects.get(target_type="customer", state=OutboxState.PENDING)
    assert waiting.next_attempt_at >= timezone.now() + timedelta(seconds=100)
    assert summary.retrying == 1
    # The other customers and their appointments went on; the throttled one's appointment waits.
    assert OutboxItem.objects.filter(state=OutboxState.DONE).count() == 2 * (PEOPLE - 1)
    assert OutboxItem.objects.filter(state=OutboxState.PENDING).count() == 2


def test_an_inner_refusal_kills_only_its_own_item(graph, contoso, demo_emulator):
    demo_emulator.faults.add(method="POST", path=r"/customers$", status=400, times=1)
    appointments = book_several(contoso)

    summary = push_due(graph)

    assert summary.dead == 1
    dead = OutboxItem.objects.get(state=OutboxState.DEAD)
    assert dead.target_type == "customer" and dead.last_error
    refused = Customer.objects.get(pk=dead.target_id)
    assert not refused.graph_id
    for appointment in appointments:
        appointment.refresh_from_db()
        customer = appointment.customer_rows.get().customer
        if customer.pk == refused.pk:
            assert item_state("appointment", appointment.pk) == OutboxState.PENDING  # waits for its customer
            assert not appointment.graph_id
        else:
            assert customer.graph_id and appointment.graph_id
            assert item_state("appointment", appointment.pk) == OutboxState.DONE


def test_a_create_skipped_after_a_failure_in_its_lane_goes_back_as_never_sent(graph, contoso, demo_emulator):
    # Eight customers travel in one batch as 4 lanes of 2: each waits for the one before it.
    demo_emulator.faults.add(method="POST", path=r"/customers$", status=400, times=1)
    for number in range(8):
        new_booking(contoso, hours_ahead=30 + 24 * number, email=f"lane{number}@example.com")

    summary = push_due(graph)

    customers = list(OutboxItem.objects.filter(target_type="customer").order_by("id"))
    refused = next(n for n, item in enumerate(customers) if item.state == OutboxState.DEAD)
    assert summary.dead == 1 and refused < 4  # a lane's first request
    skipped = customers[refused + 4]  # Graph answered 424: it was not sent, so no look-up is needed
    assert skipped.state == OutboxState.DONE and skipped.attempts == 1 and not skipped.last_attempt
    assert statuses_of(demo_emulator, "GET", "/customers") == []
    for number in range(8):
        assert len(upstream_customers(graph, f"lane{number}@example.com")) == int(number != refused)


def test_a_batch_is_recorded_in_as_many_queries_for_twelve_items_as_for_three(graph, contoso):
    def queries_to_deliver(first: int, people: int) -> tuple[int, int]:
        for number in range(first, first + people):
            new_booking(contoso, hours_ahead=30 + 24 * number, email=f"count{number}@example.com")
        claimed = claim_due(now=timezone.now(), limit=2 * people)
        with CaptureQueriesContext(connection) as customers:
            deliver_batch(graph, [item for item in claimed if item.target_type == "customer"])
        with CaptureQueriesContext(connection) as appointments:
            deliver_batch(graph, [item for item in claimed if item.target_type == "appointment"])
        assert not OutboxItem.objects.exclude(state=OutboxState.DONE).exists()
        return len(customers), len(appointments)

    assert queries_to_deliver(0, 3) == queries_to_deliver(3, 12)


def statuses_of(emulator, method: str, pattern: str) -> list[int]:
    return [r.status for r in emulator.requests if r.method == method and pattern in r.path]
