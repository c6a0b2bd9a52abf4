"""Benchmark: push 1,000 new appointments to Graph through the emulator at 50 ms latency.

Issue 5. A burst of 1,000 portal bookings in one business (Contoso, synced from the emulator's demo
tenant), each by a new customer, is recorded in the outbox by ``booking.create_appointment`` and
delivered by ``sync.push.push_due``, timed. That is 2,000 creates: 1,000 customers, then their
1,000 appointments (an appointment can only be sent once its customer has a Graph id).

The bound, from the emulator's code (``tests/graph_emulator/pipeline.py``, ``batch.py``):

* every Graph call, top-level or inside a ``$batch``, goes through ``Pipeline._run``: it takes one
  of the mailbox's 4 in-flight places (a call arriving when 4 are taken gets 429), sleeps
  ``latency_ms``, and only then runs;
* a ``$batch`` itself takes no place and no latency (``Pipeline._batch``), and runs its independent
  inner requests in parallel, each through ``_run``: each inner request holds a place for 50 ms;
  requests chained by ``dependsOn`` run one after another (the push sends 20 creates as 4 such
  lanes of 5, so one round trip keeps the 4 places busy for 5 latencies).

So batching saves HTTP round trips but not Graph's time: whatever the mix of single requests and
batches, one mailbox finishes at most 4 operations per 50 ms, and N operations need at least
``ceil(N / 4) * 50 ms``, here ceil(2,000 / 4) * 50 ms = 25 s. (Were a batch one request in flight
with its inner requests free, the bound would be N / (4 * 20) * 50 ms; that is not how Graph or
the emulator counts.) The customers-first order does not raise it: appointments can follow their
customers in a pipeline, so it costs at most one more 50 ms at the very end, which the bound ignores.

Why new customers: it is the real burst (1,000 people booking online), and it exercises the
customers-first ordering the push must keep; the bound counts the customers' creates too, so the
ratio stays a fair measure of how close the push comes to Graph's limit. The 1,000 bookings are
made (untimed) before the push starts; the emulator's latency is switched on only for the push.

Printed: operations/s, wall time, bound, ratio, the emulator's most requests in flight for the
mailbox (must be <= 4, else the push broke Graph's limit), the number of new appointments
upstream (must be exactly 1,000: nothing lost, nothing doubled) and the CPU time this process spent
in the push (every thread; the emulator's is its own). Pass needs both checks and ratio <= 1.3.

Run: ``python bench/push.py`` (a temporary SQLite database, or a private ``bench_push`` database
when DATABASE_URL names a PostgreSQL server; settings in ``bench/settings_push.py``). The emulator
runs in a process of its own (``bench/_push_emulator.py``, driven over a pipe to switch the latency,
reset the throttle and read the checks), as ``bench/sync_definitions.py`` runs it: Graph is a remote
service, and in this process the emulator's threads would compete with the portal for the GIL,
charging Graph's CPU time to the push. The last line is
``RESULT push ratio=<wall/bound> target=<=1.3 pass=<yes|no>``.
"""

from __future__ import annotations

import math
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

APPOINTMENTS = 1_000
LATENCY_MS = 50
PER_MAILBOX = 4  # Graph's limit of requests in flight per booking mailbox
TARGET_RATIO = 1.3
CONTOSO = "Contosolunchdelivery@contoso.onmicrosoft.com"
DANA = "8ee1c803-a1fa-406d-8259-7ab53233f148"
BENTO = "57da6774-a087-4d69-b0e6-6fb82c339976"


