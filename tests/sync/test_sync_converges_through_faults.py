"""Throttling, server errors and timeouts on Graph's side delay a sync; they do not change its result."""

from __future__ import annotations

import pytest

from bookings.models import Business, Service, StaffMember
from tests.sync.conftest import CONTOSO, FABRIKAM, emulator_client, sync

pytestmark = pytest.mark.django_db


def mirrored() -> dict:
    return {
        model.__name__: sorted(model.objects.values_list("graph_id", "display_name"))
        for model in (Business, StaffMember, Service)
    }


def clean_result(emulator) -> dict:
    """What a fault-free sync of the same tenant gives."""
    with emulator_client(emulator) as client:
        sync(client)
    result = mirrored()
    for model in (Service, StaffMember, Business):
        model.objects.all().delete()
    return result


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 429, "retry_after": 0.05, "times": 3},
        {"status": 503, "times": 3},
        {"status": 504, "times": 2},
        {"timeout": 0.5, "times": 2},
        {"reset": True, "times": 2},
    ],
    ids=["429", "503", "504", "timeout", "reset"],
)
@pytest.mark.parametrize("path", [r"/staffMembers$", r"/services/", r"bookingBusinesses/[^/]+$"])
def test_injected_faults_on_gets_still_converge(demo_emulator, fault, path):
    expected = clean_result(demo_emulator)
    demo_emulator.faults.add(method="GET", path=path, **fault)

    with emulator_client(demo_emulator, timeout=0.3) as client:
        runs = sync(client)

    assert [run.state for run in runs] == ["succeeded", "succeeded"]
    assert mirrored() == expected
    assert any(r.status in (0, 429, 503, 504) for r in demo_emulator.requests)


def test_random_transient_faults_everywhere_still_converge(demo_emulator):
    expected = clean_result(demo_emulator)
    demo_emulator.fault_rate = 0.3
    demo_emulator.retry_after = 0.01

    with emulator_client(demo_emulator, max_retries=10) as client:
        runs = sync(client)

    assert {run.state for run in runs} == {"succeeded"}
    assert mirrored() == expected


def test_the_four_request_cap_per_mailbox_is_respected_while_reading(demo_emulator, graph):
    for n in range(12):
        demo_emulator.add_service(CONTOSO, {"displayName": f"Extra {n}", "defaultDuration": "PT15M"})
    demo_emulator.latency_ms = 20

    runs = sync(graph, CONTOSO, FABRIKAM)

    assert {run.state for run in runs} == {"succeeded"}
    assert max(demo_emulator.max_concurrency.values()) <= 4
    assert not [r for r in demo_emulator.requests if r.status == 429]
