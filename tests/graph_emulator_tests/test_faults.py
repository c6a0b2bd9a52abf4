"""Injected faults, one kind at a time: statuses (with Retry-After), latency, a held connection
(client timeout), a connection reset, and a write whose response is lost."""

from __future__ import annotations

import contextlib
import time

import httpx
import pytest

from tests.graph_emulator import start_emulator
from tests.graph_emulator.faults import Faults

from .support import CONTOSO, FABRIKAM, app_client, business_path, client, odata_error


@pytest.mark.parametrize(
    ("status", "code", "retry_after"),
    [
        (429, "TooManyRequests", "1"),
        (500, "", None),
        (503, "serviceNotAvailable", "1"),
        (504, "gatewayTimeout", None),
    ],
)
def test_status_faults_answer_once_then_recover(demo_emulator, status, code, retry_after):
    demo_emulator.faults.add(method="GET", path=r"/services$", status=status)
    with app_client(demo_emulator) as http:
        failed = http.get(business_path(CONTOSO, "services"))
        recovered = http.get(business_path(CONTOSO, "services"))
    odata_error(failed, status, code)
    assert failed.headers.get("Retry-After") == retry_after
    assert recovered.status_code == 200


def test_rules_match_method_and_path_and_count_down(demo_emulator):
    rule = demo_emulator.faults.add(
        method="PATCH", path=r"bookingBusinesses/fabrikam@", status=503, retry_after=7, times=2
    )
    with app_client(demo_emulator) as http:
        assert http.get(business_path(FABRIKAM)).status_code == 200  # other method
        assert http.patch(business_path(CONTOSO), json={"phone": "1"}).status_code == 204  # other path
        first = http.patch(business_path(FABRIKAM), json={"phone": "1"})
        second = http.patch(business_path(FABRIKAM), json={"phone": "2"})
        third = http.patch(business_path(FABRIKAM), json={"phone": "3"})
    assert (first.status_code, second.status_code, third.status_code) == (503, 503, 204)
    assert first.headers["Retry-After"] == "7" and rule.hits == 2
    assert demo_emulator.business(FABRIKAM)["phone"] == "3"


def test_times_none_faults_every_request_until_cleared(demo_emulator):
    demo_emulator.faults.add(method="*", path=r"/customQuestions", status=500, times=None)
    with app_client(demo_emulator) as http:
        assert [http.get(business_path(CONTOSO, "customQuestions")).status_code for _ in range(3)] == [
            500
        ] * 3
        demo_emulator.faults.clear()
        assert http.get(business_path(CONTOSO, "customQuestions")).status_code == 200


def test_latency_per_rule_and_global(demo_emulator):
    demo_emulator.faults.add(method="GET", path=r"/services$", latency_ms=250)
    with app_client(demo_emulator) as http:
        started = time.monotonic()
        assert http.get(business_path(CONTOSO, "services")).status_code == 200
        slowed = time.monotonic() - started
        demo_emulator.latency_ms = 150
        started = time.monotonic()
        assert http.get(business_path(CONTOSO, "staffMembers")).status_code == 200
        global_latency = time.monotonic() - started
    assert slowed >= 0.25 and global_latency >= 0.15


def test_timeout_holds_the_connection_until_the_client_gives_up(demo_emulator):
    demo_emulator.faults.add(method="PATCH", path=r"fabrikam", timeout=5)
    with app_client(demo_emulator, timeout=0.3) as http:
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout):
            http.patch(business_path(FABRIKAM), json={"phone": "never"})
        assert time.monotonic() - started < 2
        assert http.get(business_path(FABRIKAM)).status_code == 200
    assert demo_emulator.business(FABRIKAM)["phone"] != "never"


