"""Reference data and credentials: currencies, API tokens and staff members' calendar feed addresses."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from ..models import ApiToken, Currency, StaffCalendarFeed
from .common import plural

# --- Currencies and API tokens -----------------------------------------------------------------


@admin.register(Currency)
class CurrencyAdmin(admin.ModelAdmin):
    list_display = ("id", "symbol")
    search_fields = ("id", "symbol")
    ordering = ("id",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by ``manage.py api_token <username>``, the only place the secret is shown."""

    list_display = ("prefix", "name", "user", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("prefix", "name", "user__username", "user__email")
    ordering = ("-created_at",)
    list_select_related = ("user",)
    fields = ("name", "prefix", "user", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "user", "created_at", "last_used_at", "revoked_at")
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        subtitle = "New tokens are issued with “manage.py api_token <username>”, which shows the secret once."
        return super().changelist_view(request, {"subtitle": subtitle, **(extra_context or {})})

    @admin.action(description="Revoke selected tokens", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"Revoked {plural(revoked, 'token')}.", messages.SUCCESS)


@admin.register(StaffCalendarFeed)
class StaffCalendarFeedAdmin(admin.ModelAdmin):
    """A staff member makes their feed address on their schedule page, the only place it is shown (only
    its hash is stored); the owner sees which exist and can revoke them."""

    list_display = ("staff_member", "business", "created_at", "last_fetched_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter), "staff_member__business")
    search_fields = ("staff_member__display_name", "staff_member__email_address")
    list_select_related = ("staff_member__business",)
    fields = ("staff_member", "created_at", "last_fetched_at", "revoked_at")
    readonly_fields = fields
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="business", ordering="staff_member__business__display_name")
    def business(self, feed: StaffCalendarFeed) -> str:
        return str(feed.staff_member.business)

    @admin.action(description="Revoke selected feed addresses", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[StaffCalendarFeed]) -> None:
        revoked = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"Revoked {plural(revoked, 'calendar feed')}.")
