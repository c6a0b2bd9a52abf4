"""What a sync says about the Graph connection, recorded where the owner's banner and /health/ read it."""

from __future__ import annotations

from collections.abc import Sequence

from ..graph.auth import REAUTHENTICATION_REQUIRED
from ..models import GraphConnection, SyncRun
from ..models.sync import SyncRunState


def note_connection_health(runs: Sequence[SyncRun]) -> None:
    """A refused refresh token breaks the connection (the admin's banner then asks for a new
    sign-in); a business read without that trouble proves it works again. Runs that failed for
    other reasons (a business gone, Graph down) say nothing about the sign-in."""
    refused = next(
        (
            entry["message"]
            for run in runs
            for entry in run.errors
            if REAUTHENTICATION_REQUIRED in str(entry.get("message", ""))
        ),
        None,
    )
    if refused:
        GraphConnection.objects.update_or_create(
            id=GraphConnection.SINGLETON_ID, defaults={"healthy": False, "last_error": refused}
        )
    elif any(run.state in (SyncRunState.SUCCEEDED, SyncRunState.PARTIAL) for run in runs):
        GraphConnection.objects.update_or_create(
            id=GraphConnection.SINGLETON_ID, defaults={"healthy": True, "last_error": ""}
        )
