"""Writes to appointments: create, update, cancel, delete.

Each runs in one transaction and leaves the appointment, its staff rows (with their blocked
ranges) and its customer rows consistent with each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import selectors
from .models import (
    Appointment,
    AppointmentCustomer,
    AppointmentStaff,
    Business,
    Customer,
    Service,
    StaffMember,
)
from .values import Location, Phone, QuestionAnswer


@dataclass(frozen=True)
class CustomerDetails:
    """One customer on a booking, as the caller gave them."""

    customer_id: str | None = None
    name: str | None = None
    email_address: str | None = None
    phone: str | None = None
    notes: str | None = None
    location: Location | None = None
    time_zone: str | None = None
    custom_question_answers: tuple[QuestionAnswer, ...] = field(default_factory=tuple)


def _defaults_from_service(service: Service) -> dict[str, Any]:
    """What an appointment inherits from its service unless the caller says otherwise."""
    return {
        "service_name": service.display_name,
        "pre_buffer": service.pre_buffer,
        "post_buffer": service.post_buffer,
        "price": service.default_price,
        "price_type": service.default_price_type,
        "reminders": service.default_reminders,
        "maximum_attendees_count": service.maximum_attendees_count,
        "is_location_online": service.is_location_online,
        "service_location": service.default_location,
        "sms_notifications_enabled": service.sms_notifications_enabled,
        "is_customer_allowed_to_manage_booking": service.is_customer_allowed_to_manage_booking,
    }


def resolve_customer(business: Business, details: CustomerDetails) -> Customer | None:
    """The business's customer for these details: by id, else by e-mail, else a new one.

    An id that matches nothing is treated as absent, as Bookings does, so a booking is never lost
    for a stale customer id; the e-mail address then finds or creates the customer.
    """
    if details.customer_id:
        found = selectors.find(selectors.customers(business), details.customer_id)
        if found is not None:
            return found
    if details.email_address:
        found = selectors.customers(business).filter(email_address__iexact=details.email_address).first()
        if found is not None:
            return found
    if not (details.name or details.email_address):
        return None
    customer = Customer(
        business=business,
        display_name=details.name or details.email_address,
        email_address=details.email_address or "",
        phones=(Phone(number=details.phone, type="mobile"),) if details.phone else (),
    )
    customer.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():  # a savepoint: another booking may create the same customer now
            customer.save()
    except IntegrityError:
        if not details.email_address:
            raise
        return selectors.customers(business).get(email_address__iexact=details.email_address)
    return customer


def _write_staff(appointment: Appointment, staff_members: Sequence[StaffMember]) -> None:
    appointment.staff_rows.all().delete()
    for staff_member in dict.fromkeys(staff_members):
        AppointmentStaff(appointment=appointment, staff_member=staff_member).save()


def refresh_blocked_ranges(appointment: Appointment) -> None:
    """Recompute the staff rows' blocked ranges after the appointment's times or buffers changed."""
    for row in appointment.staff_rows.all():
        row.appointment = appointment
        row.save()


def _write_customers(appointment: Appointment, customers: Sequence[CustomerDetails]) -> None:
    if len(customers) > appointment.maximum_attendees_count:
        places = appointment.maximum_attendees_count
        raise ValidationError({"customers": f"This appointment takes at most {places} customer(s)."})
    appointment.customer_rows.all().delete()
    for details in customers:
        customer = resolve_customer(appointment.business, details)
        AppointmentCustomer.objects.create(
            appointment=appointment,
            customer=customer,
            name=details.name or (customer.display_name if customer else ""),
            email_address=details.email_address or (customer.email_address if customer else ""),
            phone=details.phone or "",
            notes=details.notes or "",
            location=details.location,
            time_zone=details.time_zone or appointment.customer_time_zone or "",
            custom_question_answers=details.custom_question_answers,
        )


@transaction.atomic
def create_appointment(
    *,
    business: Business,
    service: Service,
    start: datetime,
    end: datetime | None = None,
    staff_members: Sequence[StaffMember] = (),
    customers: Sequence[CustomerDetails] = (),
    **fields: Any,
) -> Appointment:
    """Record an appointment made by the business's staff or owner (through the API or admin)."""
    appointment = Appointment(
        business=business,
        service=service,
        start=start,
        end=end or start + service.default_duration,
        **{**_defaults_from_service(service), **{k: v for k, v in fields.items() if v is not None}},
    )
    appointment.full_clean()
    appointment.save()
    _write_staff(appointment, staff_members)
    _write_customers(appointment, customers)
    return appointment


@transaction.atomic
def update_appointment(
    appointment: Appointment,
    changes: dict[str, Any],
    *,
    staff_members: Sequence[StaffMember] | None = None,
    customers: Sequence[CustomerDetails] | None = None,
) -> Appointment:
    """Apply a partial update; staff and customers are replaced only when given.

    Moving the appointment to another service renames it after that service unless the caller
    names it, as ``serviceName`` is derived from ``serviceId`` when omitted.
    """
    new_service = changes.get("service")
    if new_service is not None and new_service != appointment.service and "service_name" not in changes:
        changes = {**changes, "service_name": new_service.display_name}
    for name, value in changes.items():
        setattr(appointment, name, value)
    appointment.full_clean()
    appointment.save()
    if staff_members is not None:
        _write_staff(appointment, staff_members)
    else:
        refresh_blocked_ranges(appointment)
    if customers is not None:
        _write_customers(appointment, customers)
    elif appointment.customer_rows.count() > appointment.maximum_attendees_count:
        raise ValidationError({"maximumAttendeesCount": "Fewer places than customers already booked."})
    return appointment


@transaction.atomic
def cancel_appointment(appointment: Appointment, *, message: str = "") -> Appointment:
    """Cancel: the appointment stops taking up time and disappears from lists, as in Bookings."""
    appointment.is_cancelled = True
    appointment.cancelled_at = timezone.now()
    appointment.cancellation_message = message
    appointment.save(
        update_fields=["is_cancelled", "cancelled_at", "cancellation_message", "last_updated_date_time"]
    )
    return appointment


@transaction.atomic
def delete_appointment(appointment: Appointment) -> None:
    appointment.is_active = False
    appointment.save(update_fields=["is_active", "last_updated_date_time"])
