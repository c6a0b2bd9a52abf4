"""Sync health in the admin: the history of sync runs, the Graph connection, and "sync now".

Sync runs are a log: they can be read (and deleted), never added or edited by hand. The connection is
a single row; its token cache is never shown.
"""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from ..graph import GraphError, client_from_settings
from ..models import Business, GraphConnection, SyncRun
from ..models.sync import COUNT_NAMES, ConnectionTokenCacheStore, SyncRunState, SyncTrigger
from ..sync import pull_all
from ..sync.health import note_connection_health
from .common import plural

# --- "Sync now" on businesses ------------------------------------------------------------------


def sync_businesses(request: HttpRequest, graph_ids: list[str]) -> list[SyncRun]:
    """Pull these businesses at once (in the request: the owner waits) and tell the owner how it went.

    Shared by the "sync now" action, the dashboard's button and choosing businesses to serve.
    """
    try:
        with client_from_settings(cache_store=ConnectionTokenCacheStore()) as client:
            runs = pull_all(client, business_ids=graph_ids, trigger=SyncTrigger.ADMIN)
    except (ImproperlyConfigured, GraphError, ValueError) as error:
        messages.error(request, f"Cannot reach Microsoft Graph: {error}")
        return []
    note_connection_health(runs)
    by_state: dict[str, list[SyncRun]] = {}
    for run in runs:
        by_state.setdefault(run.state, []).append(run)
    synced = len(by_state.get(SyncRunState.SUCCEEDED, []))
    if synced:
        messages.success(request, f"Synced {plural(synced, 'business')}.")
    for state, level in ((SyncRunState.PARTIAL, messages.WARNING), (SyncRunState.FAILED, messages.ERROR)):
        for run in by_state.get(state, []):
            first = run.errors[0]["message"] if run.errors else ""
            messages.add_message(
                request, level, f"{run.business_graph_id}: {run.get_state_display()}. {first}".strip()
            )
    return runs


@admin.action(description="Sync from Microsoft Graph now", permissions=["change"])
def sync_now(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Business]) -> None:
    """Pull the selected businesses at once."""
    sync_businesses(request, list(queryset.values_list("graph_id", flat=True)))


# --- Sync runs -----------------------------------------------------------------------------------


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "business_label", "trigger", "state", "counts_summary", "error_count")
    list_filter = ("state", "trigger", "started_at")
    search_fields = ("business_graph_id", "business__display_name")
    list_select_related = ("business",)
    date_hierarchy = "started_at"
    ordering = ("-started_at",)
    fields = (
        "started_at",
        "finished_at",
        "trigger",
        "state",
        "business",
        "business_graph_id",
        "counts_table",
        "errors_list",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SyncRun | None = None) -> bool:
        return False

    @admin.display(description="business", ordering="business_graph_id")
    def business_label(self, run: SyncRun) -> str:
        return str(run.business) if run.business else run.business_graph_id or "(all businesses)"

    @admin.display(description="created / updated / deactivated / unchanged / skipped")
    def counts_summary(self, run: SyncRun) -> str:
        return " / ".join(str(value) for value in run.totals().values())

    @admin.display(description="errors")
    def error_count(self, run: SyncRun) -> int:
        return run.error_count

    @admin.display(description="counts")
    def counts_table(self, run: SyncRun) -> SafeString:
        head = format_html_join("", "<th>{}</th>", ((name,) for name in COUNT_NAMES))
        rows = format_html_join(
            "",
            "<tr><th>{}</th>{}</tr>",
            (
                (
                    kind.replace("_", " "),
                    format_html_join("", "<td>{}</td>", ((counts.get(n, 0),) for n in COUNT_NAMES)),
                )
                for kind, counts in run.counts.items()
            ),
        )
        return format_html("<table><tr><th></th>{}</tr>{}</table>", head, rows)

    @admin.display(description="errors and warnings")
    def errors_list(self, run: SyncRun) -> SafeString | str:
        if not run.errors:
            return "—"
        return format_html("<pre>{}</pre>", json.dumps(run.errors, indent=2, ensure_ascii=False))


# --- Graph connection ----------------------------------------------------------------------------


@admin.register(GraphConnection)
class GraphConnectionAdmin(admin.ModelAdmin):
    """One row: how the portal signs in to Graph. Health is set by the client, not edited here."""

    list_display = ("__str__", "tenant_id", "client_id", "healthy", "updated_at")
    fields = (
        "auth_mode",
        "tenant_id",
        "client_id",
        "healthy",
        "last_error",
        "signed_in",
        "updated_at",
        "connection_page",
    )
    readonly_fields = ("healthy", "last_error", "signed_in", "updated_at", "connection_page")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not GraphConnection.objects.exists()

    @admin.display(description="delegated sign-in", boolean=True)
    def signed_in(self, connection: GraphConnection) -> bool:
        return bool(connection.token_cache)

    @admin.display(description="connect or test")
    def connection_page(self, connection: GraphConnection) -> SafeString:
        """Signing in and testing happen on the connection page, which reads the settings in use."""
        return format_html('<a href="{}">Microsoft 365 connection</a>', reverse("admin:graph_connection"))
