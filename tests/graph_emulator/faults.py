"""Injected failures and Bookings throttling.

Faults are rules a test adds (``emulator.faults.add(...)``) and the pipeline consults once per
request; throttling counts requests in flight per booking mailbox, because that — not a rate — is
the documented Bookings limit (4 concurrent requests per mailbox, contract §5.11).
"""

from __future__ import annotations

import random
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field


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


# What ``Faults.add_random`` can draw, each as the one-off rule it becomes.
RANDOM_KINDS = ("429", "503", "timeout", "reset", "lost_response")


@dataclass
class RandomFaults:
    """A seeded chance per matching request of one transient fault, drawn from ``kinds`` by weight:
    ``"429"`` and ``"503"`` (with ``retry_after``, else the emulator's), ``"timeout"`` (the connection
    held ``hold_seconds``, then reset: nothing was done), ``"reset"`` (no reply, nothing done) and
    ``"lost_response"`` (the request is carried out, then the connection is reset).

    Set ``rate`` to 0 to pause it; ``counts`` says how often each kind was drawn."""

    rate: float
    kinds: dict[str, float]
    method: str | None
    path: re.Pattern[str]
    hold_seconds: float
    retry_after: float | None
    seed: int
    counts: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(RANDOM_KINDS)
        if unknown or not self.kinds:
            raise ValueError(f"random fault kinds must be some of {RANDOM_KINDS}, not {sorted(unknown)}")
        self._random = random.Random(self.seed)

    def draw(self, method: str, path: str) -> FaultRule | None:
        """The rule for this request, or None (called under the ``Faults`` lock)."""
        wanted = (self.method or "*").upper()
        if wanted not in ("*", method.upper()) or self.path.search(path) is None:
            return None
        if self.rate <= 0 or self._random.random() >= self.rate:
            return None
        kind = self._random.choices(list(self.kinds), weights=list(self.kinds.values()))[0]
        self.counts[kind] += 1
        rule = FaultRule(method=method, path=self.path, hits=1)
        if kind in ("429", "503"):
            rule.status, rule.retry_after = int(kind), self.retry_after
        elif kind == "timeout":
            rule.timeout = self.hold_seconds
        elif kind == "reset":
            rule.reset = True
        else:
            rule.lose_response = True
        return rule


class Faults:
    """The rules of one emulator, matched in the order they were added (thread-safe)."""

    def __init__(self) -> None:
        self._rules: list[FaultRule | RandomFaults] = []
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

    def add_random(
        self,
        rate: float,
        kinds: Mapping[str, float] | tuple[str, ...] = RANDOM_KINDS,
        *,
        method: str | None = "*",
        path: str = r".*",
        hold_seconds: float = 30.0,
        retry_after: float | None = None,
        seed: int = 0,
    ) -> RandomFaults:
        """Fault a share ``rate`` of the matching requests (until cleared), each with one of ``kinds``
        (names from ``RANDOM_KINDS``, equally likely, or a mapping name -> weight). Unlike
        ``fault_rate`` (503/429 only) this mixes transport faults in: the chaos a worker must survive.
        """
        weights = dict(kinds) if isinstance(kinds, Mapping) else dict.fromkeys(kinds, 1.0)
        rule = RandomFaults(
            rate=rate,
            kinds=weights,
            method=method,
            path=re.compile(path, re.IGNORECASE),
            hold_seconds=hold_seconds,
            retry_after=retry_after,
            seed=seed,
        )
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    @property
    def rules(self) -> list[FaultRule | RandomFaults]:
        with self._lock:
            return list(self._rules)

    def take(self, method: str, path: str) -> FaultRule | None:
        """The first live rule matching this request, counted as used once."""
        with self._lock:
            for rule in self._rules:
                if isinstance(rule, RandomFaults):
                    if (drawn := rule.draw(method, path)) is not None:
                        return drawn
                    continue
                if (rule.times is None or rule.hits < rule.times) and rule.matches(method, path):
                    rule.hits += 1
                    return rule
        return None


class Chaos:
    """The CLI's ``--fault-rate``: a seeded chance of a transient 503 or 429 per Graph request
    (``Faults.add_random`` mixes timeouts, resets and lost responses in as well)."""

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