def setup_django() -> None:
    """Django on a fresh database of the benchmark's own, migrated."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings_push"
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # a log line per request would be measured too
    import django
    from django.core.management import call_command

    django.setup()
    from bench import _database

    _database.create_fresh()
    call_command("migrate", verbosity=0)


def teardown_django() -> None:
    from bench import _database

    _database.drop()


def make_bookings(business) -> int:
    """1,000 portal bookings, each by a new customer, an hour or more apart (Dana can take them all)."""
    from django.utils import timezone

    from bookings import booking
    from bookings.booking import CustomerDetails
    from bookings.models import OutboxItem, Service, StaffMember

    service = Service.objects.get(graph_id=BENTO)
    dana = StaffMember.objects.get(graph_id=DANA)
    step = max(timedelta(hours=1), service.default_duration + service.pre_buffer + service.post_buffer)
    first = (timezone.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    for number in range(APPOINTMENTS):
        booking.create_appointment(
            business=business,
            service=service,
            start=first + number * step,
            staff_members=[dana],
            customers=[
                CustomerDetails(name=f"Bench {number:04}", email_address=f"bench{number:04}@example.com")
            ],
        )
    return OutboxItem.objects.count()


def main() -> int:
    from bench._push_emulator import EmulatorProcess

    setup_django()
    emulator = EmulatorProcess()  # the demo tenant in a child process, latency 0 until the push
    try:
        from bookings.graph.auth import StaticTokenProvider
        from bookings.graph.client import GraphClient
        from bookings.models import Appointment, Business, Customer, OutboxItem, OutboxState
        from bookings.sync.pull import pull_business
        from bookings.sync.push import push_due

        with GraphClient(emulator.base_url, StaticTokenProvider(emulator.delegated_token)) as client:
            pull_business(client, CONTOSO, trigger="manual")
            contoso = Business.objects.get(graph_id__iexact=CONTOSO)
            made = time.perf_counter()
            operations = make_bookings(contoso)
            made = time.perf_counter() - made
            before = emulator.count_items(CONTOSO, "appointments")
            emulator.reset_throttle()
            emulator.set_latency(LATENCY_MS)
            started, cpu = time.perf_counter(), time.process_time()
            summary = push_due(client, budget_seconds=600)
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
            emulator.set_latency(0)
        concurrency = emulator.max_concurrency().get(CONTOSO.lower(), 0)
        created = emulator.count_items(CONTOSO, "appointments") - before
        undelivered = OutboxItem.objects.exclude(state=OutboxState.DONE).count()
        missing_ids = (
            Appointment.objects.filter(business=contoso, graph_id__isnull=True).count()
            + Customer.objects.filter(business=contoso, graph_id__isnull=True).count()
        )
    finally:
        emulator.stop()
        teardown_django()

    bound = math.ceil(operations / PER_MAILBOX) * LATENCY_MS / 1000
    ratio = wall / bound
    correct = concurrency <= PER_MAILBOX and created == APPOINTMENTS and not undelivered and not missing_ids
    passed = correct and ratio <= TARGET_RATIO
    print(
        f"workload: {APPOINTMENTS} bookings by new customers in one mailbox = {operations} creates "
        f"(made in {made:.1f} s, untimed); latency {LATENCY_MS} ms per Graph request"
    )
    print(
        f"bound: ceil({operations} / {PER_MAILBOX} in flight) x {LATENCY_MS} ms = {bound:.2f} s "
        "(a $batch's inner requests each hold a place for the latency; the batch itself none)"
    )
    print()
    print(
        f"{'push_due':<10} {'ops/s':>8} {'wall':>9} {'bound':>9} {'ratio':>6} "
        f"{'max in flight':>14} {'new upstream':>13}"
    )
    print(
        f"{'measured':<10} {operations / wall:>8.1f} {wall:>7.2f} s {bound:>7.2f} s {ratio:>6.2f} "
        f"{concurrency:>14} {created:>13}"
    )
    print(
        f"{'bound':<10} {operations / bound:>8.1f} {bound:>7.2f} s {bound:>7.2f} s {1:>6.2f} "
        f"{PER_MAILBOX:>14} {APPOINTMENTS:>13}"
    )
    print()
    print(f"CPU time of the push in this process (not the emulator's): {cpu:.2f} s over {wall:.2f} s wall")
    print(
        f"delivered {summary.delivered}, retrying {summary.retrying}, dead {summary.dead}, "
        f"waiting {summary.waiting}; items not done {undelivered}; rows without a Graph id {missing_ids}"
    )
    print(
        f"checks: max in flight <= {PER_MAILBOX}: {'yes' if concurrency <= PER_MAILBOX else 'NO'}; "
        f"exactly {APPOINTMENTS} new upstream: {'yes' if created == APPOINTMENTS else 'NO'}"
    )
    print(f"RESULT push ratio={ratio:.2f} target=<={TARGET_RATIO:g} pass={'yes' if passed else 'no'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
