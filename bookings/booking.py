"""Writes to appointments: create, update, cancel, delete.

Each runs in one transaction and leaves the appointment, its staff rows (with their blocked
ranges) and its customer rows consistent with each other.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from . import inserts, notices, outbox, queries, selectors
from .answers import answers_for_service
from .availability import Slot, auto_assign
from .enums import Origin
from .exceptions import InvalidBooking, SlotUnavailable
from .models import (
    Appointment,
    AppointmentCustomer,
    AppointmentStaff,
    Business,
    Customer,
    Notice,
    OutboxKind,
    OutboxTarget,
    Service,
    ServiceQuestion,
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
    # The booking form's one-time key: the same form submitted again finds its booking.
    request_key: str | None = None


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
        found = queries.active_customer_by_email(business.pk, details.email_address)
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
    # The business is the caller's own record and the id is new: nothing to look up for those.
    customer.full_clean(exclude=["business"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():  # a savepoint: another booking may create the same customer now
            customer.save()
    except IntegrityError:
        # The other booking won: its customer is the one the unique (business, address) index holds.
        winner = queries.active_customer_by_email(business.pk, details.email_address or "")
        if winner is None:
            raise
        return winner
    outbox.record(
        business_id=business.pk,
        kind=OutboxKind.CREATE,
        target_type=OutboxTarget.CUSTOMER,
        target_id=customer.pk,
    )
    return customer


def _staff_rows(appointment: Appointment, staff_ids: Sequence[uuid.UUID]) -> list[AppointmentStaff]:
    """The appointment's staff rows, unsaved, each holding its blocked range."""
    rows = []
    for staff_id in dict.fromkeys(staff_ids):
        row = AppointmentStaff(appointment=appointment, staff_member_id=staff_id)
        row.take_times_from(appointment)
        rows.append(row)
    return rows


def _replace_staff(appointment: Appointment, staff_ids: Sequence[uuid.UUID]) -> None:
    appointment.staff_rows.all().delete()
    inserts.insert_all(*_staff_rows(appointment, staff_ids))


def refresh_blocked_ranges(appointment: Appointment) -> None:
    """Recompute the staff rows' blocked ranges after the appointment's times or buffers changed."""
    for row in appointment.staff_rows.all():
        row.appointment = appointment
        row.save()


def _write_customers(
    appointment: Appointment, customers: Sequence[CustomerDetails], *, new: bool = False
) -> None:
    if len(customers) > appointment.maximum_attendees_count:
        places = appointment.maximum_attendees_count
        raise ValidationError({"customers": f"This appointment takes at most {places} customer(s)."})
    if not new:
        appointment.customer_rows.all().delete()
    for details in customers:
        inserts.insert(_customer_row(appointment, details))


