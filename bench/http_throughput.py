"""Benchmark: the slot endpoint and the booking POST under gunicorn, against a bare Django view.

Issue 4, benchmark 6(b). One gunicorn serves the portal with its own middleware and settings
(``bench/settings_http.py``: only the URLConf, the database, where e-mails and Celery messages go,
the static files' folder and logging differ) plus a bare
view returning ``JsonResponse({"ok": True})`` (``bench/_http_urls.py``). 50 concurrent clients
(``bench/_http_load.py``: asyncio tasks, each with its own ``httpx.AsyncClient``, so its own
connection and cookies) then load, in turn:

* bare: ``GET /bench/bare/``;
* slots.json: ``GET /book/<slug>/<service>/slots.json?start=<tomorrow>&days=7&tz=Europe/Paris``,
  a week of free slots as JSON, what the slot picker is drawn from;
* slot picker (extra line with ``--picker``, not in the RESULT): the HTML page
  ``/book/<slug>/<service>/`` for the same week, the same work plus a template; it is the slowest
  page, so it is measured once and only on request (it adds about 25 seconds);
* booking: ``POST /book/<slug>/<service>/details/`` with the form's fields, each POST for a start
  no other POST asks for (one 30-minute step after another from a month ahead), so a 302 to the
  new booking's page is the expected answer. Each client GETs the details page once first, for
  the CSRF cookie, whose value it sends back as the form's token.

The data (``bench/_http_data.py``, a fresh PostgreSQL database ``bench_http``): a published
business open around the clock every day, a 30-minute grid, no lead time, a year of advance, and
one 30-minute service without questions delivered by 10 staff, so a week holds 336 starts, each
free for 10 staff members: a busy salon's week. Every booking POST re-checks its slot against the
rules and the rows as they are, auto-assigns the least loaded staff member that day, and writes
the appointment, its staff and customer rows, an outbox item and a confirmation notice.

Conditions. The machine has 2 cores, shared by gunicorn (``GUNICORN_ARGS``: 2 gthread workers of
4 threads each, one worker per core, threads to overlap database waits), PostgreSQL and the load
generator, which takes a good part of a core at the bare view's rate; other work on the machine
adds noise (the load average at the start is printed). All measurements share these conditions:
one gunicorn, the same clients, and the endpoints measured in turn, ``ROUNDS`` times, so a
change in background load hits them all. A measurement is ``WARMUP`` seconds of load followed by
a ``WINDOW``-second window; the requests completed in the window count, and a rate counts only the
successful ones (200 for the GETs, 302 for the booking POST; "requests" in the table counts all).

The ratios are each endpoint's requests per second over the bare view's. Targets: slots.json at
least 0.5x, booking at least 0.3x. The last line is ``RESULT http_throughput
ratio=<min(slots/0.5, booking/0.3)> target=>=1 pass=<yes|no>``; pass also needs no 5xx and no
failed request in any measurement, only 200s from the GETs and only 302s from the booking POSTs.

Run: ``python bench/http_throughput.py [--picker]`` (PostgreSQL on 127.0.0.1:5432 as user postgres,
or ``BENCH_HTTP_DATABASE_URL``); 90 to 110 seconds, most of it waiting for the requests still
out at the end of each slow measurement (they are awaited, not dropped, so that the server has
finished them before the next measurement starts).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _http_data  # noqa: E402
import httpx  # noqa: E402
from _http_load import Measurement, measure  # noqa: E402

CLIENTS = 50
WARMUP, WINDOW, ROUNDS = 2.0, 5.0, 2
GUNICORN_ARGS = ["--workers", "2", "--worker-class", "gthread", "--threads", "4"]
SLOTS_TARGET, BOOKING_TARGET = 0.5, 0.3
# Bookings start a month ahead, clear of the week the slot pages show.
BOOKING_FROM = timedelta(days=30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int, log: Path, env: dict[str, str]) -> subprocess.Popen:
    """gunicorn on ``portal.wsgi`` with the bench settings; returns once it answers."""
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "portal.wsgi:application",
        "--chdir",
        str(ROOT),
        "--bind",
        f"127.0.0.1:{port}",
        "--no-control-socket",  # gunicorn 27's control socket is per user: another run may hold it
        "--error-logfile",
        str(log),
        *GUNICORN_ARGS,
    ]
    server = subprocess.Popen(command, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/bench/bare/", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within 30 s:\n{log.read_text()}")


def stop_gunicorn(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # the arbiter stops its workers
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


class Endpoints:
    """The requests of each measurement, against one service."""

    def __init__(self, target: _http_data.Target, today: datetime) -> None:
        zone = ZoneInfo(_http_data.ZONE)
        local_today = today.astimezone(zone).date()
        base = f"/book/{target.slug}/{target.service_id}"
        self.week = (local_today + timedelta(days=1)).isoformat()
        self.slots_url = f"{base}/slots.json?start={self.week}&days=7&tz={_http_data.ZONE}"
        self.picker_url = f"{base}/?week={self.week}&tz={_http_data.ZONE}"
        self.details_url = f"{base}/details/"
        first = datetime.combine(local_today + BOOKING_FROM, datetime.min.time(), zone).astimezone(UTC)
        self.first_start = first
        self._starts = count()

    def next_start(self) -> str:
        start = self.first_start + next(self._starts) * _http_data.SLOT
        return start.strftime("%Y-%m-%dT%H:%M:%SZ")

    async def bare(self, session: httpx.AsyncClient) -> httpx.Response:
        return await session.get("/bench/bare/")

    async def slots(self, session: httpx.AsyncClient) -> httpx.Response:
        return await session.get(self.slots_url)

    async def picker(self, session: httpx.AsyncClient) -> httpx.Response:
        return await session.get(self.picker_url)

    async def open_details(self, session: httpx.AsyncClient) -> None:
        """The details page for a free slot, as the picker links to it: sets the CSRF cookie."""
        start = (self.first_start - _http_data.SLOT).strftime("%Y-%m-%dT%H:%M:%SZ")
        page = await session.get(self.details_url, params={"start": start, "tz": _http_data.ZONE})
        if page.status_code != 200 or "csrftoken" not in session.cookies:
            raise RuntimeError(f"details page answered {page.status_code} without a CSRF cookie")

    async def book(self, session: httpx.AsyncClient) -> httpx.Response:
        form = {
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "start": self.next_start(),
            "staff": "",
            "tz": _http_data.ZONE,
            "request_key": uuid.uuid4().hex,
            "name": "Bench Customer",
            "email": "customer@example.com",
            "phone": "+33 1 23 45 67 89",
            "notes": "",
        }
        return await session.post(self.details_url, data=form)


async def run_all(endpoints: Endpoints, base_url: str, *, picker: bool) -> dict[str, list[Measurement]]:
    plan = [
        ("bare view", endpoints.bare, None),
        ("slots.json", endpoints.slots, None),
        ("slot picker (HTML)", endpoints.picker, None),
        ("booking POST", endpoints.book, endpoints.open_details),
    ]
    if not picker:
        plan = [step for step in plan if step[0] != "slot picker (HTML)"]
    results: dict[str, list[Measurement]] = {name: [] for name, _, _ in plan}
    for round_number in range(ROUNDS):
        for name, request, prepare in plan:
            if name == "slot picker (HTML)" and round_number > 0:
                continue  # the slowest page, an extra line: one measurement keeps the run short
            began = time.monotonic()
            results[name].append(
                await measure(
                    name,
                    request,
                    base_url=base_url,
                    clients=CLIENTS,
                    warmup=WARMUP,
                    duration=WINDOW,
                    prepare=prepare,
                    expected=302 if name == "booking POST" else 200,
                )
            )
            took = time.monotonic() - began
            print(
                f"  round {round_number + 1}: {name} measured ({took:.0f} s with warm-up and drain)",
                flush=True,
            )
    return results


def combined(runs: list[Measurement]) -> Measurement:
    statuses: Counter = Counter()
    for run in runs:
        statuses.update(run.statuses)
    return Measurement(
        runs[0].name,
        sum(run.seconds for run in runs),
        tuple(latency for run in runs for latency in run.latencies),
        statuses,
        sum(run.client_cpu for run in runs) / len(runs),
        runs[0].expected,
    )


def report(results: dict[str, list[Measurement]]) -> tuple[dict[str, float], bool]:
    """Print the table; return each endpoint's ratio to the bare view and whether statuses are clean."""
    totals = {name: combined(runs) for name, runs in results.items()}
    bare = totals["bare view"].rate
    header = f"{'endpoint':<20}{'requests':>9}{'ok/s':>9}{'x bare':>8}{'p50 ms':>9}{'p95 ms':>9}  statuses"
    print(header)
    print("-" * len(header))
    ratios, clean = {}, True
    for name, total in totals.items():
        ratios[name] = total.rate / bare
        statuses = ", ".join(f"{status}: {n}" for status, n in sorted(total.statuses.items(), key=str))
        print(
            f"{name:<20}{len(total.latencies):>9}{total.rate:>9.1f}{ratios[name]:>8.3f}"
            f"{total.percentile(0.5) * 1000:>9.0f}{total.percentile(0.95) * 1000:>9.0f}  {statuses}"
        )
        clean = clean and total.server_errors == 0 and set(total.statuses) == {total.expected}
    per_round = "; ".join(
        f"round {n + 1}: bare {results['bare view'][n].rate:.0f}/s, "
        f"slots {results['slots.json'][n].rate / results['bare view'][n].rate:.3f}x, "
        f"booking {results['booking POST'][n].rate / results['bare view'][n].rate:.3f}x"
        for n in range(ROUNDS)
    )
    print(per_round)
    cpu = ", ".join(f"{name} {total.client_cpu:.2f}" for name, total in totals.items())
    print(f"load generator CPU (cores): {cpu}")
    return ratios, clean


