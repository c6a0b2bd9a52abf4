"""429 waits Retry-After and retries any method; 5xx retries only what is safe to repeat (§5.11)."""

import pytest

from bookings.graph import GraphServerError, GraphThrottled, business_path
from tests.graph.conftest import CONTOSO, client_for, statuses

SERVICES = business_path(CONTOSO, "services")


def test_429_waits_retry_after_then_succeeds(demo_emulator, graph, naps):
    demo_emulator.faults.add(method="GET", path=r"/services$", status=429, retry_after=3, times=2)
    assert graph.list_all(SERVICES)
    assert statuses(demo_emulator, "GET", "/services") == [429, 429, 200]
    assert naps == [3, 3]


def test_429_that_persists_raises_throttled_with_retry_after(demo_emulator, naps):
    demo_emulator.faults.add(method="GET", path=r"/services$", status=429, retry_after=7, times=None)
    with client_for(demo_emulator, naps, max_retries=3) as graph, pytest.raises(GraphThrottled) as raised:
        graph.get(SERVICES)
    assert (raised.value.status, raised.value.retry_after) == (429, 7)
    assert raised.value.code == "TooManyRequests"
    assert len(statuses(demo_emulator, "GET", "/services")) == 4


@pytest.mark.parametrize("status", [503, 504])
def test_gateway_and_unavailable_are_retried_for_reads(demo_emulator, graph, naps, status):
    demo_emulator.faults.add(method="GET", path=r"/services$", status=status, times=2)
    assert graph.get(SERVICES)["value"]
    assert statuses(demo_emulator, "GET", "/services") == [status, status, 200]
    assert len(naps) == 2


def test_without_retry_after_backoff_is_jittered_exponential_and_capped(demo_emulator, naps):
    demo_emulator.faults.add(method="GET", path=r"/services$", status=504, times=5)
    with client_for(demo_emulator, naps, backoff_base=1, backoff_cap=4) as graph:
        graph.get(SERVICES)
    assert len(naps) == 5
    for attempt, delay in enumerate(naps):
        assert 0 <= delay <= min(4, 2**attempt)


def test_429_on_a_create_is_retried_because_graph_refused_it(demo_emulator, graph):
    demo_emulator.faults.add(method="POST", path=r"/customers$", status=429, retry_after=1)
    created = graph.post(
        business_path(CONTOSO, "customers"),
        {"@odata.type": "#microsoft.graph.bookingCustomer", "displayName": "Joni", "emailAddress": "j@x.com"},
    )
    assert statuses(demo_emulator, "POST", "/customers") == [429, 201]
    assert [c["id"] for c in demo_emulator.items(CONTOSO, "customers")].count(created["id"]) == 1


@pytest.mark.parametrize("status", [500, 503, 504])
def test_5xx_on_a_create_is_not_retried_blindly(demo_emulator, graph, naps, status):
    demo_emulator.faults.add(method="POST", path=r"/customers$", status=status)
    with pytest.raises(GraphServerError) as raised:
        graph.post(business_path(CONTOSO, "customers"), {"displayName": "Joni", "emailAddress": "j@x.com"})
    assert raised.value.status == status
    assert statuses(demo_emulator, "POST", "/customers") == [status]
    assert naps == []


def test_503_on_a_patch_is_retried(demo_emulator, graph):
    demo_emulator.faults.add(method="PATCH", path=r"/services/", status=503, retry_after=1)
    service_id = demo_emulator.items(CONTOSO, "services")[0]["id"]
    graph.patch(business_path(CONTOSO, "services", service_id), {"description": "Now with tea."})
    assert statuses(demo_emulator, "PATCH", "/services/") == [503, 204]
    assert demo_emulator.items(CONTOSO, "services")[0]["description"] == "Now with tea."
