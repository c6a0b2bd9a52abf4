"""The booking pages' slot cache: a repeated look-up is a cache read, and a booking is seen at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings import booking
from bookings.booking import CustomerDetails
from bookings.display import slot_value

from .conftest import a_free_slot

pytestmark = pytest.mark.django_db(transaction=True)  # invalidation happens on commit


def offered(client, service) -> set[str]:
    response = client.get(f"/book/salon/{service.pk}/slots.json", {"days": "3"})
    assert response.status_code == 200
    return {entry["start"] for entry in response.json()["slots"]}


def test_the_same_look_up_again_reads_the_cache_not_the_schedule(client, service):
    offered(client, service)
    with CaptureQueriesContext(connection) as queries:
        offered(client, service)
    assert len(queries) <= 2, [query["sql"] for query in queries]  # the business and service only


def test_a_booking_anywhere_in_the_portal_is_seen_by_the_next_look_up(client, service, ann, bob):
    slot = a_free_slot(service)
    assert slot_value(slot.start) in offered(client, service)
    question = str(service.question_assignments.order_by("position")[0].question_id)
    for number in range(2):  # both staff members: the time is gone
        booking.book(
            service=service,
            start=slot.start,
            customer=CustomerDetails(name=f"C{number}", email_address=f"c{number}@example.com"),
            answers={question: "none"},
            now=timezone.now(),
        )
    assert slot_value(slot.start) not in offered(client, service)


def test_without_a_cache_the_pages_still_work(client, service, settings):
    settings.SLOT_CACHE_SECONDS = 0
    assert offered(client, service) == offered(client, service)


def test_unpublishing_ends_cached_answers_at_once(client, service, business):
    from bookings import resources

    offered(client, service)
    resources.unpublish_business(business)
    assert client.get(f"/book/salon/{service.pk}/slots.json", {"days": "3"}).status_code == 404


def test_a_cached_answer_is_still_checked_for_bad_queries(client, service):
    offered(client, service)
    assert client.get(f"/book/salon/{service.pk}/slots.json", {"days": "0"}).status_code == 400
