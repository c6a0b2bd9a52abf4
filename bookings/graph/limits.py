"""How many requests may be in flight per booking mailbox: in one process, or across every worker.

Bookings allows 4 concurrent requests per (app, booking mailbox); a fifth gets 429. Both limiters
here share one interface, ``hold(wanted)``: a context manager that takes ``wanted[mailbox]`` slots of
each mailbox before the body runs and gives them back after. A ``$batch`` takes several slots of one
or more mailboxes at once: mailboxes are taken in sorted order and a mailbox's N slots all at once,
so two holders can never each own part of what the other waits for.

* :class:`LocalMailboxSlots` counts within one process (threads share a ``Condition``).
* :class:`RedisMailboxSlots` counts across processes and machines in Redis. Each slot is a lease
  (a random token in a sorted set, scored by its expiry in Redis' own clock), so a worker killed
  with SIGKILL while holding slots loses them after ``lease_seconds``; while a holder lives, a
  background thread renews its leases, so a request slower than the lease stays counted.

  The limit is strict, so the shared limiter fails closed. While Redis cannot be reached nobody
  sends (:class:`MailboxBusy`: the caller retries later, as after a 429): a process cannot know what
  the others have in flight. And a Redis that lost its data (restarted without persistence) has
  forgotten every lease of requests still in flight, so after that, and on first use, no slot is
  given until ``restart_fence_seconds`` have passed, longer than any request may take.
"""

from __future__ import annotations

import logging
import os
import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

import redis

from .errors import GraphThrottled

logger = logging.getLogger(__name__)

KEY_PREFIX = "graph:inflight:"

# KEYS[1] the mailbox's lease set; ARGV: limit, lease ms, token prefix, slots wanted, fence ms.
# Expired leases are dropped first, so a crashed holder's slots come back here; then all N slots
# or none. Scores use Redis' clock, so workers on hosts with skewed clocks still agree on expiry.
# KEYS[2] the opening time, in Redis' clock, of this Redis' record of holders; it never expires, so
# it is missing only on first use or after Redis lost its data, and then ARGV[5] ms must pass first.
_ACQUIRE = """
local now = redis.call('TIME')
now = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
if redis.call('EXISTS', KEYS[2]) == 0 then
    redis.call('SET', KEYS[2], now + tonumber(ARGV[5]))
end
if now < tonumber(redis.call('GET', KEYS[2])) then
    return 0
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local wanted = tonumber(ARGV[4])
if redis.call('ZCARD', KEYS[1]) + wanted > tonumber(ARGV[1]) then
    return 0
end
local lease = tonumber(ARGV[2])
for i = 1, wanted do
    redis.call('ZADD', KEYS[1], now + lease, ARGV[3] .. ':' .. i)
end
if redis.call('PTTL', KEYS[1]) < lease then
    redis.call('PEXPIRE', KEYS[1], lease)
end
return 1
"""

# KEYS[1] the lease set; ARGV: lease ms, then the tokens to extend. XX: a lease already reclaimed
# by someone else stays gone rather than coming back on top of a full mailbox.
_RENEW = """
local now = redis.call('TIME')
now = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local lease = tonumber(ARGV[1])
for i = 2, #ARGV do
    redis.call('ZADD', KEYS[1], 'XX', now + lease, ARGV[i])
end
if redis.call('PTTL', KEYS[1]) < lease then
    redis.call('PEXPIRE', KEYS[1], lease)
end
return 1
"""


class MailboxSlots(Protocol):
    """What the Graph client needs from a limiter."""

    limit: int

    def hold(self, wanted: Mapping[str, int]) -> AbstractContextManager[None]: ...


class MailboxBusy(GraphThrottled):
    """A mailbox stayed full for ``max_wait`` seconds; try again later, as after a 429."""


