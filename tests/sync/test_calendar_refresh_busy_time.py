"""getStaffAvailability's busy time blocks slots, and each refresh replaces it rather than adding to it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bookings.graph.paths import business_path
from bookings.models import Appointment, BusyStatus, StaffBusyInterval, StaffMember
from tests.sync import test_calendar_refresh as spec
from tests.sync.conftest import CONTOSO, DANA, emulator_client
from tests.sync.test_calendar_refresh import (
    NOW,
    SAMANTHA,
    at,
    book_upstream,
    dana_slots,
    move_upstream,
    refresh,
)

# The app-only client and the mirrored Contoso of the main spec (getStaffAvailability needs app-only).
graph = spec.graph
contoso = spec.contoso

pytestmark = pytest.mark.django_db


def busy(graph_id: str) -> list[tuple]:
    rows = StaffBusyInterval.objects.filter(staff_member__graph_id=graph_id).order_by("start")
    return list(rows.values_list("start", "end", "status"))


def test_busy_ranges_are_stored_per_staff_member_with_buffers(graph, contoso):
    book_upstream(graph, at(16), staff=(DANA, SAMANTHA))

    result = refresh(graph)

    assert result.busy_intervals == 2 and result.busy_error == ""
    assert busy(DANA) == busy(SAMANTHA) == [(at(15, 55), at(16, 40), BusyStatus.BUSY)]
    assert StaffBusyInterval.objects.filter(fetched_at=NOW).count() == 2


def test_an_appointment_the_portal_cannot_read_still_blocks_its_staff_through_busy_time(
    graph, contoso, demo_emulator
):
    graph_id = book_upstream(graph, at(16))
    with demo_emulator.state.lock:  # a start in a zone only Bookings understands
        item = demo_emulator.state.business(CONTOSO).items["appointments"][graph_id]
        item["startDateTime"] = {"dateTime": "2031-03-04T10:00:00", "timeZone": "(UTC-06:00) Central Time"}

    result = refresh(graph)

    assert result.skipped == 1 and not Appointment.objects.exists()
    assert busy(DANA) == [(at(15, 55), at(16, 40), BusyStatus.BUSY)]
    assert at(16) not in dana_slots() and at(17) in dana_slots()


def test_each_refresh_replaces_the_busy_time_of_its_window(graph, contoso):
    graph_id = book_upstream(graph, at(16))
    refresh(graph)
    refresh(graph)
    assert len(busy(DANA)) == 1
    move_upstream(graph, graph_id, at(19))

    refresh(graph)

    assert busy(DANA) == [(at(18, 55), at(19, 40), BusyStatus.BUSY)]
    graph.delete(business_path(CONTOSO, "appointments", graph_id))
    assert refresh(graph).busy_intervals == 0 and busy(DANA) == []


def test_busy_time_outside_the_window_is_kept_and_long_past_time_is_dropped(graph, contoso):
    dana = StaffMember.objects.get(graph_id=DANA)
    beyond = NOW + timedelta(days=400)
    for start in (beyond, NOW - timedelta(days=5)):
        StaffBusyInterval.objects.create(
            staff_member=dana, start=start, end=start + timedelta(hours=1), fetched_at=NOW
        )
    # One that straddles the window's start keeps the part before it.
    StaffBusyInterval.objects.create(
        staff_member=dana, start=NOW - timedelta(days=1, hours=2), end=NOW, fetched_at=NOW
    )

    refresh(graph)

    assert [(start, end) for start, end, _status in busy(DANA)] == [
        (NOW - timedelta(days=1, hours=2), NOW - timedelta(days=1)),
        (beyond, beyond + timedelta(hours=1)),
    ]


def test_with_a_delegated_token_busy_time_is_reported_missing_and_appointments_still_refresh(
    demo_emulator, graph, contoso
):
    graph_id = book_upstream(graph, at(16))
    dana = StaffMember.objects.get(graph_id=DANA)
    kept = StaffBusyInterval.objects.create(staff_member=dana, start=at(20), end=at(21), fetched_at=NOW)

    with emulator_client(demo_emulator) as delegated:  # Graph serves getStaffAvailability to apps only
        result = refresh(delegated)

    assert result.ok and result.created == 1 and Appointment.objects.get().graph_id == graph_id
    assert "403" in result.busy_error and "getStaffAvailability" in result.busy_error
    assert list(StaffBusyInterval.objects.all()) == [kept]  # not known to be stale: left as it was


def test_busy_time_of_staff_not_mirrored_here_is_skipped(graph, contoso, demo_emulator):
    StaffMember.objects.filter(graph_id=SAMANTHA).update(is_active=False)
    book_upstream(graph, at(16), staff=(DANA, SAMANTHA))

    result = refresh(graph)

    assert busy(SAMANTHA) == [] and len(busy(DANA)) == 1
    requests = [r for r in demo_emulator.requests if r.path.endswith("getStaffAvailability")]
    assert len(requests) == 1 and result.busy_intervals == 1


def test_getstaffavailability_failing_leaves_busy_time_as_it_was_and_appointments_refresh(
    graph, contoso, demo_emulator
):
    book_upstream(graph, at(16))
    refresh(graph)
    book_upstream(graph, at(18))
    demo_emulator.faults.add(method="POST", path=r"/getStaffAvailability$", status=500)

    result = refresh(graph)

    assert result.ok and result.created == 1 and "500" in result.busy_error
    assert busy(DANA) == [(at(15, 55), at(16, 40), BusyStatus.BUSY)]
    assert at(18) not in dana_slots()
