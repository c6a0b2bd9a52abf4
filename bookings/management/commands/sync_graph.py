"""``manage.py sync_graph``: pull business definitions from Microsoft Graph now, with a progress bar.

Without options it reaches Graph the way the scheduled task does (the ``GRAPH_*`` settings);
``--base-url`` and ``--token`` point it at any Graph-shaped server directly (the emulator prints both),
which is how a newcomer sees definitions arrive without a Microsoft 365 tenant.
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from bookings.management.graph_commands import add_graph_arguments, format_table, graph_client
from bookings.models import SyncRun
from bookings.models.sync import COUNT_NAMES, SyncRunState, SyncTrigger
from bookings.sync import pull_all

BAR_WIDTH = 30


class ProgressBar:
    """A one-line text bar, redrawn in place (``\\r``) on a terminal, one line per step otherwise
    (a log file or CI output then shows each business as it finishes)."""

    def __init__(self, stream: OutputWrapper) -> None:
        self.stream = stream
        self.in_place = stream.isatty()

    def __call__(self, done: int, total: int, run: SyncRun | None) -> None:
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        label = f" {run.business_graph_id}: {run.state}" if run else ""
        line = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}{label}"
        # Plain text: stderr is styled as errors by default, and progress is not an error.
        if self.in_place:
            self.stream.write(f"\r\033[K{line}", _plain, ending="\n" if done == total else "")
        else:
            self.stream.write(line, _plain)
        self.stream.flush()


def _plain(text: str) -> str:
    return text


def summary_table(runs: list[SyncRun]) -> str:
    """One row per business: its state, what changed (all kinds together) and how many errors."""
    header = ["business", "state", *COUNT_NAMES, "errors"]
    rows = [
        [
            run.business_graph_id or "(listing)",
            run.state,
            *map(str, run.totals().values()),
            str(run.error_count),
        ]
        for run in runs
    ]
    return format_table(header, rows)


class Command(BaseCommand):
    help = (
        "Pull booking businesses, services, staff members and custom questions from Microsoft Graph "
        "into the portal. Exits non-zero if any business failed."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        add_graph_arguments(
            parser,
            businesses_help="A booking mailbox to sync (repeatable). Default: BOOKINGS_BUSINESS_IDS, "
            "else every business the delegated sign-in can list.",
        )

    def handle(
        self,
        *args: Any,
        businesses: list[str] | None,
        base_url: str | None,
        token: str | None,
        **options: Any,
    ) -> None:
        client = graph_client(base_url, token)
        with client:
            runs = pull_all(
                client,
                business_ids=businesses,
                trigger=SyncTrigger.COMMAND,
                progress=ProgressBar(self.stderr),
            )
        self.stdout.write(summary_table(runs))
        for run in runs:
            for entry in run.errors:
                where = " ".join(filter(None, [run.business_graph_id, entry["kind"], entry["graph_id"]]))
                self.stdout.write(f"{entry['level']}: {where}: {entry['message']}")
        failed = [run for run in runs if run.state == SyncRunState.FAILED]
        if failed:
            raise CommandError(f"{len(failed)} of {len(runs)} business syncs failed.")