class LocalMailboxSlots:
    """Counts requests in flight per booking mailbox and makes callers wait while a mailbox is full.

    Within one process only: every thread of it shares the count.
    """

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("per_mailbox_concurrency must be at least 1")
        self.limit = limit
        self._changed = threading.Condition()
        self._in_flight: Counter[str] = Counter()

    @contextmanager
    def hold(self, wanted: Mapping[str, int], max_wait: float | None = None) -> Iterator[None]:
        """Hold ``wanted[mailbox]`` slots of each mailbox (at most ``limit`` each) for the body;
        :class:`MailboxBusy` if they are not all free within ``max_wait`` seconds (None: wait on)."""
        deadline = None if max_wait is None else time.monotonic() + max_wait
        taken: list[tuple[str, int]] = []
        try:
            for mailbox in sorted(wanted):
                count = min(wanted[mailbox], self.limit)
                with self._changed:
                    timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
                    fits = self._changed.wait_for(
                        lambda m=mailbox, n=count: self._in_flight[m] + n <= self.limit, timeout
                    )
                    if not fits:
                        raise MailboxBusy(
                            f"{mailbox} kept {self.limit} requests in flight for {max_wait:g} s",
                            code="MailboxBusy",
                            retry_after=1,
                        )
                    self._in_flight[mailbox] += count
                taken.append((mailbox, count))
            yield
        finally:
            with self._changed:
                for mailbox, count in taken:
                    self._in_flight[mailbox] -= count
                self._changed.notify_all()


