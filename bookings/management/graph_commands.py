"""What the commands that talk to Graph share: where they reach it, and their summary table."""

from __future__ import annotations

import argparse

from django.core.management.base import CommandError

from bookings.graph import GraphClient, StaticTokenProvider, client_from_settings
from bookings.models.sync import ConnectionTokenCacheStore


def add_graph_arguments(parser: argparse.ArgumentParser, *, businesses_help: str) -> None:
    """``--business`` (repeatable, into ``businesses``), ``--base-url`` and ``--token``."""
    parser.add_argument("--business", action="append", dest="businesses", metavar="ID", help=businesses_help)
    parser.add_argument("--base-url", help="Graph root to use instead of GRAPH_BASE_URL (e.g. the emulator).")
    parser.add_argument("--token", help="Bearer token for --base-url (the emulator prints one).")


def graph_client(base_url: str | None, token: str | None) -> GraphClient:
    """The client ``--base-url``/``--token`` name, else the one the settings configure."""
    if bool(base_url) != bool(token):
        raise CommandError("--base-url and --token go together.")
    if base_url and token:
        return GraphClient(base_url, StaticTokenProvider(token))
    return client_from_settings(cache_store=ConnectionTokenCacheStore())


def format_table(header: list[str], rows: list[list[str]]) -> str:
    """Plain-text columns: the first two (names, states) left-aligned, the counts right-aligned."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.ljust(width) if i < 2 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(header), line(["-" * width for width in widths]), *map(line, rows)])
