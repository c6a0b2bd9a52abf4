"""At most 4 requests in flight per booking mailbox across worker PROCESSES, counted in Redis.

Every test owns a private ``redis-server`` on a free port, so it can kill and restart it without
touching the machine's Redis. Workers are real processes (spawn): one killed with SIGKILL is a real
crash, and nothing but Redis is shared between them.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import random
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from bookings.graph import (
    GraphClient,
    LocalMailboxSlots,
    MailboxBusy,
    RedisMailboxSlots,
    StaticTokenProvider,
    business_path,
    client_from_settings,
    mailbox_slots_from_settings,
)
from tests.graph.conftest import CONTOSO

SPAWN = multiprocessing.get_context("spawn")
MAILBOX = "contoso@example.com"
OTHER = "fabrikam@example.com"


class PrivateRedis:
    """A throwaway ``redis-server`` on 127.0.0.1 that a test may stop and start again on the same port."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        executable = shutil.which("redis-server")
        if not executable:
            pytest.fail("redis-server not found: install Debian's 'redis-server' package")
        self.process = subprocess.Popen(
            [executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.01)
            finally:
                client.close()

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)


@pytest.fixture
def private_redis(tmp_path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(str(tmp_path))
    server.start()
    try:
        yield server
    finally:
        server.kill()


# --- worker processes (top level, so spawn can import them) -------------------------------------


def hammer(url, plans, rounds, counters, lock, start) -> None:
    """Hold each plan in turn; inside a hold, count the slots in use per mailbox and note the peak."""
    slots = RedisMailboxSlots(url, lease_seconds=5, max_wait=30)
    start.wait()  # processes take a while to spawn: begin together
    for i in range(rounds):
        wanted = plans[i % len(plans)]
        with slots.hold(wanted):
            with lock:
                for mailbox, count in wanted.items():
                    current, peak = counters[mailbox]
                    current.value += count
                    peak.value = max(peak.value, current.value)
            time.sleep(random.uniform(0.001, 0.004))
            with lock:
                for mailbox, count in wanted.items():
                    counters[mailbox][0].value -= count


def hold_forever(url, mailbox, lease_seconds, ready) -> None:
    slots = RedisMailboxSlots(url, lease_seconds=lease_seconds)
    with slots.hold({mailbox: 4}):
        ready.set()
        time.sleep(600)


def _nap(seconds: float) -> None:
    time.sleep(min(seconds, 0.01))


def get_services(base_url, token, redis_url, requests, threads, start) -> None:
    """One worker process: its own GraphClient, ``threads`` threads sending ``requests`` GETs."""
    slots = RedisMailboxSlots(redis_url) if redis_url else None
    client = GraphClient(base_url, StaticTokenProvider(token), timeout=5, sleep=_nap, slots=slots)
    start.wait()
    with client, ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda _: client.get(business_path(CONTOSO, "services")), range(requests)))


def run_processes(target, arguments: list[tuple], *, timeout: float = 60, check: bool = True) -> None:
    processes = [SPAWN.Process(target=target, args=args) for args in arguments]
    for process in processes:
        process.start()
    deadline = time.monotonic() + timeout
    for process in processes:
        process.join(max(0.1, deadline - time.monotonic()))
    stuck = [p for p in processes if p.is_alive()]
    for process in stuck:
        process.kill()
    assert not stuck, "worker processes did not finish: a deadlock?"
    if check:
        assert [p.exitcode for p in processes] == [0] * len(processes)


def shared_counters(*mailboxes: str) -> dict:
    return {
        mailbox: (SPAWN.Value("i", 0, lock=False), SPAWN.Value("i", 0, lock=False)) for mailbox in mailboxes
    }


# --- the limit across processes ------------------------------------------------------------------


def test_six_processes_hammering_one_mailbox_never_hold_more_than_four_slots(private_redis):
    counters, lock = shared_counters(MAILBOX), SPAWN.Lock()
    arguments = (private_redis.url, [{MAILBOX: 1}], 40, counters, lock, SPAWN.Barrier(6))
    run_processes(hammer, [arguments] * 6)
    current, peak = counters[MAILBOX]
    assert peak.value == 4  # parallel, but never past the limit
    assert current.value == 0
    assert private_redis.client().zcard(f"graph:inflight:{MAILBOX}") == 0  # every lease given back


def test_batches_of_three_and_two_across_two_mailboxes_do_not_deadlock(private_redis):
    # Taken in the order asked, P1 holding 3 of A and P2 holding 3 of B would each wait forever for
    # 2 of the other's mailbox; sorted order and all-at-once per mailbox rule that out.
    counters, lock = shared_counters(MAILBOX, OTHER), SPAWN.Lock()
    plans = [{MAILBOX: 3, OTHER: 2}, {OTHER: 3, MAILBOX: 2}]
    start = SPAWN.Barrier(4)
    arguments = [
        (private_redis.url, plans[i % 2 :] + plans[: i % 2], 30, counters, lock, start) for i in range(4)
    ]
    run_processes(hammer, arguments)
    # Any two of these batches would need 5 slots of one mailbox, so they ran one at a time.
    assert [counters[m][1].value for m in (MAILBOX, OTHER)] == [3, 3]


