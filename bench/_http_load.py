"""The load generator of ``bench/http_throughput.py``: N concurrent clients for a fixed time.

Each client is an asyncio task with its own ``httpx.AsyncClient`` (its own connection and
cookies), sending one request after another as fast as the server answers. A request counts when
it completes inside the measured window, which follows a warm-up, whenever it was sent (so slow
requests straddling the window's start are not lost); its latency is the time from sending to the
full response read. Status codes are counted; a failed connection or a timeout
counts as an error named after its exception.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx

Request = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]


@dataclass(frozen=True)
class Measurement:
    name: str
    seconds: float
    latencies: tuple[float, ...]  # of the requests counted, in seconds
    statuses: Counter = field(default_factory=Counter)  # status code (or error name) -> count
    client_cpu: float = 0.0  # the load generator's CPU seconds per wall second over the window
    expected: int = 200  # the status of a successful request

    @property
    def rate(self) -> float:
        """Successful requests (answered with the expected status) per second."""
        return self.statuses[self.expected] / self.seconds

    def percentile(self, share: float) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[round(share * 100) - 1]

    @property
    def server_errors(self) -> int:
        return sum(
            count for status, count in self.statuses.items() if not isinstance(status, int) or status >= 500
        )


async def measure(
    name: str,
    request: Request,
    *,
    base_url: str,
    clients: int,
    warmup: float,
    duration: float,
    prepare: Callable[[httpx.AsyncClient], Awaitable[None]] | None = None,
    expected: int = 200,
) -> Measurement:
    """Run ``clients`` clients sending ``request`` for ``warmup + duration`` seconds; measure the last
    ``duration``. ``prepare`` runs once per client before the clock starts (a first page, a cookie)."""
    sessions = [
        httpx.AsyncClient(base_url=base_url, timeout=30, limits=httpx.Limits(max_connections=1))
        for _ in range(clients)
    ]
    try:
        if prepare is not None:
            await asyncio.gather(*(prepare(session) for session in sessions))
        start = time.perf_counter() + warmup
        end = start + duration
        latencies: list[float] = []
        statuses: Counter = Counter()

        async def client(session: httpx.AsyncClient) -> None:
            while (sent := time.perf_counter()) < end:
                try:
                    status: int | str = (await request(session)).status_code
                except httpx.HTTPError as error:
                    status = type(error).__name__
                done = time.perf_counter()
                if start <= done <= end:
                    latencies.append(done - sent)
                    statuses[status] += 1

        tasks = [asyncio.create_task(client(session)) for session in sessions]
        await asyncio.sleep(max(0.0, start - time.perf_counter()))
        cpu_at_start = time.process_time()
        await asyncio.sleep(max(0.0, end - time.perf_counter()))
        client_cpu = (time.process_time() - cpu_at_start) / duration
        # Requests still out when the window closes do not count, but are awaited rather than
        # dropped: the server would finish them anyway, inside the next measurement.
        await asyncio.gather(*tasks)
    finally:
        await asyncio.gather(*(session.aclose() for session in sessions))
    return Measurement(name, duration, tuple(latencies), statuses, client_cpu, expected)
