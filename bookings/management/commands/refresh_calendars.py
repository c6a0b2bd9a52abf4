"""``manage.py refresh_calendars``: read the appointments and staff busy time Bookings holds now.

Without options it reaches Graph the way the scheduled task does (the ``GRAPH_*`` settings);
``--base-url`` and ``--token`` point it at any Graph-shaped server directly (the emulator prints both;
getStaffAvailability takes the app-only token).
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bookings.management.graph_commands import add_graph_arguments, format_table, graph_client
from bookings.models import Business
from bookings.sync import CalendarRefresh, refresh_all_calendars, refresh_calendar

COLUMNS = ("created", "updated", "unchanged", "removed", "skipped", "busy_intervals", "flagged")


def summary_table(results: list[CalendarRefresh]) -> str:
    """One row per business: ok / failed / no busy time, then what the refresh did."""
    header = ["business", "state", *COLUMNS]
    rows = [
        [
            result.business_id,
            "failed" if result.error else ("no busy time" if result.busy_error else "ok"),
            *(str(getattr(result, name)) for name in COLUMNS),
        ]
        for result in results
    ]
    return format_table(header, rows)


class Command(BaseCommand):
    help = (
        "Refresh the calendar caches from Microsoft Graph: appointments made in Bookings (calendarView) "
        "and staff busy time (getStaffAvailability). Exits non-zero if any business failed."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        add_graph_arguments(
            parser,
            businesses_help="A booking mailbox to refresh (repeatable). Default: every active business.",
        )

    def handle(
        self,
        *args: Any,
        businesses: list[str] | None,
        base_url: str | None,
        token: str | None,
        **options: Any,
    ) -> None:
        chosen = []
        for business_id in businesses or ():
            business = Business.objects.filter(graph_id__iexact=business_id, is_active=True).first()
            if business is None:
                raise CommandError(f"No active business has the mailbox {business_id}.")
            chosen.append(business)
        client = graph_client(base_url, token)
        now = timezone.now()
        with client:
            if chosen:
                results = [refresh_calendar(client, business, now=now) for business in chosen]
            else:
                results = refresh_all_calendars(client, now=now)
        self.stdout.write(summary_table(results))
        for result in results:
            for message in filter(None, [result.error, result.busy_error, *result.problems]):
                self.stdout.write(f"{result.business_id}: {message}")
        failed = [result for result in results if result.error]
        if failed:
            raise CommandError(f"{len(failed)} of {len(results)} calendar refreshes failed.")
