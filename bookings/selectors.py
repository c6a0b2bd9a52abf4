"""Read queries shared by the API, the pages and the admin.

Each returns what its caller renders with the related rows it needs already loaded, so lists cost a
fixed number of queries however long they are.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db.models import Model, Prefetch, Q, QuerySet

from .models import (
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


def is_storable(text: str) -> bool:
    """Whether ``text`` can be compared with a database column at all: PostgreSQL refuses NUL."""
    return "\x00" not in text


def id_filter(key: str) -> Q:
    """Match a record by the portal's id or by Graph's: clients may hold either."""
    try:
        return Q(pk=uuid.UUID(key)) | Q(graph_id=key)
    except (ValueError, AttributeError, TypeError):
        return Q(graph_id=key)


def active_businesses() -> QuerySet[Business]:
    return Business.objects.filter(is_active=True)


def find_business(key: str) -> Business | None:
    """The business whose mailbox address is ``key``, compared case-insensitively as Graph does."""
    if not is_storable(key):
        return None
    return active_businesses().filter(graph_id__iexact=key).first()


def search_businesses(query: str | None) -> QuerySet[Business]:
    businesses = active_businesses().order_by("display_name", "pk")
    if query and not is_storable(query):
        return businesses.none()
    if query:
        businesses = businesses.filter(display_name__icontains=query)
    return businesses


def staff_members(business: Business) -> QuerySet[StaffMember]:
    return business.staff_members.filter(is_active=True).order_by("display_name", "pk")


def custom_questions(business: Business) -> QuerySet[CustomQuestion]:
    return business.custom_questions.filter(is_active=True).order_by("created_date_time", "pk")


def customers(business: Business) -> QuerySet[Customer]:
    return business.customers.filter(is_active=True).order_by("display_name", "pk")


def services(business: Business) -> QuerySet[Service]:
    return (
        business.services.filter(is_active=True)
        .select_related("business")
        .order_by("display_name", "pk")
        .prefetch_related(
            Prefetch("staff_members", queryset=StaffMember.objects.only("id", "is_active")),
            Prefetch("question_assignments", queryset=ServiceQuestion.objects.select_related("question")),
        )
    )


def appointments(business: Business) -> QuerySet[Appointment]:
    """Live appointments (cancelled and deleted ones are gone, as in Bookings), ready to render."""
    return (
        business.appointments.live()
        .select_related("service")
        .prefetch_related(
            Prefetch(
                "staff_rows",
                queryset=AppointmentStaff.objects.select_related("staff_member").only(
                    "id", "appointment_id", "staff_member__id"
                ),
            ),
            Prefetch("customer_rows", queryset=AppointmentCustomer.objects.select_related("customer")),
        )
        .order_by("start", "pk")
    )


def calendar_view(business: Business, start: datetime, end: datetime) -> QuerySet[Appointment]:
    """Appointments overlapping ``[start, end)``."""
    return appointments(business).overlapping(start, end)


def find(queryset: QuerySet, key: str) -> Model | None:
    if not is_storable(key):
        return None
    return queryset.filter(id_filter(key)).first()


def find_service(business: Business, key: str) -> Service | None:
    return find(business.services.filter(is_active=True), key)


def _by_ids(queryset: QuerySet, keys: Sequence[str]) -> tuple[list, list[str]]:
    """Resolve ids in order; return the records found and the ids that matched nothing."""
    query = Q(pk__in=[])
    for key in filter(is_storable, keys):
        query |= id_filter(key)
    records = list(queryset.filter(query)) if keys else []
    by_key = {}
    for record in records:
        by_key[str(record.pk)] = record
        if record.graph_id:
            by_key[record.graph_id] = record
    found, missing = [], []
    for key in keys:
        record = by_key.get(key)
        if record is None:
            try:
                record = by_key.get(str(uuid.UUID(key)))
            except ValueError:
                record = None
        (found.append(record) if record is not None else missing.append(key))
    return found, missing


def staff_members_by_ids(business: Business, keys: Iterable[str]) -> tuple[list[StaffMember], list[str]]:
    return _by_ids(business.staff_members.filter(is_active=True), list(keys))


def custom_questions_by_ids(
    business: Business, keys: Iterable[str]
) -> tuple[list[CustomQuestion], list[str]]:
    return _by_ids(business.custom_questions.filter(is_active=True), list(keys))


def customer_email_taken(business: Business, email: str, *, exclude: Customer | None = None) -> bool:
    existing = business.customers.filter(is_active=True, email_address__iexact=email)
    if exclude is not None:
        existing = existing.exclude(pk=exclude.pk)
    return existing.exists()


def currencies() -> QuerySet[Currency]:
    return Currency.objects.order_by("id")
