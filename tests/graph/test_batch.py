"""$batch: chunks of at most 20 and at most 4 lanes per mailbox, dependsOn honoured, inner 429s retried per
request (contract §5.12)."""

import pytest

from bookings.graph import BatchRequest, business_path
from bookings.graph.batch import in_lanes, plan_chunks, slots_needed
from tests.graph.conftest import CONTOSO, FABRIKAM, client_for, statuses
from tests.graph_emulator.demo import BENTO, KAISEKI


def _customer(number: int) -> dict:
    return {
        "@odata.type": "#microsoft.graph.bookingCustomer",
        "displayName": f"Customer {number}",
        "emailAddress": f"c{number}@example.com",
    }


def test_depends_on_runs_in_order_and_a_failure_cascades_as_424(demo_emulator, graph):
    requests = [
        BatchRequest("create", "POST", business_path(CONTOSO, "customers"), _customer(1)),
        BatchRequest("read", "GET", business_path(CONTOSO, "services", BENTO), depends_on=("create",)),
        BatchRequest("missing", "GET", business_path(CONTOSO, "services", "no-such-service")),
        BatchRequest(
            "after-missing", "GET", business_path(CONTOSO, "services", KAISEKI), depends_on=("missing",)
        ),
    ]
    responses = graph.batch(requests)

    assert {key: r.status for key, r in responses.items()} == {
        "create": 201,
        "read": 200,
        "missing": 404,
        "after-missing": 424,
    }
    assert responses["read"].body["id"] == BENTO
    assert responses["missing"].error().code
    assert responses["after-missing"].error().status == 424
    assert responses["create"].error() is None


def test_more_than_twenty_requests_go_in_several_batches(demo_emulator, graph):
    requests = [BatchRequest(f"usd-{n}", "GET", "solutions/bookingCurrencies/USD") for n in range(25)]
    responses = graph.batch(requests)
    assert len(responses) == 25 and all(r.status == 200 for r in responses.values())
    assert statuses(demo_emulator, "POST", "/$batch") == [200, 200]


def test_a_chunk_never_sends_more_than_four_requests_to_one_mailbox(demo_emulator, graph):
    demo_emulator.latency_ms = 30  # inner requests overlap, as Graph runs them in parallel
    requests = [BatchRequest(f"c{n}", "GET", business_path(CONTOSO, "services", BENTO)) for n in range(10)]
    requests += [BatchRequest(f"f{n}", "GET", business_path(FABRIKAM)) for n in range(2)]
    responses = graph.batch(requests)
    assert all(r.status == 200 for r in responses.values())
    assert max(demo_emulator.max_concurrency.values()) <= 4
    assert 429 not in [r.status for r in demo_emulator.requests]
    assert statuses(demo_emulator, "POST", "/$batch") == [200, 200, 200]


def test_twenty_requests_in_four_lanes_go_in_one_batch_and_never_run_more_than_four_at_once(
    demo_emulator, graph
):
    demo_emulator.latency_ms = 30
    requests = in_lanes(
        [BatchRequest(f"c{n}", "POST", business_path(CONTOSO, "customers"), _customer(n)) for n in range(20)],
        per_mailbox=4,
    )
    responses = graph.batch(requests)
    assert all(r.status == 201 for r in responses.values())
    assert statuses(demo_emulator, "POST", "/$batch") == [200]  # one round trip for 5 latencies
    assert max(demo_emulator.max_concurrency.values()) == 4
    assert 429 not in [r.status for r in demo_emulator.requests]


def test_a_failure_in_a_lane_skips_only_the_rest_of_that_lane(demo_emulator, graph):
    demo_emulator.faults.add(method="POST", path=r"/customers$", status=400, times=1)
    requests = in_lanes(
        [BatchRequest(f"c{n}", "POST", business_path(CONTOSO, "customers"), _customer(n)) for n in range(8)],
        per_mailbox=4,
    )
    statuses_by_id = {key: r.status for key, r in graph.batch(requests).items()}
    assert sorted(statuses_by_id.values()) == [201] * 6 + [400, 424]
    failed = next(key for key, status in statuses_by_id.items() if status == 400)
    skipped = next(key for key, status in statuses_by_id.items() if status == 424)
    assert int(skipped[1:]) == int(failed[1:]) + 4  # the next request of its lane, never sent
    assert len(statuses(demo_emulator, "POST", "/customers")) == 7


