"""An appointment made in Bookings over a portal booking's time is kept, and flagged for the owner."""

from __future__ import annotations

import logging

import pytest

from bookings.booking import cancel_appointment, create_appointment
from bookings.models import Appointment, Service, StaffMember
from tests.sync import test_calendar_refresh as spec
from tests.sync.conftest import BENTO, DANA
from tests.sync.test_calendar_refresh import (
    SAMANTHA,
    at,
    book_upstream,
    mirrored,
    move_upstream,
    refresh,
)

# The app-only client and the mirrored Contoso of the main spec (getStaffAvailability needs app-only).
graph = spec.graph
contoso = spec.contoso

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal_booking(contoso) -> Appointment:
    """Dana's 16:00 Bento, booked on the portal (not yet pushed)."""
    return create_appointment(
        business=contoso,
        service=Service.objects.get(graph_id=BENTO),
        start=at(16),
        staff_members=[StaffMember.objects.get(graph_id=DANA)],
    )


def test_an_overlap_with_a_portal_booking_of_the_same_staff_member_is_flagged_and_logged(
    graph, portal_booking, caplog
):
    graph_id = book_upstream(graph, at(16, 15))
    caplog.set_level(logging.WARNING, logger="bookings.sync.calendar")

    result = refresh(graph)

    assert result.flagged == 1 and result.created == 1
    assert mirrored(graph_id).overlaps_portal_booking
    assert any(
        graph_id in record.getMessage() and "overlaps" in record.getMessage() for record in caplog.records
    )
    portal_booking.refresh_from_db()
    assert not portal_booking.overlaps_portal_booking and not portal_booking.is_cancelled


def test_buffers_count_when_deciding_overlap(graph, portal_booking):
    graph_id = book_upstream(graph, at(16, 40))  # Dana's 16:00 blocks until 16:40, this from 16:35

    refresh(graph)

    assert mirrored(graph_id).overlaps_portal_booking


def test_the_same_time_for_another_staff_member_is_no_overlap(graph, portal_booking):
    graph_id = book_upstream(graph, at(16), staff=(SAMANTHA,))

    assert refresh(graph).flagged == 0
    assert not mirrored(graph_id).overlaps_portal_booking


def test_the_flag_clears_when_bookings_moves_the_appointment_away(graph, portal_booking):
    graph_id = book_upstream(graph, at(16))
    refresh(graph)
    move_upstream(graph, graph_id, at(19))

    result = refresh(graph)

    assert result.unflagged == 1 and not mirrored(graph_id).overlaps_portal_booking


def test_the_flag_clears_when_the_portal_booking_is_cancelled(graph, portal_booking):
    graph_id = book_upstream(graph, at(16))
    refresh(graph)
    cancel_appointment(portal_booking)

    assert refresh(graph).unflagged == 1
    assert not mirrored(graph_id).overlaps_portal_booking


def test_a_flagged_appointment_is_flagged_once_not_on_every_refresh(graph, portal_booking):
    graph_id = book_upstream(graph, at(16))
    refresh(graph)

    again = refresh(graph)

    assert again.flagged == 0 and again.unflagged == 0 and mirrored(graph_id).overlaps_portal_booking
