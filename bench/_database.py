"""The benchmarks' throwaway databases: created fresh before a run, dropped after it."""

from __future__ import annotations

import os


def create_fresh() -> None:
    """On PostgreSQL, the configured database dropped (if left by a crashed run) and created empty.
    A SQLite file needs nothing: it appears on first use."""
    from django.db import connection

    if connection.vendor == "postgresql":
        name = connection.settings_dict["NAME"]
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')


def drop() -> None:
    """The database gone: dropped on PostgreSQL (by force: no server may still hold it), the file
    and its folder removed for SQLite."""
    from django.db import connection

    name = connection.settings_dict["NAME"]
    connection.close()
    if connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(name + suffix):
            os.remove(name + suffix)
    os.rmdir(os.path.dirname(name))
