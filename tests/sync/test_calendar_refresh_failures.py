"""Refreshing every business: one failing leaves itself as it was and the others still refresh."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bookings.graph.paths import business_path
from bookings.models import Appointment, Business
from bookings.sync import refresh_all_calendars
from tests.factories import BusinessFactory
from tests.sync import test_calendar_refresh as spec
from tests.sync.conftest import CONTOSO, FABRIKAM, sync_one
from tests.sync.test_calendar_refresh import NOW, at, book_upstream, dtz

graph = spec.graph
contoso = spec.contoso

pytestmark = pytest.mark.django_db


@pytest.fixture
def fabrikam(graph) -> Business:
    assert sync_one(graph, FABRIKAM).state == "succeeded"
    return Business.objects.get(graph_id=FABRIKAM)


def book_at_fabrikam(graph) -> str:
    body = {"startDateTime": dtz(at(17)), "endDateTime": dtz(at(17, 30)), "customerName": "Ann"}
    return graph.post(business_path(FABRIKAM, "appointments"), body)["id"]


def test_every_active_business_with_a_mailbox_is_refreshed(graph, contoso, fabrikam):
    ours = book_upstream(graph, at(16))
    theirs = book_at_fabrikam(graph)
    BusinessFactory(is_active=False, graph_id="closed@contoso.onmicrosoft.com")

    results = refresh_all_calendars(graph, now=NOW)

    assert [r.business_id for r in results] == [CONTOSO, FABRIKAM]  # by display name
    assert all(r.ok and r.created == 1 for r in results)
    assert Appointment.objects.get(graph_id=ours).business == contoso
    assert Appointment.objects.get(graph_id=theirs).business == fabrikam


def test_a_graph_error_for_one_business_does_not_stop_the_others(graph, contoso, fabrikam, demo_emulator):
    book_upstream(graph, at(16))
    theirs = book_at_fabrikam(graph)
    missing = BusinessFactory(display_name="Aardvark", graph_id="gone@contoso.onmicrosoft.com")
    demo_emulator.faults.add(
        method="GET", path=r"Contosolunchdelivery@[^/]+/calendarView", status=503, times=None
    )

    with spec.app_client(demo_emulator, max_retries=1) as client:
        gone, contoso_result, fabrikam_result = refresh_all_calendars(client, now=NOW)

    assert gone.business_id == missing.graph_id and "ErrorNonExistentMailbox" in gone.error
    assert "503" in contoso_result.error and not contoso_result.ok
    assert fabrikam_result.ok and Appointment.objects.get().graph_id == theirs


def test_a_failed_refresh_changes_nothing_not_even_what_vanished(graph, contoso, demo_emulator):
    graph_id = book_upstream(graph, at(16))
    spec.refresh(graph)
    graph.delete(business_path(CONTOSO, "appointments", graph_id))
    demo_emulator.page_size = 1
    book_upstream(graph, at(18))
    book_upstream(graph, at(19))
    demo_emulator.faults.add(method="GET", path=r"/calendarView$", status=500, times=None)

    with spec.app_client(demo_emulator, max_retries=0) as client:
        from bookings.sync import refresh_calendar

        result = refresh_calendar(client, contoso, now=NOW)

    assert not result.ok and result.created == result.removed == 0
    assert list(Appointment.objects.values_list("graph_id", "is_cancelled")) == [(graph_id, False)]


def test_a_business_without_staff_skips_getstaffavailability(graph, fabrikam, demo_emulator):
    fabrikam.staff_members.update(is_active=False)

    (result,) = refresh_all_calendars(graph, now=NOW)

    assert result.ok and result.busy_error == "" and result.busy_intervals == 0
    assert not [r for r in demo_emulator.requests if r.path.endswith("getStaffAvailability")]


def test_no_business_no_requests(graph, demo_emulator):
    assert refresh_all_calendars(graph, now=NOW + timedelta(days=1)) == []
    assert demo_emulator.requests == []
