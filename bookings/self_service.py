"""What customers may do to their own bookings from the manage link: cancel and reschedule.

Both are refused once the appointment is closer than the scheduling policy's minimum lead time,
the same rule that stops a new booking that late, so the business is never surprised by a change
it could not have received as a booking.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import IntegrityError, transaction

from . import notices, selectors
from .answers import raw_answers
from .availability import auto_assign
from .booking import (
    CustomerDetails,
    cancel_appointment,
    is_overlap,
    nearby_slots,
    place_booking,
    remove_customer,
    update_appointment,
)
from .exceptions import BookingNotChangeable, OutsideLeadTime, SlotUnavailable
from .models import Appointment, AppointmentCustomer, StaffMember


def change_deadline(appointment: Appointment) -> datetime:
    """The last moment (UTC) the customer may cancel or move ``appointment`` online."""
    return appointment.start - selectors.scheduling_policy(appointment.service).minimum_lead_time


def may_manage(row: AppointmentCustomer) -> bool:
    """Whether this customer may change the booking online at all: always for bookings they made
    on the portal, for ones the business made only when the service allows it (as in Bookings)."""
    return bool(row.request_key) or row.appointment.is_customer_allowed_to_manage_booking


def check_changeable(row: AppointmentCustomer, *, now: datetime) -> None:
    """Raise ``BookingNotChangeable`` or ``OutsideLeadTime`` unless the customer may change ``row`` now."""
    appointment = row.appointment
    if appointment.is_cancelled or not appointment.is_active:
        raise BookingNotChangeable("This booking has been cancelled.")
    if appointment.service is None or not may_manage(row):
        raise BookingNotChangeable("Please contact the business to change this booking.")
    if appointment.start <= now:
        raise BookingNotChangeable("This appointment has already started.")
    deadline = change_deadline(appointment)
    if now > deadline:
        raise OutsideLeadTime(deadline)


@transaction.atomic
def cancel_booking(row: AppointmentCustomer, *, message: str = "", now: datetime) -> Appointment:
    """Take the customer off their appointment; the appointment is cancelled when nobody is left.

    In a group session only this customer's seat is freed: the others keep their booking.
    """
    row = _locked(row)
    check_changeable(row, now=now)
    appointment = row.appointment
    notices.on_cancelled(row)
    if appointment.customer_rows.exclude(pk=row.pk).exists():
        remove_customer(row)
        return appointment
    return cancel_appointment(appointment, message=message.strip())


def reschedule_booking(row: AppointmentCustomer, *, start: datetime, now: datetime) -> AppointmentCustomer:
    """Move the customer's booking to ``start`` (UTC), which must be a free slot now.

    A one-customer appointment moves in place (same appointment, so Bookings sees an update): the
    slot is re-checked as if the appointment's own time were free, and its staff member keeps it
    when they can take the new time. A seat in a group session moves by booking the new session
    and leaving the old one. Either way it is one transaction: when the new time is gone the old
    booking stands and ``SlotUnavailable`` carries the nearest free slots.
    """
    try:
        with transaction.atomic():
            row = _locked(row)
            check_changeable(row, now=now)
            appointment = row.appointment
            if appointment.service.is_group or appointment.customer_rows.count() > 1:
                return _move_seat(row, start=start, now=now)
            return _move_in_place(row, start=start, now=now)
    except IntegrityError as error:
        if not is_overlap(error):
            raise
    service = row.appointment.service
    raise SlotUnavailable(nearby=nearby_slots(service=service, start=start, now=now))


def _locked(row: AppointmentCustomer) -> AppointmentCustomer:
    """``row`` re-read with its appointment locked, so two tabs cannot change one booking at once."""
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("service__business")
        .get(pk=row.appointment_id)
    )
    fresh = AppointmentCustomer.objects.get(pk=row.pk)
    fresh.appointment = appointment
    return fresh


def _move_in_place(row: AppointmentCustomer, *, start: datetime, now: datetime) -> AppointmentCustomer:
    appointment = row.appointment
    service = appointment.service
    slot, load = selectors.slot_check(service=service, start=start, now=now, ignoring=appointment.pk)
    if slot is None:
        raise SlotUnavailable(nearby=nearby_slots(service=service, start=start, now=now))
    current = [staff_row.staff_member_id for staff_row in appointment.staff_rows.all()]
    keeping = [staff_id for staff_id in current if staff_id in slot.staff_ids]
    staff_id = keeping[0] if keeping else auto_assign(slot, load)
    with transaction.atomic():  # a savepoint: the exclusion constraint may refuse the new range
        update_appointment(
            appointment,
            {"start": slot.start, "end": slot.end},
            staff_members=[StaffMember.objects.get(pk=staff_id)],
        )
    notices.on_moved(row, now=now)
    return row


def _move_seat(row: AppointmentCustomer, *, start: datetime, now: datetime) -> AppointmentCustomer:
    """Book the customer a seat at ``start`` with their details and answers, then free the old one.

    The new seat inherits the booking form's key, so a replay of the original form still finds the
    customer's current booking.
    """
    new_key = uuid.uuid4().hex
    details = CustomerDetails(
        customer_id=str(row.customer_id) if row.customer_id else None,
        name=row.name,
        email_address=row.email_address,
        phone=row.phone,
        notes=row.notes,
        location=row.location,
        time_zone=row.time_zone,
        request_key=new_key,
    )
    answers = raw_answers(row.custom_question_answers)
    moved = place_booking(
        service=row.appointment.service,
        start=start,
        customer=details,
        answers=answers,
        now=now,
        confirm=False,
    )
    old_key = row.request_key
    _leave(row)
    if old_key:
        moved.request_key = old_key
        moved.save(update_fields=["request_key"])
    notices.on_moved(moved, now=now)
    return moved


def _leave(row: AppointmentCustomer) -> None:
    """Free the customer's seat: drop their row, or cancel the appointment if they were alone."""
    notices.on_cancelled(row)
    appointment = row.appointment
    if appointment.customer_rows.exclude(pk=row.pk).exists():
        remove_customer(row)
        return
    row.request_key = None
    row.save(update_fields=["request_key"])
    cancel_appointment(appointment, message="Rescheduled by the customer.")
