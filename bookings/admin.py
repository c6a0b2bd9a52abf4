"""The business owner's admin: every Bookings resource the portal mirrors, plus API tokens.

Thin on purpose: it lists, searches and edits records and calls the same functions as the API for
anything with consequences (publishing a booking page). What Graph owns (ids, origin, timestamps,
sync state, published state) is shown read-only in a collapsed "Microsoft Graph" section.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from . import booking, resources
from .fields import ValueField, json_formfield
from .models import (
    ApiToken,
    Appointment,
    AppointmentCustomer,
    AppointmentStaff,
    Business,
    Currency,
    Customer,
    CustomQuestion,
    Service,
    ServiceQuestion,
    StaffMember,
)


def fieldset(title: str | None, fields: str, *, collapsed: bool = False) -> tuple[str | None, dict[str, Any]]:
    """A fieldset from space-separated names; ``a,b`` puts two fields on one line."""
    names = tuple(tuple(name.split(",")) if "," in name else name for name in fields.split())
    return title, {"fields": names, "classes": ["collapse"] if collapsed else []}


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


GRAPH_FIELDS = ("graph_id", "origin", "created_date_time", "last_updated_date_time", "last_synced_at")
GRAPH_FIELDSET = fieldset("Microsoft Graph", " ".join(GRAPH_FIELDS), collapsed=True)


class FormFieldsMixin:
    """Form fields the model fields do not get right by themselves.

    Plain JSON list columns (``answer_options``) get the same textarea as ``ValueField`` columns,
    where an emptied box is an empty list, not NULL. URLs: say now that a bare host means https,
    as Django 6 will.
    """

    def formfield_for_dbfield(self, db_field: models.Field, request: HttpRequest, **kwargs: Any) -> Any:
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        if isinstance(db_field, models.JSONField) and not isinstance(db_field, ValueField):
            return json_formfield(db_field, **kwargs)  # plain JSON lists, such as answer options
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]


class BusinessScopedForm(forms.ModelForm):
    """Offers only the record's own business's staff, questions or services in ``scoped_fields``.

    A service of one business given another business's staff member could never be pushed to Graph.
    On the add page the business is not known yet, so every record is offered and ``clean`` checks.
    """

    scoped_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        business_id = getattr(self.instance, "business_id", None)
        for name in self.scoped_fields:
            if business_id and name in self.fields:
                field = self.fields[name]
                field.queryset = field.queryset.filter(business_id=business_id)

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        business = cleaned_data.get("business")
        for name in self.scoped_fields:
            value = cleaned_data.get(name)
            chosen = list(value) if isinstance(value, QuerySet | list) else [value] if value else []
            if business and any(item.business_id != business.pk for item in chosen):
                self.add_error(name, f"Choose from {business}'s own records only.")
        return cleaned_data


class ServiceForm(BusinessScopedForm):
    scoped_fields = ("staff_members",)


class AppointmentForm(BusinessScopedForm):
    scoped_fields = ("service",)


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


class ParentBusinessFormSet(forms.BaseInlineFormSet):
    """Inline rows offer only the parent record's business's staff or questions."""

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        business_id = getattr(self.instance, "business_id", None)
        for field in form.fields.values():
            queryset = getattr(field, "queryset", None)
            if business_id and queryset is not None and hasattr(queryset.model, "business_id"):
                field.queryset = queryset.filter(business_id=business_id)


def changelist_link(model: type[models.Model], text: str, **filters: Any) -> SafeString:
    url = reverse(f"admin:bookings_{model._meta.model_name}_changelist")
    return format_html('<a href="{}?{}">{}</a>', url, urlencode(filters), text)


class MirroredResourceAdmin(FormFieldsMixin, admin.ModelAdmin):
    """Shared by the resources that live under a business and have a Graph id."""

    readonly_fields: tuple[str, ...] = GRAPH_FIELDS
    list_select_related = ("business",)
    autocomplete_fields: tuple[str, ...] = ("business",)
    list_per_page = 50


# --- Business ----------------------------------------------------------------------------------

BUSINESS_DETAILS = (
    "display_name slug business_type email phone web_site_url address default_currency_iso language_tag"
)
BUSINESS_HOURS = fieldset("Hours & policy", "time_zone business_hours scheduling_policy")
BUSINESS_GRAPH_FIELDS = (
    "graph_id created_date_time last_updated_date_time last_synced_at sync_state sync_error"
)


@admin.register(Business)
class BusinessAdmin(FormFieldsMixin, admin.ModelAdmin):
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
    actions = ("publish_booking_page", "unpublish_booking_page")
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
            # Imported late (here and in the actions): a broken write layer must not take the admin down.
            obj.graph_id = form.cleaned_data["mailbox_address"] or resources.new_mailbox_address(
                obj.display_name
            )
        super().save_model(request, obj, form, change)

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


# --- Services, staff, questions ----------------------------------------------------------------


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


# --- Customers and appointments ----------------------------------------------------------------


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
        if change and {"start", "end", "pre_buffer", "post_buffer"} & set(form.changed_data):
            # Rows left untouched in the inline were not saved, so their blocked range is still the old one.
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
