"""The business owner's admin: every Bookings resource the portal mirrors, plus API tokens.

Thin on purpose: it lists, searches and edits records and calls the same functions as the API for
anything with consequences (publishing a booking page). What Graph owns (ids, origin, timestamps,
sync state, published state) is shown read-only in a collapsed "Microsoft Graph" section.
"""

from __future__ import annotations

import json
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

from .fields import ValueField
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

GRAPH_FIELDS = ("graph_id", "origin", "created_date_time", "last_updated_date_time", "last_synced_at")
GRAPH_FIELDSET = ("Microsoft Graph", {"classes": ["collapse"], "fields": GRAPH_FIELDS})


class GraphJSONField(forms.JSONField):
    """JSON textarea that is readable (indented) and where an empty box means ``empty_value``."""

    def __init__(self, *args: Any, empty_value: Any = None, **kwargs: Any) -> None:
        self.empty_value = empty_value
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values and not self.disabled:
            return self.empty_value
        return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2, cls=self.encoder)


class FormFieldsMixin:
    """Form fields the model fields do not get right by themselves.

    JSON columns (``ValueField`` and plain ``JSONField``): a callable default such as
    ``standard_week`` reaches the form as typed values it cannot serialise (the add page would
    crash), and an emptied box would save NULL into a NOT NULL list column. URLs: say now that a
    bare host means https, as Django 6 will.
    """

    def formfield_for_dbfield(self, db_field: models.Field, request: HttpRequest, **kwargs: Any) -> Any:
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        if isinstance(db_field, models.JSONField):
            kwargs["form_class"] = GraphJSONField
            if db_field.has_default():
                kwargs["initial"] = lambda: _json_default(db_field)
            if db_field.blank and not db_field.null:
                kwargs["empty_value"] = []  # every such column in the models is a list
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]


