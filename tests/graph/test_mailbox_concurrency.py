"""At most 4 requests in flight per booking mailbox, across threads; other mailboxes flow (§5.11)."""

import time
from concurrent.futures import ThreadPoolExecutor

from bookings.graph import business_path
from tests.graph.conftest import CONTOSO, FABRIKAM, client_for


def test_twelve_threads_on_one_mailbox_never_exceed_four_while_another_mailbox_proceeds(demo_emulator, naps):
    demo_emulator.latency_ms = 20
    # The first four Contoso requests take a second: Contoso's slots are all busy for that long.
    demo_emulator.faults.add(
        method="GET", path=r"^/v1\.0/solutions/bookingBusinesses/contoso", latency_ms=1000, times=4
    )
    contoso_done: list[float] = []

    def hammer_contoso(worker: int) -> int:
        for _ in range(4):
            graph.get(business_path(CONTOSO, "services"))
            contoso_done.append(time.monotonic())
        return worker

    def visit_fabrikam() -> float:
        time.sleep(0.1)  # by now four Contoso requests hold every Contoso slot
        for _ in range(3):
            graph.get(business_path(FABRIKAM, "services"))
        return time.monotonic()

    with client_for(demo_emulator, naps) as graph, ThreadPoolExecutor(max_workers=13) as pool:
        fabrikam = pool.submit(visit_fabrikam)
        workers = list(pool.map(hammer_contoso, range(12)))
        fabrikam_done = fabrikam.result()

    assert workers == list(range(12))
    assert len(contoso_done) == 48
    assert demo_emulator.max_concurrency[CONTOSO.lower()] == 4  # parallel, but never past the limit
    assert all(r.status == 200 for r in demo_emulator.requests)  # no 429 at all, none to hide
    assert naps == []
    assert fabrikam_done < min(contoso_done)  # Fabrikam did not queue behind Contoso


def test_a_lower_limit_is_honoured_too(demo_emulator, naps):
    demo_emulator.latency_ms = 20
    with client_for(demo_emulator, naps, per_mailbox_concurrency=2) as graph, ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: graph.get(business_path(CONTOSO.upper())), range(16)))
    assert demo_emulator.max_concurrency[CONTOSO.lower()] == 2