def test_reset_closes_the_connection_without_a_response(demo_emulator):
    demo_emulator.faults.add(method="GET", path=r"/services$", reset=True)
    with app_client(demo_emulator) as http:
        with pytest.raises(httpx.TransportError):
            http.get(business_path(CONTOSO, "services"), headers={"client-request-id": "reset-me"})
        assert http.get(business_path(CONTOSO, "services")).status_code == 200
    record = next(r for r in demo_emulator.requests if r.client_request_id == "reset-me")
    assert record.status == 0


def test_lost_response_still_applies_the_write(demo_emulator):
    demo_emulator.faults.add(method="POST", path=r"/customers$", lose_response=True)
    with app_client(demo_emulator) as http, pytest.raises(httpx.TransportError):
        http.post(business_path(CONTOSO, "customers"), json={"displayName": "Written once"})
    names = [c["displayName"] for c in demo_emulator.items(CONTOSO, "customers")]
    assert names.count("Written once") == 1


def test_fault_rate_is_seeded_and_transient():
    def statuses(seed: int) -> list[int]:
        emulator = start_emulator(seed="demo", fault_rate=0.5, random_seed=seed)
        try:
            with client(emulator) as http:
                return [http.get(business_path(FABRIKAM)).status_code for _ in range(20)]
        finally:
            emulator.stop()

    first, again = statuses(7), statuses(7)
    assert first == again
    assert set(first) == {200, 429, 503}


def test_client_request_id_is_echoed(demo_emulator):
    with app_client(demo_emulator) as http:
        ok = http.get(business_path(CONTOSO), headers={"client-request-id": "abc-123"})
        missing = http.get(business_path("nobody@x.com"), headers={"client-request-id": "def-456"})
    assert ok.headers["client-request-id"] == "abc-123" and ok.headers["request-id"]
    error = odata_error(missing, 404)
    assert error["innerError"]["client-request-id"] == "def-456"
    assert error["innerError"]["request-id"] == missing.headers["request-id"]
    assert ("GET", f"/v1.0/solutions/bookingBusinesses/{CONTOSO}", 200, "abc-123") in demo_emulator.requests


def test_random_faults_mix_every_kind_and_lost_writes_are_applied(demo_emulator):
    chaos = demo_emulator.faults.add_random(
        0.5, method="*", path=r"/customers$", hold_seconds=1, retry_after=0.01, seed=3
    )
    outcomes = []
    with app_client(demo_emulator, timeout=0.3) as http:
        for number in range(60):
            try:
                status = http.post(
                    business_path(CONTOSO, "customers"), json={"displayName": f"Chaos {number}"}
                ).status_code
            except httpx.TransportError as error:
                status = type(error).__name__
            outcomes.append(status)
        chaos.rate = 0
        assert http.get(business_path(CONTOSO, "customers")).status_code == 200

    assert set(chaos.counts) == {"429", "503", "timeout", "reset", "lost_response"}
    assert outcomes.count(429) == chaos.counts["429"] and outcomes.count(503) == chaos.counts["503"]
    assert outcomes.count("ReadTimeout") == chaos.counts["timeout"]
    names = [c["displayName"] for c in demo_emulator.items(CONTOSO, "customers")]
    written = sum(1 for name in names if name.startswith("Chaos"))
    assert written == outcomes.count(201) + chaos.counts["lost_response"]  # lost replies, kept writes


def test_random_faults_are_seeded_and_weighted():
    def kinds(seed: int) -> list[str]:
        emulator = start_emulator(seed="demo")
        chaos = emulator.faults.add_random(1.0, {"503": 3, "reset": 1}, seed=seed)
        try:
            with client(emulator) as http:
                for _ in range(40):
                    with contextlib.suppress(httpx.TransportError):
                        http.get(business_path(FABRIKAM))
            return sorted(chaos.counts.elements())
        finally:
            emulator.stop()

    first = kinds(5)
    assert first == kinds(5)
    assert set(first) == {"503", "reset"} and first.count("503") > first.count("reset")
    with pytest.raises(ValueError):
        Faults().add_random(0.1, ("418",))
