"""``POST /$batch``: relative urls, headers and bodies, ``dependsOn`` with 424 for dependents of a
failed request, the 20-request cap, unique ids, and per-request throttling inside a batch."""

from __future__ import annotations

from .support import BENTO, CONTOSO, FABRIKAM, business_path, client, odata_error

JSON = {"Content-Type": "application/json"}


def _by_id(response) -> dict[str, dict]:
    assert response.status_code == 200, response.text
    return {r["id"]: r for r in response.json()["responses"]}


def test_batch_runs_reads_and_writes(demo_emulator):
    requests = [
        {"id": "1", "method": "GET", "url": business_path(CONTOSO, "services", BENTO)},
        {
            "id": "2",
            "method": "POST",
            "url": business_path(FABRIKAM, "customQuestions"),
            "headers": JSON,
            "body": {"displayName": "Why?"},
        },
        {
            "id": "3",
            "method": "PATCH",
            "url": "solutions/bookingBusinesses/" + FABRIKAM,
            "headers": JSON,
            "body": {"phone": "1"},
        },
        {"id": "4", "method": "GET", "url": business_path("nobody@contoso.onmicrosoft.com")},
    ]
    with client(demo_emulator) as http:
        results = _by_id(
            http.post("/$batch", json={"requests": requests}, headers={"client-request-id": "outer-1"})
        )
    assert results["1"]["status"] == 200 and results["1"]["body"]["displayName"] == "Bento"
    assert results["2"]["status"] == 201 and results["2"]["headers"]["Location"].endswith(
        results["2"]["body"]["id"]
    )
    assert results["3"]["status"] == 204 and "body" not in results["3"]
    assert (
        results["4"]["status"] == 404 and results["4"]["body"]["error"]["code"] == "ErrorNonExistentMailbox"
    )
    assert demo_emulator.business(FABRIKAM)["phone"] == "1"
    inner = [r for r in demo_emulator.requests if r.path.endswith(FABRIKAM)]
    assert [(r.method, r.status, r.client_request_id) for r in inner] == [("PATCH", 204, "outer-1")]


def test_depends_on_failure_gives_424_to_dependents(demo_emulator):
    requests = [
        {"id": "a", "method": "GET", "url": business_path(CONTOSO, "services", "missing")},
        {"id": "b", "method": "GET", "url": business_path(CONTOSO), "dependsOn": ["a"]},
        {"id": "c", "method": "GET", "url": business_path(CONTOSO), "dependsOn": ["b"]},
        {"id": "d", "method": "GET", "url": business_path(FABRIKAM)},
    ]
    with client(demo_emulator) as http:
        results = _by_id(http.post("/$batch", json={"requests": requests}))
    assert {k: v["status"] for k, v in results.items()} == {"a": 404, "b": 424, "c": 424, "d": 200}


def test_depends_on_runs_in_order(demo_emulator):
    requests = [
        {
            "id": "2",
            "method": "PATCH",
            "url": business_path(FABRIKAM),
            "headers": JSON,
            "body": {"phone": "second"},
            "dependsOn": ["1"],
        },
        {
            "id": "1",
            "method": "PATCH",
            "url": business_path(FABRIKAM),
            "headers": JSON,
            "body": {"phone": "first"},
        },
    ]
    with client(demo_emulator) as http:
        results = _by_id(http.post("/$batch", json={"requests": requests}))
    assert results["1"]["status"] == results["2"]["status"] == 204
    assert demo_emulator.business(FABRIKAM)["phone"] == "second"


def test_malformed_batches_are_refused_whole(demo_emulator):
    get = {"method": "GET", "url": business_path(CONTOSO)}
    with client(demo_emulator) as http:
        twenty = http.post("/$batch", json={"requests": [{**get, "id": str(n)} for n in range(20)]})
        assert twenty.status_code == 200 and len(twenty.json()["responses"]) == 20
        odata_error(http.post("/$batch", json={"requests": [{**get, "id": str(n)} for n in range(21)]}), 400)
        odata_error(http.post("/$batch", json={"requests": [{**get, "id": "1"}, {**get, "id": "1"}]}), 400)
        odata_error(http.post("/$batch", json={"requests": [{**get, "id": "1", "dependsOn": ["9"]}]}), 400)
        cycle = [{**get, "id": "1", "dependsOn": ["2"]}, {**get, "id": "2", "dependsOn": ["1"]}]
        odata_error(http.post("/$batch", json={"requests": cycle}), 400)
        no_type = {
            "id": "1",
            "method": "POST",
            "url": business_path(CONTOSO, "customQuestions"),
            "body": {"displayName": "x"},
        }
        odata_error(http.post("/$batch", json={"requests": [no_type]}), 400)
        odata_error(http.post("/$batch", content=b"[]"), 400)


def test_batch_needs_a_token(demo_emulator):
    import httpx

    response = httpx.post(f"{demo_emulator.base_url}/$batch", json={"requests": []})
    odata_error(response, 401, "InvalidAuthenticationToken")


def test_inner_requests_are_throttled_per_mailbox(demo_emulator):
    demo_emulator.faults.add(method="GET", path=r"/services$", latency_ms=300, times=None)
    requests = [{"id": str(n), "method": "GET", "url": business_path(CONTOSO, "services")} for n in range(8)]
    requests.append({"id": "other", "method": "GET", "url": business_path(FABRIKAM, "services")})
    with client(demo_emulator) as http:
        results = _by_id(http.post("/$batch", json={"requests": requests}))
    statuses = [results[str(n)]["status"] for n in range(8)]
    assert statuses.count(200) == 4 and statuses.count(429) == 4
    throttled = next(r for r in results.values() if r["status"] == 429)
    assert throttled["headers"]["Retry-After"] == "1"
    assert results["other"]["status"] == 200


def test_inner_requests_are_faulted_individually(demo_emulator):
    demo_emulator.faults.add(method="GET", path=r"/services$", status=503, retry_after=2)
    demo_emulator.faults.add(method="GET", path=r"/staffMembers$", reset=True)
    requests = [
        {"id": "1", "method": "GET", "url": business_path(CONTOSO, "services")},
        {"id": "2", "method": "GET", "url": business_path(CONTOSO, "staffMembers")},
        {"id": "3", "method": "GET", "url": business_path(CONTOSO, "customQuestions")},
    ]
    with client(demo_emulator) as http:
        results = _by_id(http.post("/$batch", json={"requests": requests}))
    assert results["1"]["status"] == 503 and results["1"]["headers"]["Retry-After"] == "2"
    assert results["2"]["status"] == 504
    assert results["3"]["status"] == 200
