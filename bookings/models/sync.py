"""The portal's own record of talking to Microsoft Graph: sync runs and the Graph connection."""

from __future__ import annotations

import threading
from typing import Any

from django.db import connections, models
from django.utils import timezone

from .business import Business

# What one run counts for each kind of record, in the order a summary prints them.
COUNT_NAMES = ("created", "updated", "deactivated", "unchanged", "skipped")
SYNCED_KINDS = ("business", "staff_members", "custom_questions", "services")


class SyncTrigger(models.TextChoices):
    MANUAL = "manual"
    BEAT = "beat", "Schedule (Celery beat)"
    ADMIN = "admin", "Admin action"
    COMMAND = "command", "manage.py sync_graph"


class SyncRunState(models.TextChoices):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    PARTIAL = "partial", "Partial (some items skipped)"


def empty_counts() -> dict[str, dict[str, int]]:
    return {kind: dict.fromkeys(COUNT_NAMES, 0) for kind in SYNCED_KINDS}


class SyncRun(models.Model):
    """What one pull of one business from Graph did, kept so the owner can see sync health.

    ``counts`` maps each kind (``business``, ``staff_members``, ``custom_questions``, ``services``)
    to how many records were created, updated, deactivated, left unchanged or skipped. ``errors`` is a
    list of ``{"kind", "graph_id", "message", "level"}``: ``level`` "error" means something upstream
    was not mirrored (the run is then ``partial``), "warning" that it was mirrored with a fallback
    (an unknown enum value, say). ``business`` is null when the business never reached the database
    (its first read failed); ``business_graph_id`` still says which one it was.
    """

    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    trigger = models.CharField(max_length=10, choices=SyncTrigger.choices, default=SyncTrigger.MANUAL)
    state = models.CharField(max_length=10, choices=SyncRunState.choices, default=SyncRunState.RUNNING)
    business = models.ForeignKey(
        Business, null=True, blank=True, on_delete=models.SET_NULL, related_name="sync_runs"
    )
    business_graph_id = models.CharField("mailbox address", max_length=320, blank=True)
    counts = models.JSONField(default=empty_counts, blank=True)
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["business", "-started_at"], name="syncrun_business_started")]

    def __str__(self) -> str:
        return f"{self.business_graph_id or 'all businesses'} {self.get_state_display()} {self.started_at:%c}"

    def count(self, kind: str, name: str, amount: int = 1) -> None:
        """Add to one counter; kinds and names outside the known set are programming errors."""
        self.counts.setdefault(kind, dict.fromkeys(COUNT_NAMES, 0))[name] += amount

    def report(self, kind: str, graph_id: str | None, message: str, *, level: str = "error") -> None:
        self.errors.append({"kind": kind, "graph_id": graph_id, "message": message, "level": level})

    def totals(self) -> dict[str, int]:
        """Each counter summed over all kinds: what a one-line summary shows."""
        return {name: sum(kind.get(name, 0) for kind in self.counts.values()) for name in COUNT_NAMES}

    @property
    def error_count(self) -> int:
        return sum(1 for entry in self.errors if entry.get("level", "error") == "error")

    @property
    def duration(self) -> Any:
        return self.finished_at - self.started_at if self.finished_at else None


class GraphAuthMode(models.TextChoices):
    APP = "app", "App-only (client credentials)"
    DELEGATED = "delegated", "Delegated (the owner signs in)"


class GraphConnection(models.Model):
    """How the portal reaches Microsoft Graph: one row, edited by the owner in the admin.

    ``token_cache`` holds msal's serialised token cache for delegated mode, encrypted before it is
    stored (the Graph client encrypts and decrypts it; this model never sees plaintext tokens).
    ``healthy`` turns false when a token cannot be refreshed (a revoked grant): the admin then warns
    and pushes to Graph wait instead of failing.
    """

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)
    auth_mode = models.CharField(max_length=10, choices=GraphAuthMode.choices, default=GraphAuthMode.APP)
    tenant_id = models.CharField("tenant (directory) id", max_length=100, blank=True)
    client_id = models.CharField("application (client) id", max_length=100, blank=True)
    token_cache = models.BinaryField(null=True, blank=True, editable=False)
    healthy = models.BooleanField(default=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="graph_connection_single_row")]

    def __str__(self) -> str:
        return f"Microsoft Graph ({self.get_auth_mode_display()})"

    @classmethod
    def current(cls) -> GraphConnection:
        """The one connection row, created with defaults the first time it is asked for."""
        return cls.objects.get_or_create(id=cls.SINGLETON_ID)[0]


class ConnectionTokenCacheStore:
    """The delegated token cache kept in the GraphConnection row (``bookings.graph.auth.CacheStore``).

    It moves ciphertext only: the token provider encrypts before ``save`` and decrypts after ``load``.
    The sync reads Graph from pool threads, so a token refresh may reach the row from a thread of
    its own; such a thread's database connection is closed after use instead of being left open.
    """

    def __init__(self) -> None:
        self._owner = threading.get_ident()

    def load(self) -> bytes | None:
        try:
            rows = GraphConnection.objects.filter(id=GraphConnection.SINGLETON_ID)
            blob = rows.values_list("token_cache", flat=True).first()
        finally:
            self._release()
        return bytes(blob) if blob else None

    def save(self, blob: bytes) -> None:
        try:
            GraphConnection.objects.update_or_create(
                id=GraphConnection.SINGLETON_ID, defaults={"token_cache": blob}
            )
        finally:
            self._release()

    def _release(self) -> None:
        if threading.get_ident() != self._owner:
            connections.close_all()
