"""Ids with @, /, + and = travel percent-encoded and reach the right item (contract §1)."""

from bookings.graph import business_path
from tests.conftest import example
from tests.graph.conftest import CONTOSO
from tests.graph_emulator.demo import CLASS_APPOINTMENT


def test_appointment_id_with_slash_and_plus_is_read_by_id(graph):
    assert "/" in CLASS_APPOINTMENT and "+" in CLASS_APPOINTMENT and "=" in CLASS_APPOINTMENT
    appointment = graph.get(business_path(CONTOSO, "appointments", CLASS_APPOINTMENT))
    assert appointment["id"] == CLASS_APPOINTMENT


def test_created_appointment_round_trips_through_get_patch_cancel(demo_emulator, graph):
    created = graph.post(
        business_path(CONTOSO, "appointments"), example("bookingappointment-create.request.json")
    )
    path = business_path(CONTOSO, "appointments", created["id"])

    assert graph.get(path)["id"] == created["id"]
    assert graph.patch(path, {"serviceNotes": "Ring twice."}) is None  # 204
    assert graph.get(path)["serviceNotes"] == "Ring twice."
    assert graph.post(f"{path}/cancel", {"cancellationMessage": "Closed today."}) is None
    assert demo_emulator.cancelled(CONTOSO)[created["id"]]["cancellationMessage"] == "Closed today."


def test_business_id_case_does_not_matter(graph):
    assert graph.get(business_path(CONTOSO.upper()))["id"].lower() == CONTOSO.lower()
