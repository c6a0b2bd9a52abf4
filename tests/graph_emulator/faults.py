"""Injected failures and Bookings throttling.

Faults are rules a test adds (``emulator.faults.add(...)``) and the pipeline consults once per
request; throttling counts requests in flight per booking mailbox, because that — not a rate — is
the documented Bookings limit (4 concurrent requests per mailbox, contract §5.11).
"""

from __future__ import annotations

import random
import re
import threading
from collections import defaultdict
from dataclasses import dataclass


@dataclass
class FaultRule:
    """One injected fault. ``times`` None means every matching request; otherwise it is used up.

    ``timeout`` may be True (hold the connection for 30 s) or a number of seconds to hold it."""

    method: str | None
    path: re.Pattern[str]
    status: int | None = None
    retry_after: float | None = None
    latency_ms: float = 0
    timeout: bool | float = False
    reset: bool = False
    lose_response: bool = False
    times: int | None = 1
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        wanted = (self.method or "*").upper()
        return wanted in ("*", method.upper()) and self.path.search(path) is not None

    @property
    def hold_seconds(self) -> float:
        if self.timeout is True:
            return 30.0
        return float(self.timeout or 0)


class Faults:
    """The rules of one emulator, matched in the order they were added (thread-safe)."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def add(
        self,
        method: str | None = "GET",
        path: str = r".*",
        status: int | None = None,
        retry_after: float | None = None,
        latency_ms: float = 0,
        timeout: bool | float = False,
        reset: bool = False,
        lose_response: bool = False,
        times: int | None = 1,
    ) -> FaultRule:
        """Add a rule; ``path`` is a regex searched in the percent-decoded request path
        (e.g. ``r"/services$"``), ``method`` None or ``"*"`` matches any method."""
        if status is None and not (latency_ms or timeout or reset or lose_response):
            raise ValueError("a fault needs a status, latency_ms, timeout, reset or lose_response")
        rule = FaultRule(
            method=method,
            path=re.compile(path, re.IGNORECASE),
            status=status,
            retry_after=retry_after,
            latency_ms=latency_ms,
            timeout=timeout,
            reset=reset,
            lose_response=lose_response,
            times=times,
        )
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    @property
    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def take(self, method: str, path: str) -> FaultRule | None:
        """The first live rule matching this request, counted as used once."""
        with self._lock:
            for rule in self._rules:
                if (rule.times is None or rule.hits < rule.times) and rule.matches(method, path):
                    rule.hits += 1
                    return rule
        return None


class Chaos:
    """The CLI's ``--fault-rate``: a seeded chance of a transient 503 or 429 per Graph request."""

    def __init__(self, rate: float, seed: int) -> None:
        self.rate = rate
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def roll(self) -> int | None:
        if self.rate <= 0:
            return None
        with self._lock:
            if self._random.random() >= self.rate:
                return None
            return self._random.choice((503, 429))


class Throttle:
    """In-flight requests per booking mailbox; a request arriving while ``limit`` are in flight
    is refused (429). ``max_concurrency`` records the most requests ever seen at once per mailbox,
    counting the refused one, so a client test can assert it never went past 4."""

    def __init__(self, limit: int | None = 4) -> None:
        self.limit = limit
        self.in_flight: dict[str, int] = defaultdict(int)
        self.max_concurrency: dict[str, int] = {}
        self._lock = threading.Lock()

    def enter(self, mailbox: str) -> bool:
        with self._lock:
            current = self.in_flight[mailbox]
            self.max_concurrency[mailbox] = max(self.max_concurrency.get(mailbox, 0), current + 1)
            if self.limit is not None and current >= self.limit:
                return False
            self.in_flight[mailbox] = current + 1
            return True

    def leave(self, mailbox: str) -> None:
        with self._lock:
            self.in_flight[mailbox] = max(0, self.in_flight[mailbox] - 1)

    def reset(self) -> None:
        with self._lock:
            self.in_flight.clear()
            self.max_concurrency.clear()
