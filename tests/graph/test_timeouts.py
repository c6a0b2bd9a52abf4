"""No response: reads and PATCHes are retried; a create raises GraphTimeout so the caller looks first."""

import pytest

from bookings.graph import GraphTimeout, business_path
from tests.graph.conftest import CONTOSO, client_for, statuses
from tests.graph_emulator import start_emulator

CUSTOMER = {
    "@odata.type": "#microsoft.graph.bookingCustomer",
    "displayName": "Joni",
    "emailAddress": "j@x.com",
}


@pytest.fixture
def impatient(demo_emulator, naps):
    """A client whose reads give up after 0.3 s (the emulator holds a timed-out request for 3 s)."""
    with client_for(demo_emulator, naps, timeout=0.3) as client:
        yield client


def test_read_that_times_out_is_retried(demo_emulator, impatient):
    demo_emulator.faults.add(method="GET", path=r"/services$", timeout=3)
    assert impatient.get(business_path(CONTOSO, "services"))["value"]
    assert statuses(demo_emulator, "GET", "/services") == [0, 200]


def test_read_whose_connection_is_reset_is_retried(demo_emulator, graph):
    demo_emulator.faults.add(method="GET", path=r"/staffMembers$", reset=True, times=2)
    assert graph.list_all(business_path(CONTOSO, "staffMembers"))
    assert statuses(demo_emulator, "GET", "/staffMembers") == [0, 0, 200]


def test_reads_that_never_answer_end_as_graph_timeout(demo_emulator, naps):
    demo_emulator.faults.add(method="GET", path=r"/services$", reset=True, times=None)
    with client_for(demo_emulator, naps, max_retries=2) as graph, pytest.raises(GraphTimeout) as raised:
        graph.get(business_path(CONTOSO, "services"))
    assert raised.value.status == 0
    assert raised.value.client_request_id == demo_emulator.requests[-1].client_request_id


def test_create_that_times_out_raises_and_is_sent_once(demo_emulator, impatient):
    demo_emulator.faults.add(method="POST", path=r"/customers$", timeout=3)
    with pytest.raises(GraphTimeout):
        impatient.post(business_path(CONTOSO, "customers"), CUSTOMER)
    assert statuses(demo_emulator, "POST", "/customers") == [0]


def test_create_whose_response_was_lost_happened_and_is_not_repeated(demo_emulator, graph):
    demo_emulator.faults.add(method="POST", path=r"/customers$", lose_response=True)
    before = len(demo_emulator.items(CONTOSO, "customers"))
    with pytest.raises(GraphTimeout):
        graph.post(business_path(CONTOSO, "customers"), CUSTOMER)
    customers = demo_emulator.items(CONTOSO, "customers")
    assert len(customers) == before + 1  # it happened: the caller must look it up, not create again
    assert statuses(demo_emulator, "POST", "/customers") == [0]
    found = [c for c in graph.list_all(business_path(CONTOSO, "customers")) if c["emailAddress"] == "j@x.com"]
    assert len(found) == 1


def test_patch_whose_response_was_lost_is_repeated_safely(demo_emulator, graph):
    demo_emulator.faults.add(method="PATCH", path=r"/services/", lose_response=True)
    service_id = demo_emulator.items(CONTOSO, "services")[0]["id"]
    graph.patch(business_path(CONTOSO, "services", service_id), {"description": "Twice is fine."})
    assert statuses(demo_emulator, "PATCH", "/services/") == [0, 204]
    assert demo_emulator.items(CONTOSO, "services")[0]["description"] == "Twice is fine."


def test_refused_connection_is_retried_even_for_a_create(naps):
    emulator = start_emulator(seed="demo")
    port = emulator.port
    emulator.stop()  # nothing listens on the port now: the POST never left the machine
    with client_for(emulator, naps, max_retries=2) as graph, pytest.raises(GraphTimeout):
        graph.post(business_path(CONTOSO, "customers"), CUSTOMER)
    assert len(naps) == 2, f"port {port}: a refused connection is safe to retry"