def _json_default(db_field: models.JSONField) -> Any:
    default = db_field.get_default()
    return db_field.dump(default) if isinstance(db_field, ValueField) else default


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
        help_text="The booking mailbox's SMTP address in Microsoft 365 (Graph's id for the business). "
        "It cannot be changed later.",
    )

    def clean_mailbox_address(self) -> str:
        address = self.cleaned_data["mailbox_address"]
        if Business.objects.filter(graph_id__iexact=address).exists():
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
    readonly_fields = (
        "graph_id",
        "is_published",
        "public_url",
        "created_date_time",
        "last_updated_date_time",
        "last_synced_at",
        "sync_state",
        "sync_error",
        "related_records",
    )
    actions = ("publish_booking_page", "unpublish_booking_page")
    details = (
        "display_name",
        "slug",
        "business_type",
        "email",
        "phone",
        "web_site_url",
        "address",
        "default_currency_iso",
        "language_tag",
        "is_active",
    )
    fieldsets = (
        ("Details", {"fields": details}),
        ("Hours & policy", {"fields": ("time_zone", "business_hours", "scheduling_policy")}),
        ("Booking page", {"fields": ("is_published", "public_url", "booking_page_settings")}),
        ("Records", {"fields": ("related_records",)}),
        (
            "Microsoft Graph",
            {
                "classes": ["collapse"],
                "fields": (
                    "graph_id",
                    "created_date_time",
                    "last_updated_date_time",
                    "last_synced_at",
                    "sync_state",
                    "sync_error",
                ),
            },
        ),
    )
    add_fieldsets = (
        ("Details", {"fields": ("mailbox_address", *details)}),
        ("Hours & policy", {"fields": ("time_zone", "business_hours", "scheduling_policy")}),
        ("Booking page", {"fields": ("booking_page_settings",)}),
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
            obj.graph_id = form.cleaned_data["mailbox_address"]
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
        # Imported late: the module is written alongside the API, and the admin must load without it.
        from bookings import resources

        for business in queryset:
            resources.publish_business(business)
        self.message_user(request, f"Published {_count(queryset, 'booking page')}.", messages.SUCCESS)

    @admin.action(description="Unpublish booking page", permissions=["change"])
    def unpublish_booking_page(self, request: HttpRequest, queryset: QuerySet[Business]) -> None:
        from bookings import resources

        for business in queryset:
            resources.unpublish_business(business)
        self.message_user(request, f"Unpublished {_count(queryset, 'booking page')}.", messages.SUCCESS)


def _count(queryset: QuerySet, noun: str) -> str:
    count = queryset.count()
    return f"{count} {noun}{'' if count == 1 else 's'}"


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
        (
            "Details",
            {
                "fields": (
                    "business",
                    "display_name",
                    "description",
                    "additional_information",
                    "notes",
                    "language_tag",
                    "is_hidden_from_customers",
                    "is_active",
                )
            },
        ),
        (
            "Scheduling",
            {
                "fields": (
                    "default_duration",
                    "pre_buffer",
                    "post_buffer",
                    "maximum_attendees_count",
                    "scheduling_policy",
                )
            },
        ),
        ("Price", {"fields": ("default_price", "default_price_type")}),
        ("Location", {"fields": ("default_location", "is_location_online", "is_anonymous_join_enabled")}),
        (
            "Notifications",
            {
                "fields": (
                    "default_reminders",
                    "sms_notifications_enabled",
                    "is_customer_allowed_to_manage_booking",
                )
            },
        ),
        ("Staff", {"fields": ("staff_members",)}),
        ("Microsoft Graph", {"classes": ["collapse"], "fields": (*GRAPH_FIELDS, "web_url")}),
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
    readonly_fields = (*GRAPH_FIELDS, "appointments")
    fieldsets = (
        (
            "Details",
            {
                "fields": (
                    "business",
                    "display_name",
                    "email_address",
                    "role",
                    "membership_status",
                    "user",
                    "is_active",
                )
            },
        ),
        (
            "Hours",
            {
                "fields": (
                    "time_zone",
                    "use_business_hours",
                    "working_hours",
                    "availability_is_affected_by_personal_calendar",
                    "is_email_notification_enabled",
                )
            },
        ),
        ("Records", {"fields": ("appointments",)}),
        GRAPH_FIELDSET,
    )

    @admin.display(description="Appointments")
    def appointments(self, obj: StaffMember) -> SafeString | str:
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
        (None, {"fields": ("business", "display_name", "answer_input_type", "answer_options", "is_active")}),
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
    readonly_fields = (*GRAPH_FIELDS, "appointments")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "business",
                    "display_name",
                    "email_address",
                    "phones",
                    "addresses",
                    "user",
                    "is_active",
                )
            },
        ),
        ("Records", {"fields": ("appointments",)}),
        GRAPH_FIELDSET,
    )

    @admin.display(description="Appointments")
    def appointments(self, obj: Customer) -> SafeString | str:
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
    readonly_fields = GRAPH_FIELDS
    fieldsets = (
        (
            "Appointment",
            {
                "fields": (
                    "business",
                    "service",
                    "service_name",
                    "start",
                    "end",
                    ("pre_buffer", "post_buffer"),
                    "customer_time_zone",
                    "maximum_attendees_count",
                )
            },
        ),
        ("Price", {"fields": ("price", "price_type")}),
        (
            "Location & online meeting",
            {"fields": ("service_location", "is_location_online", "join_web_url", "anonymous_join_web_url")},
        ),
        (
            "Notes & notifications",
            {
                "classes": ["collapse"],
                "fields": (
                    "service_notes",
                    "additional_information",
                    "appointment_label",
                    "reminders",
                    "opt_out_of_customer_email",
                    "sms_notifications_enabled",
                    "is_customer_allowed_to_manage_booking",
                    "self_service_appointment_id",
                ),
            },
        ),
        ("Cancellation", {"fields": ("is_cancelled", "cancelled_at", "cancellation_message", "is_active")}),
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
            for row in form.instance.staff_rows.all():
                row.save()

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
        self.message_user(request, f"Revoked {revoked} token{'' if revoked == 1 else 's'}.", messages.SUCCESS)