def _customer_row(appointment: Appointment, details: CustomerDetails) -> AppointmentCustomer:
    """The customer's row on the appointment, unsaved; the customer is found or created first."""
    customer = resolve_customer(appointment.business, details)
    return AppointmentCustomer(
        appointment=appointment,
        customer=customer,
        name=details.name or (customer.display_name if customer else ""),
        email_address=details.email_address or (customer.email_address if customer else ""),
        phone=details.phone or "",
        notes=details.notes or "",
        location=details.location,
        time_zone=details.time_zone or appointment.customer_time_zone or "",
        custom_question_answers=details.custom_question_answers,
        request_key=details.request_key or None,
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
    appointment = _new_appointment(business, service, start, end, **fields)
    # Business and service are records the caller holds, and the id is new: no queries for those.
    appointment.full_clean(exclude=["business", "service"], validate_unique=False)
    _insert_appointment(appointment, [member.pk for member in staff_members])
    _write_customers(appointment, customers, new=True)
    return appointment


def _new_appointment(
    business: Business, service: Service, start: datetime, end: datetime | None, **fields: Any
) -> Appointment:
    return Appointment(
        business=business,
        service=service,
        start=start,
        end=end or start + service.default_duration,
        **{**_defaults_from_service(service), **{k: v for k, v in fields.items() if v is not None}},
    )


def _insert_appointment(appointment: Appointment, staff_ids: Sequence[uuid.UUID], *more: Model) -> None:
    """Store a new appointment with its staff rows and the ``more`` rows of the same change, and
    queue it for Graph if the portal made it; the caller holds the transaction. All in one
    statement where the database allows (``inserts.insert_all``)."""
    rows: list[Model] = [appointment, *_staff_rows(appointment, staff_ids)]
    if appointment.origin == Origin.PORTAL:
        rows.append(
            outbox.unsent(
                business_id=appointment.business_id,
                kind=OutboxKind.CREATE,
                target_type=OutboxTarget.APPOINTMENT,
                target_id=appointment.pk,
            )
        )
    inserts.insert_all(*rows, *more)


# Appointment fields whose change Graph must hear about (``outbox`` items name them).
PUSHED_FIELDS = frozenset(
    {
        "service",
        "service_name",
        "service_notes",
        "service_location",
        "start",
        "end",
        "pre_buffer",
        "post_buffer",
        "price",
        "price_type",
        "reminders",
        "maximum_attendees_count",
        "customer_time_zone",
        "opt_out_of_customer_email",
        "sms_notifications_enabled",
        "is_location_online",
        "is_customer_allowed_to_manage_booking",
        "additional_information",
        "appointment_label",
    }
)


def _record(appointment: Appointment, kind: OutboxKind, *, changed=(), message: str = "") -> None:
    outbox.record(
        business_id=appointment.business_id,
        kind=kind,
        target_type=OutboxTarget.APPOINTMENT,
        target_id=appointment.pk,
        changed=changed,
        message=message,
    )


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
    changed = {name for name, value in changes.items() if getattr(appointment, name) != value}
    for name, value in changes.items():
        setattr(appointment, name, value)
    appointment.full_clean()
    appointment.save()
    if staff_members is not None:
        if {row.staff_member_id for row in appointment.staff_rows.all()} != {m.pk for m in staff_members}:
            changed.add("staff_members")
        _replace_staff(appointment, [member.pk for member in staff_members])
    else:
        refresh_blocked_ranges(appointment)
    if customers is not None:
        _write_customers(appointment, customers)
        changed.add("customers")
    elif appointment.customer_rows.count() > appointment.maximum_attendees_count:
        raise ValidationError({"maximumAttendeesCount": "Fewer places than customers already booked."})
    pushed = (changed & PUSHED_FIELDS) | (changed & {"staff_members", "customers"})
    if pushed:
        _record(appointment, OutboxKind.UPDATE, changed=pushed)
    return appointment


@transaction.atomic
def remove_customer(row: AppointmentCustomer) -> None:
    """Take one customer off a group session that others stay in: their seat is free again."""
    appointment = row.appointment
    row.delete()
    appointment.save(update_fields=["last_updated_date_time"])
    _record(appointment, OutboxKind.UPDATE, changed=["customers"])


@transaction.atomic
def cancel_appointment(appointment: Appointment, *, message: str = "") -> Appointment:
    """Cancel: the appointment stops taking up time and disappears from lists, as in Bookings."""
    appointment.is_cancelled = True
    appointment.cancelled_at = timezone.now()
    appointment.cancellation_message = message
    appointment.save(
        update_fields=["is_cancelled", "cancelled_at", "cancellation_message", "last_updated_date_time"]
    )
    appointment.staff_rows.update(is_exclusive=False)  # its time is free again
    _record(appointment, OutboxKind.CANCEL, message=message)
    return appointment


@transaction.atomic
def delete_appointment(appointment: Appointment) -> None:
    """Deactivate (as Bookings' DELETE does for the API): the appointment stops taking up time."""
    appointment.is_active = False
    appointment.save(update_fields=["is_active", "last_updated_date_time"])
    appointment.staff_rows.update(is_exclusive=False)
    _record(appointment, OutboxKind.DELETE)


# --- Customers booking themselves ----------------------------------------------------------------

# Named in migration 0004, which adds it on PostgreSQL only.
NO_OVERLAP_CONSTRAINT = "appointment_staff_no_overlap"
NEARBY_COUNT = 5
NEARBY_REACH = timedelta(days=1)


class _SlotGone(Exception):
    """Raised inside the booking transaction to roll it back; answered with ``SlotUnavailable``."""


def book(**request: Any) -> Appointment:
    """``place_booking``'s appointment: what callers that do not need the customer row take."""
    return place_booking(**request).appointment


def place_booking(
    *,
    service: Service,
    start: datetime,
    customer: CustomerDetails,
    staff_id: Any = None,
    answers: Mapping[str, str | Sequence[str]] | None = None,
    questions: Sequence[ServiceQuestion] | None = None,
    now: datetime,
    confirm: bool = True,
) -> AppointmentCustomer:
    """Book ``service`` at ``start`` (UTC) for a customer, as the booking page offered it, and
    return the customer's row on the appointment (``row.appointment`` is the appointment).

    One transaction re-checks the slot against the rules and the rows as they are now, picks the
    staff member (the customer's choice where the policy allows it, else the least loaded one that
    day, ties to the smallest id), and writes the appointment, its staff row and its customer row.
    A group service's session is joined while it has seats left, else a new one is opened.

    Two customers racing for one slot cannot both get it: on SQLite writers are serialised
    (``BEGIN IMMEDIATE``), so the re-check sees the winner's row; on PostgreSQL group bookings lock
    the service row, and the exclusion constraint on staff rows refuses the loser's overlap. The
    loser gets ``SlotUnavailable`` with the nearest free slots, never a database error.

    Before anything is written, the request itself is checked: a service that is not bookable or a
    staff member who does not deliver it raises ``InvalidBooking``; ``answers`` (raw, keyed by
    question id; none given means none answered) must fit the service's questions, else
    ``InvalidAnswers``. The checked answers are stored on the customer row; ``questions`` are the
    service's (``selectors.service_questions``), read here unless the caller has them already.

    The same ``request_key`` booked twice (a form sent again) returns the first booking: the key is
    unique, so the second insert fails and rolls back, and the booking that holds it is returned.
    """
    _check_bookable(service, staff_id)
    if questions is None:
        questions = selectors.service_questions(service)
    checked = answers_for_service(questions, answers or {})
    customer = replace(customer, custom_question_answers=checked)
    try:
        with transaction.atomic():  # a savepoint when nested, so the caller's transaction survives
            return _book(
                service=service, start=start, customer=customer, staff_id=staff_id, now=now, confirm=confirm
            )
    except (_SlotGone, IntegrityError) as error:
        # This form booked already (sent again from another tab, by a double click, or the race
        # between them): that is its booking.
        already = queries.booking_by_request_key(customer.request_key) if customer.request_key else None
        if already is not None:
            return already
        if isinstance(error, IntegrityError) and not is_overlap(error):
            raise
    raise SlotUnavailable(nearby=nearby_slots(service=service, start=start, now=now, staff_id=staff_id))


def _check_bookable(service: Service, staff_id: Any) -> None:
    """Refuse what no time could make bookable: ``InvalidBooking``, not ``SlotUnavailable``."""
    business = service.business
    if not (service.is_active and business.is_active and business.is_published):
        raise InvalidBooking("This service cannot be booked.")
    if service.is_hidden_from_customers:
        raise InvalidBooking("This service cannot be booked.")
    if staff_id is None:
        return
    try:
        chosen = staff_id if isinstance(staff_id, uuid.UUID) else uuid.UUID(str(staff_id))
    except ValueError:
        raise InvalidBooking("This staff member does not offer this service.") from None
    delivers = service.staff_members.filter(pk=chosen, is_active=True, business_id=service.business_id)
    if not delivers.exists():
        raise InvalidBooking("This staff member does not offer this service.")


def nearby_slots(
    *, service: Service, start: datetime, now: datetime, staff_id: Any = None
) -> tuple[Slot, ...]:
    """Up to ``NEARBY_COUNT`` free slots closest to ``start`` within a day either side, in time order."""
    slots = selectors.slots_for_service(
        service=service, start=start - NEARBY_REACH, end=start + NEARBY_REACH, now=now, staff_id=staff_id
    )
    nearest = sorted(slots, key=lambda slot: (abs(slot.start - start), slot.start))[:NEARBY_COUNT]
    return tuple(sorted(nearest, key=lambda slot: slot.start))


def _book(
    *,
    service: Service,
    start: datetime,
    customer: CustomerDetails,
    staff_id: Any,
    now: datetime,
    confirm: bool,
) -> AppointmentCustomer:
    if service.is_group:
        # Seats are counted, not constrained: one booking of this service at a time counts them.
        locked = Service.objects.select_for_update(of=("self",)).select_related("business")
        service = locked.get(pk=service.pk)
    slot, load = selectors.slot_check(service=service, start=start, now=now, staff_id=staff_id)
    if slot is None:
        raise _SlotGone
    if service.is_group:
        sessions = selectors.group_sessions_at(service, start, slot.staff_ids)
        joined = _join_open_session(slot, sessions, customer, load, now=now, confirm=confirm)
        if joined is not None:
            return joined
        # A staff member runs one session at a time: a new one goes to someone without one.
        slot = replace(slot, staff_ids=tuple(staff for staff in slot.staff_ids if staff not in sessions))
        if not slot.staff_ids:
            raise _SlotGone
    # A chosen staff member the policy allows is the slot's only one; otherwise the least loaded.
    staff_id = auto_assign(slot, load)
    appointment = _new_appointment(
        service.business, service, start, None, customer_time_zone=customer.time_zone
    )
    # No full_clean: every value comes from the service's checked definition and a slot the engine
    # just offered, and the database holds the constraints.
    row = _customer_row(appointment, customer)
    _insert_appointment(appointment, [staff_id], row, *_notices(row, now=now, confirm=confirm))
    return row


def _notices(row: AppointmentCustomer, *, now: datetime, confirm: bool) -> list[Notice]:
    """The new booking's confirmation and reminders, unsaved (none when ``confirm`` is off)."""
    return notices.for_booking(row, now=now) if confirm else []


def _join_open_session(
    slot: Slot,
    sessions: dict[Any, Appointment],
    customer: CustomerDetails,
    load: Mapping[Any, int],
    *,
    now: datetime,
    confirm: bool,
) -> AppointmentCustomer | None:
    """Seat the customer in one of the slot's group sessions that has seats left, if there is one."""
    open_sessions = {
        staff: session
        for staff, session in sessions.items()
        if session.seats_taken < session.maximum_attendees_count
    }
    if open_sessions:
        # Fill a session that has started before opening another one.
        joining = replace(slot, staff_ids=tuple(sorted(open_sessions, key=str)))
        session = open_sessions[auto_assign(joining, load)]
        row = _customer_row(session, customer)
        inserts.insert_all(row, *_notices(row, now=now, confirm=confirm))
        session.save(update_fields=["last_updated_date_time"])
        _record(session, OutboxKind.UPDATE, changed=["customers"])
        return row
    return None


def is_overlap(error: IntegrityError) -> bool:
    """Whether PostgreSQL refused a staff row because another live portal booking overlaps it."""
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) == NO_OVERLAP_CONSTRAINT
