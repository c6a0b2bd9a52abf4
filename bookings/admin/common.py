"""What the admin classes share: fieldsets, form fields, business-scoped forms, links, the base admin."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.db import IntegrityError, models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from .. import resources
from ..fields import ValueField, json_formfield
from ..models import OutboxKind


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


# Relations edited beside the form's own fields, by the names the outbox knows them by.
RELATION_FIELDS = {
    "staff_members": "staff_members",
    "question_assignments": "question_assignments",
    "staff_rows": "staff_members",
    "customer_rows": "customers",
}


def record_admin_edit(obj: Any, form: forms.ModelForm, change: bool) -> None:
    """The owner's edit goes to Graph too: only the fields they changed."""
    plain = [name for name in form.changed_data if name not in RELATION_FIELDS]
    if not change:
        resources.record_edit(obj, kind=OutboxKind.CREATE)
    elif plain:
        resources.record_edit(obj, kind=OutboxKind.UPDATE, changed=plain)


class DeactivatesOnDelete:
    """ "Delete" deactivates, as the API does: appointments keep pointing at what they were booked
    with, so nothing is cascaded or protected and the confirmation page lists only the records."""

    deactivate = staticmethod(resources.delete_definition)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[list, dict, set, list]:
        records = list(objs)
        return [str(record) for record in records], {self.opts.verbose_name_plural: len(records)}, set(), []

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.deactivate(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self.deactivate(obj)


class MirroredResourceAdmin(DeactivatesOnDelete, FormFieldsMixin, admin.ModelAdmin):
    """Shared by the resources that live under a business and have a Graph id."""

    readonly_fields: tuple[str, ...] = GRAPH_FIELDS
    list_select_related = ("business",)
    autocomplete_fields: tuple[str, ...] = ("business",)
    list_per_page = 50

    def save_model(self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool) -> None:
        resources.save_record(obj, creating=not change)
        record_admin_edit(obj, form, change)

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if change:  # a new record's create is read after this, relations included
            related = [name for name in form.changed_data if name in RELATION_FIELDS]
            related += [
                RELATION_FIELDS.get(formset.prefix, formset.prefix)
                for formset in formsets
                if formset.has_changed()
            ]
            if related:
                resources.record_edit(form.instance, kind=OutboxKind.UPDATE, changed=related)

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """A change the database refuses (on PostgreSQL, a portal booking overlapping another of the
        same staff member) is rolled back and explained, not answered with a server error."""
        try:
            return super().changeform_view(request, *args, **kwargs)
        except IntegrityError:
            message = "Nothing was saved: the change conflicts with another record (for example an "
            message += "appointment overlapping another booking of the same staff member)."
            self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
