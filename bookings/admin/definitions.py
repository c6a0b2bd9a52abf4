"""What a business offers and whom it serves: services, staff members, custom questions, customers."""

from __future__ import annotations

from django.contrib import admin
from django.utils.safestring import SafeString

from ..models import Appointment, Customer, CustomQuestion, Service, ServiceQuestion, StaffMember
from .common import (
    GRAPH_FIELDS,
    GRAPH_FIELDSET,
    BusinessScopedForm,
    MirroredResourceAdmin,
    ParentBusinessFormSet,
    changelist_link,
    fieldset,
)

# --- Services, staff, questions ----------------------------------------------------------------


class ServiceForm(BusinessScopedForm):
    scoped_fields = ("staff_members",)


class ServiceQuestionInline(admin.TabularInline):
    model = ServiceQuestion
    formset = ParentBusinessFormSet
    fields = ("question", "is_required", "position")
    extra = 0
    verbose_name = "custom question"
    verbose_name_plural = "custom questions"


@admin.register(Service)
class ServiceAdmin(MirroredResourceAdmin):
    form = ServiceForm
    inlines = (ServiceQuestionInline,)
    list_display = (
        "display_name",
        "business",
        "default_duration",
        "default_price",
        "default_price_type",
        "maximum_attendees_count",
        "is_hidden_from_customers",
        "is_active",
        "origin",
    )
    list_filter = ("business", "default_price_type", "is_active", "is_hidden_from_customers", "origin")
    search_fields = ("display_name", "description", "graph_id")
    ordering = ("business__display_name", "display_name")
    filter_horizontal = ("staff_members",)
    readonly_fields = (*GRAPH_FIELDS, "web_url")
    fieldsets = (
        fieldset(
            "Details",
            "business display_name description additional_information notes language_tag "
            "is_hidden_from_customers is_active",
        ),
        fieldset(
            "Scheduling",
            "default_duration pre_buffer,post_buffer maximum_attendees_count scheduling_policy",
        ),
        fieldset("Price", "default_price default_price_type"),
        fieldset("Location", "default_location is_location_online is_anonymous_join_enabled"),
        fieldset(
            "Notifications",
            "default_reminders sms_notifications_enabled is_customer_allowed_to_manage_booking",
        ),
        fieldset("Staff", "staff_members"),
        fieldset("Microsoft Graph", " ".join((*GRAPH_FIELDS, "web_url")), collapsed=True),
    )


@admin.register(StaffMember)
class StaffMemberAdmin(MirroredResourceAdmin):
    list_display = (
        "display_name",
        "email_address",
        "business",
        "role",
        "membership_status",
        "user",
        "is_active",
    )
    list_filter = ("business", "role", "membership_status", "is_active", "use_business_hours", "origin")
    search_fields = ("display_name", "email_address", "graph_id", "user__username", "user__email")
    ordering = ("business__display_name", "display_name")
    list_select_related = ("business", "user")
    autocomplete_fields = ("business", "user")
    readonly_fields = (*GRAPH_FIELDS, "appointments_link")
    fieldsets = (
        fieldset("Details", "business display_name email_address role membership_status user is_active"),
        fieldset(
            "Hours",
            "time_zone use_business_hours working_hours availability_is_affected_by_personal_calendar "
            "is_email_notification_enabled",
        ),
        fieldset("Records", "appointments_link"),
        GRAPH_FIELDSET,
    )

    @admin.display(description="Appointments")
    def appointments_link(self, obj: StaffMember) -> SafeString | str:
        if obj._state.adding:
            return "—"
        return changelist_link(Appointment, "Show appointments", staff_members__id__exact=obj.pk)


@admin.register(CustomQuestion)
class CustomQuestionAdmin(MirroredResourceAdmin):
    list_display = ("display_name", "business", "answer_input_type", "is_active", "origin")
    list_filter = ("business", "answer_input_type", "is_active", "origin")
    search_fields = ("display_name", "graph_id")
    ordering = ("business__display_name", "display_name")
    fieldsets = (
        fieldset(None, "business display_name answer_input_type answer_options is_active"),
        GRAPH_FIELDSET,
    )


# --- Customers ---------------------------------------------------------------------------------


@admin.register(Customer)
class CustomerAdmin(MirroredResourceAdmin):
    list_display = ("display_name", "email_address", "business", "user", "is_active", "origin")
    list_filter = ("business", "is_active", "origin")
    search_fields = ("display_name", "email_address", "graph_id", "user__username")
    ordering = ("business__display_name", "display_name")
    list_select_related = ("business", "user")
    autocomplete_fields = ("business", "user")
    readonly_fields = (*GRAPH_FIELDS, "appointments_link")
    fieldsets = (
        fieldset(None, "business display_name email_address phones addresses user is_active"),
        fieldset("Records", "appointments_link"),
        GRAPH_FIELDSET,
    )

    @admin.display(description="Appointments")
    def appointments_link(self, obj: Customer) -> SafeString | str:
        if obj._state.adding:
            return "—"
        return changelist_link(Appointment, "Show appointments", customer_rows__customer__id__exact=obj.pk)
