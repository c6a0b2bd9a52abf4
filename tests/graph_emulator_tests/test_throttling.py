"""The Bookings limit: more than 4 concurrent requests to one booking mailbox get 429 with
Retry-After; other mailboxes are unaffected; the highest concurrency seen is recorded."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from .support import CONTOSO, FABRIKAM, app_client, business_path, odata_error


def _concurrently(emulator, paths: list[str]) -> list:
    barrier = threading.Barrier(len(paths))
    with app_client(emulator) as http:

        def get(path: str):
            barrier.wait()
            return http.get(path)

        with ThreadPoolExecutor(len(paths)) as pool:
            return list(pool.map(get, paths))


def test_more_than_four_concurrent_requests_to_a_mailbox_get_429(demo_emulator):
    demo_emulator.faults.add(method="GET", path=r"/services$", latency_ms=400, times=None)
    paths = [business_path(CONTOSO, "services")] * 8 + [business_path(FABRIKAM, "services")] * 3
    responses = _concurrently(demo_emulator, paths)
    contoso, fabrikam = responses[:8], responses[8:]
    assert sorted(r.status_code for r in contoso) == [200] * 4 + [429] * 4
    assert [r.status_code for r in fabrikam] == [200] * 3
    for response in (r for r in contoso if r.status_code == 429):
        error = odata_error(response, 429, "TooManyRequests")
        assert error["innerError"]["code"] == "activityLimitReached"
        assert response.headers["Retry-After"] == "1"
    assert demo_emulator.max_concurrency[CONTOSO.lower()] == 5  # 4 in flight + the first one refused
    assert demo_emulator.max_concurrency[FABRIKAM.lower()] == 3


def test_four_concurrent_requests_are_fine_and_retry_after_is_configurable(demo_emulator):
    demo_emulator.retry_after = 3
    demo_emulator.faults.add(method="GET", path=r"/staffMembers$", latency_ms=300, times=None)
    ok = _concurrently(demo_emulator, [business_path(CONTOSO, "staffMembers")] * 4)
    assert [r.status_code for r in ok] == [200] * 4
    assert demo_emulator.max_concurrency[CONTOSO.lower()] == 4
    too_many = _concurrently(demo_emulator, [business_path(CONTOSO, "staffMembers")] * 5)
    assert sorted(r.status_code for r in too_many) == [200] * 4 + [429]
    assert next(r for r in too_many if r.status_code == 429).headers["Retry-After"] == "3"


def test_mailbox_ids_count_case_insensitively(demo_emulator):
    demo_emulator.faults.add(method="GET", path=r"/customers$", latency_ms=300, times=None)
    spellings = [CONTOSO, CONTOSO.lower(), CONTOSO.upper(), CONTOSO, CONTOSO.lower()]
    responses = _concurrently(demo_emulator, [business_path(b, "customers") for b in spellings])
    assert sorted(r.status_code for r in responses) == [200] * 4 + [429]


def test_throttling_can_be_switched_off(demo_emulator):
    demo_emulator.concurrency_limit = None
    demo_emulator.faults.add(method="GET", path=r"/services$", latency_ms=200, times=None)
    responses = _concurrently(demo_emulator, [business_path(CONTOSO, "services")] * 6)
    assert [r.status_code for r in responses] == [200] * 6
    assert demo_emulator.max_concurrency[CONTOSO.lower()] == 6