def test_lanes_are_counted_per_mailbox_and_a_fifth_lane_starts_a_new_chunk():
    one = [BatchRequest(f"c{n}", "GET", business_path(CONTOSO, "services", BENTO)) for n in range(10)]
    other = [BatchRequest(f"f{n}", "GET", business_path(FABRIKAM)) for n in range(3)]
    laned = in_lanes(one + other, per_mailbox=4)
    assert [r.depends_on for r in laned[4:6]] == [("c0",), ("c1",)]
    assert [r.depends_on for r in laned[10:]] == [(), (), ()]  # Fabrikam's own 3 lanes
    assert plan_chunks(laned, per_mailbox=4) == [laned]
    assert slots_needed(laned) == {CONTOSO.lower(): 4, FABRIKAM.lower(): 3}
    # Unchained, the same requests are 10 lanes in Contoso: chunks of at most 4 of its requests.
    assert [len(chunk) for chunk in plan_chunks(one, per_mailbox=4)] == [4, 4, 2]
    # A second dependent of one request may run beside the first: a lane of its own, so five
    # dependents of one request are five lanes.
    fan_out = [BatchRequest("a", "GET", business_path(FABRIKAM))] + [
        BatchRequest(f"b{n}", "GET", business_path(FABRIKAM), depends_on=("a",)) for n in range(5)
    ]
    assert [len(chunk) for chunk in plan_chunks(fan_out, per_mailbox=4)] == [5, 1]


def test_dependency_on_an_earlier_chunk_is_enforced_by_the_client(demo_emulator, graph):
    requests = [BatchRequest("missing", "GET", business_path(CONTOSO, "services", "no-such-service"))]
    requests += [BatchRequest(f"x{n}", "GET", "solutions/bookingCurrencies/USD") for n in range(19)]
    requests += [
        BatchRequest("late", "DELETE", business_path(CONTOSO, "services", BENTO), depends_on=("missing",))
    ]
    responses = graph.batch(requests)
    assert responses["late"].status == 424
    assert statuses(demo_emulator, "DELETE", "/services/") == []  # never sent
    assert BENTO in [s["id"] for s in demo_emulator.items(CONTOSO, "services")]


def test_inner_429_is_retried_with_its_dependents_after_retry_after(demo_emulator, graph, naps):
    demo_emulator.faults.add(method="GET", path=f"/services/{BENTO}$", status=429, retry_after=2)
    requests = [
        BatchRequest("bento", "GET", business_path(CONTOSO, "services", BENTO)),
        BatchRequest("kaiseki", "GET", business_path(CONTOSO, "services", KAISEKI), depends_on=("bento",)),
        BatchRequest("usd", "GET", "solutions/bookingCurrencies/USD"),
    ]
    responses = graph.batch(requests)
    assert {key: r.status for key, r in responses.items()} == {"bento": 200, "kaiseki": 200, "usd": 200}
    assert statuses(demo_emulator, "GET", f"/services/{BENTO}") == [429, 200]
    assert statuses(demo_emulator, "GET", "/bookingCurrencies/USD") == [200]  # not resent
    assert naps == [2]


def test_an_inner_429_asking_for_a_long_wait_is_returned_for_the_caller_to_schedule(demo_emulator, naps):
    demo_emulator.faults.add(method="GET", path=f"/services/{BENTO}$", status=429, retry_after=120)
    with client_for(demo_emulator, naps, max_inline_wait=5) as client:
        responses = client.batch([BatchRequest("bento", "GET", business_path(CONTOSO, "services", BENTO))])
    assert responses["bento"].status == 429
    assert naps == []  # no thread sleeps two minutes; the outbox item waits instead


def test_inner_503_of_a_create_is_returned_not_resent(demo_emulator, graph):
    demo_emulator.faults.add(method="POST", path=r"/customers$", status=503)
    responses = graph.batch([BatchRequest("new", "POST", business_path(CONTOSO, "customers"), _customer(2))])
    assert responses["new"].status == 503
    assert statuses(demo_emulator, "POST", "/customers") == [503]


@pytest.mark.parametrize(
    "requests",
    [
        [BatchRequest("a", "GET", "x"), BatchRequest("a", "GET", "y")],
        [BatchRequest("a", "GET", "x", depends_on=("b",)), BatchRequest("b", "GET", "y")],
    ],
)
def test_duplicate_ids_and_forward_dependencies_are_refused(graph, requests):
    with pytest.raises(ValueError):
        graph.batch(requests)


def test_batch_request_wire_shape():
    request = BatchRequest("1", "post", "solutions/x", {"a": 1}, ("0",))
    assert request.to_graph() == {
        "id": "1",
        "method": "POST",
        "url": "/solutions/x",
        "body": {"a": 1},
        "headers": {"Content-Type": "application/json"},
        "dependsOn": ["0"],
    }