def test_mailbox_ids_are_counted_case_insensitively(private_redis):
    slots = RedisMailboxSlots(private_redis.url, max_wait=0.2)
    with slots.hold({MAILBOX.upper(): 4}), pytest.raises(MailboxBusy), slots.hold({MAILBOX: 1}):
        pass
    assert private_redis.client().zcard(f"graph:inflight:{MAILBOX}") == 0


def test_a_full_mailbox_makes_a_waiter_give_up_after_max_wait_with_mailbox_busy(private_redis):
    holder = RedisMailboxSlots(private_redis.url)
    waiter = RedisMailboxSlots(private_redis.url, max_wait=0.3)
    with holder.hold({MAILBOX: 2}):
        with waiter.hold({MAILBOX: 2}):  # fits
            started = time.monotonic()
            with pytest.raises(MailboxBusy, match=MAILBOX), waiter.hold({OTHER: 1, MAILBOX: 1}):
                pass
            assert 0.3 <= time.monotonic() - started < 2
        # The other mailbox's slot, taken first, was given back when the wait failed.
        assert private_redis.client().zcard(f"graph:inflight:{OTHER}") == 0
    assert private_redis.client().zcard(f"graph:inflight:{MAILBOX}") == 0


# --- leases ----------------------------------------------------------------------------------------


def test_slots_of_a_process_killed_while_holding_them_come_back_after_the_lease(private_redis):
    ready = SPAWN.Event()
    crashed = SPAWN.Process(target=hold_forever, args=(private_redis.url, MAILBOX, 1.0, ready))
    crashed.start()
    try:
        assert ready.wait(30)
        os.kill(crashed.pid, signal.SIGKILL)
        crashed.join(5)
    finally:
        crashed.kill()
    assert private_redis.client().zcard(f"graph:inflight:{MAILBOX}") == 4  # still counted...
    started = time.monotonic()
    with RedisMailboxSlots(private_redis.url, max_wait=5).hold({MAILBOX: 4}):
        waited = time.monotonic() - started
    assert waited < 2  # ...until the 1 s lease ran out (plus a poll), not forever


def test_a_holder_slower_than_its_lease_keeps_its_slots_while_it_lives(private_redis):
    holder = RedisMailboxSlots(private_redis.url, lease_seconds=0.6)
    waiter = RedisMailboxSlots(private_redis.url, max_wait=0.3)
    with holder.hold({MAILBOX: 4}):
        time.sleep(2.0)  # more than three leases: renewed in the background
        with pytest.raises(MailboxBusy), waiter.hold({MAILBOX: 1}):
            pass
    with RedisMailboxSlots(private_redis.url, max_wait=0.1).hold({MAILBOX: 4}):
        pass


def test_expired_leases_are_reclaimed_by_the_next_holder(private_redis):
    client = private_redis.client()
    key = f"graph:inflight:{MAILBOX}"
    client.zadd(key, {f"stale:{i}": 1 for i in range(4)})  # expired at 1 ms past the epoch
    with RedisMailboxSlots(private_redis.url, max_wait=0.1).hold({MAILBOX: 4}):
        members = {m.decode() for m in client.zrange(key, 0, -1)}
        assert len(members) == 4
        assert not any(m.startswith("stale:") for m in members)
        assert 0 < client.pttl(key) <= 60_000  # the key itself goes when its leases would
    assert client.exists(key) == 0


# --- Redis unreachable ---------------------------------------------------------------------------


def test_without_redis_nobody_sends_and_a_warning_says_so_once(private_redis, caplog):
    slots = RedisMailboxSlots(private_redis.url, retry_redis_after=0.2)
    private_redis.kill()
    refused = 0

    with caplog.at_level(logging.WARNING, logger="bookings.graph.limits"):
        for _ in range(20):
            try:
                with slots.hold({MAILBOX: 1}):
                    pytest.fail("a request went out with no way to know what other processes have in flight")
            except MailboxBusy as busy:
                refused += 1
                assert busy.retry_after >= 1  # retried later, as after a 429
        time.sleep(0.25)
        with pytest.raises(MailboxBusy), slots.hold({MAILBOX: 1}):  # tried again, still down: no new warning
            pass

    assert refused == 20
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "Redis unreachable" in warnings[0].getMessage()

    private_redis.start()  # back on the same port: holds go through Redis again
    time.sleep(0.25)
    with slots.hold({MAILBOX: 2}):
        assert private_redis.client().zcard(f"graph:inflight:{MAILBOX}") == 2