def main() -> int:
    static_root = Path(tempfile.mkdtemp(prefix="bench-http-static-"))
    os.environ["BENCH_HTTP_STATIC_ROOT"] = str(static_root)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    log = static_root.parent / f"{static_root.name}-gunicorn.log"
    server = None
    database_made = False
    try:
        _http_data.setup_django()
        database_made = True  # from here on, whatever happens, the database is dropped at the end
        _http_data.create_database()
        _http_data.collect_static()
        target = _http_data.load_business()
        from django.db import connection

        connection.close()
        port = free_port()
        load = os.getloadavg()[0]
        server = start_gunicorn(port, log, dict(os.environ))
        print(
            f"gunicorn {' '.join(GUNICORN_ARGS)} on 127.0.0.1:{port}; {CLIENTS} clients; "
            f"{ROUNDS} rounds of {WARMUP:g} s warm-up + {WINDOW:g} s measured per endpoint; "
            f"{os.cpu_count()} cores, load average {load:.1f} at start",
            flush=True,
        )
        endpoints = Endpoints(target, datetime.now(UTC))
        results = asyncio.run(run_all(endpoints, f"http://127.0.0.1:{port}", picker="--picker" in sys.argv))
    finally:
        if server is not None:
            stop_gunicorn(server)
        if database_made:
            _http_data.teardown_django()
        shutil.rmtree(static_root, ignore_errors=True)
        log.unlink(missing_ok=True)
    ratios, clean = report(results)
    slots, booking = ratios["slots.json"], ratios["booking POST"]
    score = min(slots / SLOTS_TARGET, booking / BOOKING_TARGET)
    passed = clean and score >= 1
    print(
        f"slots.json/bare = {slots:.3f} (target >= {SLOTS_TARGET}), "
        f"booking/bare = {booking:.3f} (target >= {BOOKING_TARGET}), "
        f"statuses clean: {'yes' if clean else 'no'}"
    )
    print(f"RESULT http_throughput ratio={score:.2f} target=>=1 pass={'yes' if passed else 'no'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
