"""The appointment admin: staff and customer inlines, the cancel action, list columns."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from .. import booking
from ..models import Appointment, AppointmentCustomer, AppointmentStaff
from .common import (
    GRAPH_FIELDS,
    GRAPH_FIELDSET,
    BusinessScopedForm,
    FormFieldsMixin,
    MirroredResourceAdmin,
    ParentBusinessFormSet,
    fieldset,
    plural,
)

# --- Appointments ------------------------------------------------------------------------------


class AppointmentForm(BusinessScopedForm):
    scoped_fields = ("service",)


class AppointmentStaffInline(admin.TabularInline):
    model = AppointmentStaff
    formset = ParentBusinessFormSet
    fields = ("staff_member", "blocked_start", "blocked_end")
    readonly_fields = ("blocked_start", "blocked_end")  # computed from the appointment when the row is saved
    extra = 0
    verbose_name = "staff member"
    verbose_name_plural = "staff"


class AppointmentCustomerInline(FormFieldsMixin, admin.StackedInline):
    model = AppointmentCustomer
    fields = (
        "customer",
        ("name", "email_address", "phone"),
        "time_zone",
        "notes",
        "location",
        "custom_question_answers",
    )
    formset = ParentBusinessFormSet
    autocomplete_fields = ("customer",)
    extra = 0
    verbose_name = "customer"


@admin.register(Appointment)
class AppointmentAdmin(MirroredResourceAdmin):
    form = AppointmentForm
    inlines = (AppointmentStaffInline, AppointmentCustomerInline)
    list_display = (
        "local_start",
        "service_label",
        "business",
        "staff_names",
        "customer_names",
        "price",
        "is_cancelled",
        "origin",
    )
    list_filter = (
        "business",
        "origin",
        "is_cancelled",
        "is_active",
        "price_type",
        ("service", admin.RelatedOnlyFieldListFilter),
        ("staff_members", admin.RelatedOnlyFieldListFilter),
    )
    date_hierarchy = "start"
    search_fields = (
        "service_name",
        "graph_id",
        "customer_rows__name",
        "customer_rows__email_address",
        "staff_members__display_name",
    )
    ordering = ("-start",)
    list_select_related = ("business", "service")
    autocomplete_fields = ("business",)
    # Cancelling goes through the action, which records when; Bookings cannot undo a cancellation either.
    readonly_fields = (*GRAPH_FIELDS, "is_cancelled", "cancelled_at", "cancellation_message")
    actions = ("cancel_appointments",)
    # "Delete" deactivates through the booking module, which also frees the staff members' time.
    deactivate = staticmethod(booking.delete_appointment)
    fieldsets = (
        fieldset(
            "Appointment",
            "business service service_name start end pre_buffer,post_buffer customer_time_zone "
            "maximum_attendees_count",
        ),
        fieldset("Price", "price price_type"),
        fieldset(
            "Location & online meeting",
            "service_location is_location_online join_web_url anonymous_join_web_url",
        ),
        fieldset(
            "Notes & notifications",
            "service_notes additional_information appointment_label reminders opt_out_of_customer_email "
            "sms_notifications_enabled is_customer_allowed_to_manage_booking self_service_appointment_id",
            collapsed=True,
        ),
        fieldset("Cancellation", "is_cancelled cancelled_at cancellation_message is_active"),
        GRAPH_FIELDSET,
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Appointment]:
        return super().get_queryset(request).prefetch_related("staff_rows__staff_member", "customer_rows")

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # The customer page links here filtered by customer; customers are too many for a sidebar filter.
        if lookup == "customer_rows__customer__id__exact":
            return True
        return super().lookup_allowed(lookup, value, request)

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if change and {"start", "end", "pre_buffer", "post_buffer", "is_active"} & set(form.changed_data):
            # Rows left untouched in the inline were not saved, so their blocked range (and whether it
            # still holds the time) is still the old one.
            booking.refresh_blocked_ranges(form.instance)

    @admin.action(description="Cancel selected appointments", permissions=["change"])
    def cancel_appointments(self, request: HttpRequest, queryset: QuerySet[Appointment]) -> None:
        appointments = list(queryset.filter(is_cancelled=False))
        for appointment in appointments:
            booking.cancel_appointment(appointment)
        self.message_user(request, f"Cancelled {plural(len(appointments), 'appointment')}.", messages.SUCCESS)

    @admin.display(description="Starts (business time)", ordering="start")
    def local_start(self, obj: Appointment) -> str:
        try:
            zone = obj.business.zone
        except (ValueError, AttributeError):  # a zone Graph named but we cannot resolve: show UTC
            zone = UTC
        return f"{timezone.localtime(obj.start, zone):%Y-%m-%d %H:%M} ({zone})"

    @admin.display(description="Service", ordering="service_name")
    def service_label(self, obj: Appointment) -> str:
        return obj.service_name or (obj.service.display_name if obj.service else "—")

    @admin.display(description="Staff")
    def staff_names(self, obj: Appointment) -> str:
        return ", ".join(row.staff_member.display_name for row in obj.staff_rows.all())

    @admin.display(description="Customers")
    def customer_names(self, obj: Appointment) -> str:
        return ", ".join(str(row) for row in obj.customer_rows.all())