class RedisMailboxSlots:
    """At most ``limit`` requests in flight per booking mailbox across every process sharing Redis.

    ``lease_seconds`` bounds how long a crashed holder's slots stay taken; a live holder renews its
    leases every third of that, however long its request takes. A waiter polls every 10-50 ms
    (jittered, so waiting workers do not retry in step; a release in the same process wakes local
    waiters at once) and raises :class:`MailboxBusy` after ``max_wait`` seconds (None: wait on).
    ``restart_fence_seconds`` must outlast any request (``mailbox_slots_from_settings`` derives it
    from the Graph timeout); 0 only for a Redis that never loses its data. When Redis is
    unreachable, holds raise :class:`MailboxBusy` for ``retry_redis_after`` seconds before Redis is
    tried again; a warning is logged at most every ``warn_every`` seconds.
    """

    def __init__(
        self,
        redis_client: redis.Redis | str,
        limit: int = 4,
        *,
        lease_seconds: float = 60,
        max_wait: float | None = 300,
        key_prefix: str = KEY_PREFIX,
        restart_fence_seconds: float = 0,
        retry_redis_after: float = 5,
        warn_every: float = 60,
    ) -> None:
        if limit < 1:
            raise ValueError("per_mailbox_concurrency must be at least 1")
        if lease_seconds <= 0:
            raise ValueError("lease_seconds must be positive")
        if isinstance(redis_client, str):
            redis_client = redis.Redis.from_url(redis_client, socket_connect_timeout=1, socket_timeout=2)
        self.limit = limit
        self.lease_seconds = lease_seconds
        self.max_wait = max_wait
        self.key_prefix = key_prefix
        self.restart_fence_seconds = restart_fence_seconds
        self._redis = redis_client
        self._acquire = redis_client.register_script(_ACQUIRE)
        self._renew = redis_client.register_script(_RENEW)
        self._local = LocalMailboxSlots(limit)
        self._retry_redis_after = retry_redis_after
        self._warn_every = warn_every
        self._redis_down_until = 0.0
        self._warned_at: float | None = None
        # Leases this process holds, (key, token prefix) -> slots, renewed by the keeper thread.
        self._lock = threading.Lock()
        self._released = threading.Condition(self._lock)
        self._held: dict[tuple[str, str], int] = {}
        self._keeper: threading.Thread | None = None
        self._pid = os.getpid()

    def key(self, mailbox: str) -> str:
        """The Redis key of a mailbox's lease set (ids are case-insensitive in Graph)."""
        return f"{self.key_prefix}{mailbox.lower()}"

    @contextmanager
    def hold(self, wanted: Mapping[str, int]) -> Iterator[None]:
        """Hold ``wanted[mailbox]`` slots of each mailbox (at most ``limit`` each) for the body."""
        wanted = {mailbox.lower(): min(count, self.limit) for mailbox, count in wanted.items() if count > 0}
        if not wanted:
            yield
            return
        # Counted in this process as well: its own threads queue here without polling Redis.
        with self._local.hold(wanted, self.max_wait):
            leases = self._take(wanted) if time.monotonic() >= self._redis_down_until else None
            if leases is None:  # Redis unreachable: what the other processes have in flight is unknown
                raise MailboxBusy(
                    "the shared Graph mailbox limit (Redis) is unreachable; not sending for now",
                    code="MailboxBusy",
                    retry_after=max(1, int(self._retry_redis_after)),
                )
            try:
                yield
            finally:
                self._give_back(leases)

    # --- taking and giving back -------------------------------------------------------------

    def _take(self, wanted: Mapping[str, int]) -> list[tuple[str, str, int]] | None:
        """Leases for every wanted slot, mailboxes in sorted order; None if Redis is unreachable."""
        deadline = None if self.max_wait is None else time.monotonic() + self.max_wait
        lease_ms, fence_ms = int(self.lease_seconds * 1000), int(self.restart_fence_seconds * 1000)
        opened = f"{self.key_prefix}opened"
        taken: list[tuple[str, str, int]] = []
        try:
            for mailbox in sorted(wanted):
                key, prefix, count = self.key(mailbox), uuid.uuid4().hex, wanted[mailbox]
                args = [self.limit, lease_ms, prefix, count, fence_ms]
                while not self._acquire(keys=[key, opened], args=args):
                    if deadline is not None and time.monotonic() >= deadline:
                        raise MailboxBusy(
                            f"{mailbox} kept {self.limit} requests in flight for {self.max_wait:g} s",
                            code="MailboxBusy",
                            retry_after=1,
                        )
                    self._wait_a_little()
                taken.append((key, prefix, count))
                self._track(key, prefix, count)
        except redis.RedisError as exc:
            self._give_back(taken)
            self._redis_unreachable(exc)
            return None
        except BaseException:
            self._give_back(taken)
            raise
        return taken

    def _give_back(self, taken: list[tuple[str, str, int]]) -> None:
        """Release leases; if Redis is gone they simply expire after ``lease_seconds``."""
        with self._released:
            for key, prefix, _ in taken:
                self._held.pop((key, prefix), None)
            self._released.notify_all()
        for key, prefix, count in taken:
            try:
                self._redis.zrem(key, *_tokens(prefix, count))
            except redis.RedisError as exc:
                self._redis_unreachable(exc)

    def _wait_a_little(self) -> None:
        with self._released:
            self._released.wait(random.uniform(0.01, 0.05))

    def _redis_unreachable(self, exc: Exception) -> None:
        now = time.monotonic()
        self._redis_down_until = now + self._retry_redis_after
        if self._warned_at is None or now - self._warned_at >= self._warn_every:
            self._warned_at = now
            logger.warning("Redis unreachable for the Graph mailbox limit (%s); not sending for now", exc)

    # --- renewal ----------------------------------------------------------------------------

    def _track(self, key: str, prefix: str, count: int) -> None:
        with self._lock:
            if self._pid != os.getpid():  # forked: the parent's leases are the parent's to renew
                self._pid, self._held, self._keeper = os.getpid(), {}, None
            self._held[(key, prefix)] = count
            if self._keeper is None or not self._keeper.is_alive():
                self._keeper = threading.Thread(target=self._keep_alive, name="graph-leases", daemon=True)
                self._keeper.start()

    def _keep_alive(self) -> None:
        """Renew held leases every third of the lease; stop once nothing has been held for a round."""
        lease_ms = int(self.lease_seconds * 1000)
        while True:
            time.sleep(self.lease_seconds / 3)
            with self._lock:
                if not self._held:
                    self._keeper = None
                    return
                held = list(self._held.items())
            by_key: dict[str, list[str]] = {}
            for (key, prefix), count in held:
                by_key.setdefault(key, []).extend(_tokens(prefix, count))
            try:
                for key, tokens in by_key.items():
                    self._renew(keys=[key], args=[lease_ms, *tokens])
            except redis.RedisError as exc:
                self._redis_unreachable(exc)


def _tokens(prefix: str, count: int) -> list[str]:
    return [f"{prefix}:{i}" for i in range(1, count + 1)]
