"""What is on its way out: changes for Microsoft Graph (the outbox, with dead items and a retry),
customers' booking e-mails, and the busy time read back from Graph.

Outbox rows are written by the booking and editing code only; here they are read, and dead ones
(Graph refused them, or they failed too often) are sent again after the owner fixed the cause.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from ..models import Notice, OutboxItem, StaffBusyInterval
from ..outbox import request_push
from ..sync.push import retry_dead
from .common import plural


@admin.action(description="Retry the selected dead items", permissions=["change"])
def retry(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[OutboxItem]) -> None:
    businesses = set(queryset.values_list("business_id", flat=True))
    count = retry_dead(queryset)
    for business_id in businesses:
        request_push(business_id)
    level = messages.SUCCESS if count else messages.WARNING
    modeladmin.message_user(request, f"{plural(count, 'item')} will be sent again.", level)


@admin.register(OutboxItem)
class OutboxItemAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "business",
        "kind",
        "target_type",
        "target_id",
        "state",
        "attempts",
        "short_error",
    )
    list_filter = ("state", "kind", "target_type", "business")
    search_fields = ("target_id", "last_error")
    list_select_related = ("business",)
    date_hierarchy = "created_at"
    actions = [retry]
    readonly_fields = [field.name for field in OutboxItem._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OutboxItem | None = None) -> bool:
        return False  # deleting a row would silently lose a change Graph never got

    @admin.display(description="last error")
    def short_error(self, item: OutboxItem) -> str:
        return (item.last_error[:117] + "…") if len(item.last_error) > 120 else item.last_error


@admin.register(StaffBusyInterval)
class StaffBusyIntervalAdmin(admin.ModelAdmin):
    """Read-only: refreshed from getStaffAvailability, so hand edits would be overwritten."""

    list_display = ("staff_member", "start", "end", "status", "fetched_at")
    list_filter = ("status", "staff_member__business")
    list_select_related = ("staff_member",)
    date_hierarchy = "start"
    readonly_fields = ("staff_member", "start", "end", "status", "fetched_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: StaffBusyInterval | None = None) -> bool:
        return False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Read-only: booking e-mails are queued by bookings and sent by the scan."""

    list_display = ("due_at", "kind", "row", "sent_at", "attempts", "last_error")
    list_filter = ("kind", ("sent_at", admin.EmptyFieldListFilter))
    list_select_related = ("row", "appointment")
    date_hierarchy = "due_at"
    readonly_fields = [field.name for field in Notice._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Notice | None = None) -> bool:
        return False