def test_redis_dying_while_slots_are_held_lets_the_holder_finish_and_stops_the_next(private_redis):
    slots = RedisMailboxSlots(private_redis.url)
    with slots.hold({MAILBOX: 1}):
        private_redis.kill()
    with pytest.raises(MailboxBusy), slots.hold({MAILBOX: 1}):
        pass


def test_after_redis_forgot_every_lease_no_slot_is_given_until_the_fence_has_passed(private_redis):
    """A restart without persistence forgets the leases of requests still in flight: another
    process would see a free mailbox. Nobody starts until those requests must have ended."""
    slots = RedisMailboxSlots(private_redis.url, restart_fence_seconds=0.6, max_wait=0.3)
    private_redis.client().set("graph:inflight:opened", 0)  # a Redis that has been up for a while
    with slots.hold({MAILBOX: 4}):
        private_redis.kill()
        private_redis.start()  # empty: it no longer knows about these four
        other_process = RedisMailboxSlots(private_redis.url, restart_fence_seconds=0.6, max_wait=0.3)
        with pytest.raises(MailboxBusy), other_process.hold({MAILBOX: 1}):
            pass

    time.sleep(0.4)  # the fence (0.6 s from the first look after the restart) has passed
    with other_process.hold({MAILBOX: 4}):
        assert private_redis.client().zcard(f"graph:inflight:{MAILBOX}") == 4


def test_a_redis_that_never_held_leases_opens_after_the_fence_too(private_redis):
    slots = RedisMailboxSlots(private_redis.url, restart_fence_seconds=0.5, max_wait=2)

    started = time.monotonic()
    with slots.hold({MAILBOX: 1}):
        waited = time.monotonic() - started

    assert waited >= 0.45  # it cannot tell a first start from a restart that lost the leases
    started = time.monotonic()
    with slots.hold({MAILBOX: 1}):
        assert time.monotonic() - started < 0.3  # open from then on


def test_the_in_process_limiter_keeps_its_contract(private_redis):
    local = LocalMailboxSlots(2)
    with local.hold({MAILBOX: 5}):  # a batch asking for more than the limit takes the whole limit
        assert local._in_flight[MAILBOX] == 2
    with pytest.raises(ValueError):
        LocalMailboxSlots(0)


# --- end to end through the emulator ------------------------------------------------------------


def test_three_worker_processes_with_the_shared_limit_never_get_a_429(demo_emulator, private_redis):
    demo_emulator.latency_ms = 50
    start = SPAWN.Barrier(3)
    arguments = (demo_emulator.base_url, demo_emulator.delegated_token, private_redis.url, 30, 4, start)
    run_processes(get_services, [arguments] * 3)

    contoso = [r for r in demo_emulator.requests if "services" in r.path]
    assert len(contoso) == 90
    assert {r.status for r in contoso} == {200}  # the emulator throttles a fifth request: none came
    assert demo_emulator.max_concurrency[CONTOSO.lower()] == 4


def test_three_worker_processes_limited_each_on_its_own_do_get_429s(demo_emulator):
    # The control: the same load with only the in-process limit overruns the mailbox.
    demo_emulator.latency_ms = 50
    arguments = (demo_emulator.base_url, demo_emulator.delegated_token, None, 30, 4, SPAWN.Barrier(3))
    run_processes(get_services, [arguments] * 3, check=False)  # some may run out of retries

    assert demo_emulator.max_concurrency[CONTOSO.lower()] > 4
    assert 429 in {r.status for r in demo_emulator.requests}


# --- settings --------------------------------------------------------------------------------------


def test_client_from_settings_shares_the_limit_through_the_configured_redis(settings, private_redis):
    settings.GRAPH_CONCURRENCY_REDIS_URL = private_redis.url
    settings.GRAPH_CONCURRENCY_LEASE_SECONDS = 7
    settings.GRAPH_TIMEOUT_SECONDS = 2
    with client_from_settings(token_provider=StaticTokenProvider("t")) as graph:
        assert isinstance(graph._slots, RedisMailboxSlots)
        assert (graph._slots.limit, graph._slots.lease_seconds) == (4, 7)
        assert graph._slots.restart_fence_seconds == 7  # three timeouts (connect, send, receive) and one

    settings.CELERY_TASK_ALWAYS_EAGER = True  # `make run`: no worker processes, no Redis needed
    assert mailbox_slots_from_settings() is None
    settings.CELERY_TASK_ALWAYS_EAGER = False

    settings.GRAPH_CONCURRENCY_REDIS_URL = None
    assert mailbox_slots_from_settings() is None
    with client_from_settings(token_provider=StaticTokenProvider("t")) as graph:
        assert isinstance(graph._slots, LocalMailboxSlots)
