"""Benchmark: pull 20 businesses x 30 services x 50 staff through the emulator at 50 ms latency.

Graph lets a client keep at most 4 requests in flight per booking mailbox, and mailboxes are
independent. So for the requests this sync makes, the fastest possible wall time is the slowest
mailbox's ``ceil(requests / 4) * latency``. The ratio printed is the measured wall time over that
bound, measured in the same run; 1.0 would be perfect.

The emulator runs in a process of its own, as Graph would be elsewhere, so its CPU time does not
count against the portal's. Run: ``python bench/sync_definitions.py`` (a throw-away SQLite database
unless DATABASE_URL is set).
"""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUSINESSES, SERVICES, STAFF, QUESTIONS = 20, 30, 50, 3
LATENCY_MS = 50
TARGET_RATIO = 4.0  # within 4x of the bound the mailbox limit sets


def setup_django() -> None:
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # a log line per request would be measured too
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def seed(emulator) -> list[str]:
    business_ids = []
    for b in range(BUSINESSES):
        business_id = emulator.add_business({"displayName": f"Bench business {b:02}"})
        staff_ids = [
            emulator.add_staff_member(
                business_id,
                {"displayName": f"Staff {s:02}", "emailAddress": f"s{s}@b{b}.example.com", "role": "guest"},
            )
            for s in range(STAFF)
        ]
        question_ids = [
            emulator.add_custom_question(business_id, {"displayName": f"Question {q}?"})
            for q in range(QUESTIONS)
        ]
        for s in range(SERVICES):
            emulator.add_service(
                business_id,
                {
                    "displayName": f"Service {s:02}",
                    "defaultDuration": "PT45M",
                    "staffMemberIds": staff_ids[s % 10 : s % 10 + 5],
                    "customQuestions": [{"questionId": question_ids[0], "isRequired": True}],
                },
            )
        business_ids.append(business_id)
    return business_ids


def mailbox_of(path: str) -> str | None:
    parts = path.split("?")[0].split("/")
    for index, part in enumerate(parts):
        if part.lower() == "bookingbusinesses" and index + 1 < len(parts):
            return unquote(parts[index + 1]).lower()
    return None


def serve_emulator(conn) -> None:
    """Child process: a seeded emulator with the benchmark's latency, until told to stop."""
    from tests.graph_emulator import start_emulator

    emulator = start_emulator()
    business_ids = seed(emulator)
    emulator.latency_ms = LATENCY_MS
    conn.send((emulator.base_url, emulator.delegated_token, business_ids))
    conn.recv()  # the sync is done
    conn.send(Counter(mailbox_of(record.path) for record in emulator.requests))
    emulator.stop()


def main() -> int:
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve_emulator, args=(child,), daemon=True)
    server.start()
    base_url, token, business_ids = parent.recv()

    setup_django()
    from bookings.graph.auth import StaticTokenProvider
    from bookings.graph.client import GraphClient
    from bookings.models import Service, StaffMember
    from bookings.sync.pull import pull_all

    with GraphClient(base_url, StaticTokenProvider(token)) as client:
        started = time.perf_counter()
        runs = pull_all(client, business_ids=business_ids, trigger="command")
        wall = time.perf_counter() - started
    parent.send("done")
    per_mailbox = parent.recv()
    per_mailbox.pop(None, None)
    server.join(timeout=10)

    failed = [run for run in runs if run.state != "succeeded"]
    assert not failed, [(run.business_graph_id, run.state, run.errors) for run in failed]
    assert Service.objects.count() == BUSINESSES * SERVICES, Service.objects.count()
    assert StaffMember.objects.count() == BUSINESSES * STAFF, StaffMember.objects.count()

    busiest = max(per_mailbox.values())
    bound = math.ceil(busiest / 4) * LATENCY_MS / 1000
    ratio = wall / bound
    passed = ratio <= TARGET_RATIO
    print(f"businesses={BUSINESSES} services={BUSINESSES * SERVICES} staff={BUSINESSES * STAFF}")
    print(f"requests={sum(per_mailbox.values())} busiest-mailbox={busiest} latency={LATENCY_MS}ms")
    print(f"wall={wall:.2f}s bound={bound:.2f}s")
    verdict = "yes" if passed else "no"
    print(f"RESULT sync_definitions ratio={ratio:.2f} target=<={TARGET_RATIO:g} pass={verdict}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
