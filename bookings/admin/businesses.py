"""The business admin: add form, related-record links and the publish actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from .. import resources
from ..models import Appointment, Business, Customer, CustomQuestion, Service, StaffMember
from .common import DeactivatesOnDelete, FormFieldsMixin, changelist_link, fieldset, plural, record_admin_edit
from .sync import sync_now

# --- Business ----------------------------------------------------------------------------------

BUSINESS_DETAILS = (
    "display_name slug business_type email phone web_site_url address default_currency_iso language_tag"
)
BUSINESS_HOURS = fieldset("Hours & policy", "time_zone business_hours scheduling_policy")
BUSINESS_GRAPH_FIELDS = (
    "graph_id created_date_time last_updated_date_time last_synced_at sync_state sync_error"
)


class BusinessAddForm(forms.ModelForm):
    """The add form asks for the mailbox address once: it is the business's id in Graph."""

    mailbox_address = forms.EmailField(
        max_length=320,
        required=False,
        help_text="The booking mailbox's SMTP address in Microsoft 365 (Graph's id for the business); it "
        "cannot be changed later. Leave it empty for a business made here: it gets the address Bookings "
        "would give it.",
    )

    def clean_mailbox_address(self) -> str:
        address = self.cleaned_data["mailbox_address"]
        if address and Business.objects.filter(graph_id__iexact=address).exists():
            raise ValidationError("A business with this mailbox address already exists.")
        return address


@admin.register(Business)
class BusinessAdmin(DeactivatesOnDelete, FormFieldsMixin, admin.ModelAdmin):
    deactivate = staticmethod(resources.delete_business)
    list_display = (
        "display_name",
        "graph_id",
        "slug",
        "time_zone",
        "is_published",
        "sync_state",
        "last_synced_at",
        "is_active",
    )
    list_filter = ("is_active", "is_published", "sync_state")
    search_fields = ("display_name", "graph_id", "slug", "email")
    ordering = ("display_name",)
    prepopulated_fields = {"slug": ("display_name",)}
    readonly_fields = (*BUSINESS_GRAPH_FIELDS.split(), "is_published", "public_url", "related_records")
    actions = ("publish_booking_page", "unpublish_booking_page", sync_now)
    fieldsets = (
        fieldset("Details", f"{BUSINESS_DETAILS} is_active"),
        BUSINESS_HOURS,
        fieldset("Booking page", "is_published public_url booking_page_settings"),
        fieldset("Records", "related_records"),
        fieldset("Microsoft Graph", BUSINESS_GRAPH_FIELDS, collapsed=True),
    )
    add_fieldsets = (
        fieldset("Details", f"mailbox_address {BUSINESS_DETAILS}"),
        BUSINESS_HOURS,
        fieldset("Booking page", "booking_page_settings"),
    )

    def get_fieldsets(self, request: HttpRequest, obj: Business | None = None) -> Any:
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_form(
        self, request: HttpRequest, obj: Business | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = BusinessAddForm
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request: HttpRequest, obj: Business, form: forms.ModelForm, change: bool) -> None:
        if not change:
            # The address Bookings would give the mailbox, unless the owner typed the real one.
            obj.graph_id = form.cleaned_data["mailbox_address"] or resources.new_mailbox_address(
                obj.display_name
            )
        resources.save_record(obj, creating=not change)
        record_admin_edit(obj, form, change)

    @admin.display(description="Records of this business")
    def related_records(self, obj: Business) -> SafeString:
        """Links to the filtered lists: a business can have far too many rows for inlines."""
        kinds = [
            (Service, obj.services, "services"),
            (StaffMember, obj.staff_members, "staff members"),
            (CustomQuestion, obj.custom_questions, "custom questions"),
            (Customer, obj.customers, "customers"),
            (Appointment, obj.appointments, "appointments"),
        ]
        links = [
            changelist_link(model, f"{rows.count()} {label}", business__id__exact=obj.pk)
            for model, rows, label in kinds
        ]
        return format_html_join(" · ", "{}", ((link,) for link in links))

    @admin.action(description="Publish booking page", permissions=["change"])
    def publish_booking_page(self, request: HttpRequest, queryset: QuerySet[Business]) -> None:
        businesses = list(queryset)
        for business in businesses:
            resources.publish_business(business)
        self.message_user(request, f"Published {plural(len(businesses), 'booking page')}.", messages.SUCCESS)

    @admin.action(description="Unpublish booking page", permissions=["change"])
    def unpublish_booking_page(self, request: HttpRequest, queryset: QuerySet[Business]) -> None:
        businesses = list(queryset)
        for business in businesses:
            resources.unpublish_business(business)
        self.message_user(
            request, f"Unpublished {plural(len(businesses), 'booking page')}.", messages.SUCCESS
        )
