"""Read queries behind the staff pages and the staff calendar feed.

Each loads what its page shows in a fixed number of queries, whatever the number of appointments:
the schedule takes four (appointments, their staff, their customers, busy time).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db.models import Prefetch, Q, QuerySet

from .access import ScheduleScope
from .models import Appointment, AppointmentStaff, Business, StaffBusyInterval, StaffMember
from .schedule import AppointmentEntry, BusyEntry

# Appointments are picked by their own times widened by this much, so that one whose buffer alone
# reaches into the page still shows it (Bookings allows buffers of a few hours at most).
BUFFER_REACH = timedelta(days=1)


def memberships(user) -> list[StaffMember]:
    """The account's active staff records in active businesses, business loaded, by business name."""
    if not (user and user.is_authenticated):
        return []
    return list(
        StaffMember.objects.filter(user=user, is_active=True, business__is_active=True)
        .select_related("business")
        .order_by("business__display_name", "business__pk")
    )


def visible_appointments(scope: ScheduleScope) -> QuerySet[Appointment]:
    """Active appointments ``scope`` lets its holder see (cancelled ones included)."""
    appointments = Appointment.objects.filter(is_active=True)
    if scope.everything:
        return appointments
    own = AppointmentStaff.objects.filter(staff_member_id__in=scope.staff_ids).values("appointment_id")
    return appointments.filter(Q(business_id__in=scope.business_ids) | Q(pk__in=own))


def _with_people(appointments: QuerySet[Appointment]) -> QuerySet[Appointment]:
    return appointments.select_related("business", "service").prefetch_related(
        Prefetch("staff_rows", AppointmentStaff.objects.select_related("staff_member").order_by("pk")),
        "customer_rows",
    )


def schedule_entries(
    *,
    scope: ScheduleScope,
    business: Business,
    member: StaffMember | None,
    start: datetime,
    end: datetime,
) -> tuple[list[AppointmentEntry], list[BusyEntry]]:
    """The live appointments of ``business`` in ``[start, end)`` that ``scope`` shows, and the
    busy time there (everyone's, named, when ``scope`` shows the whole business; else the member's
    own), as the values ``schedule.lay_out`` takes."""
    appointments = _with_people(
        visible_appointments(scope)
        .live()
        .filter(business=business)
        .overlapping(start - BUFFER_REACH, end + BUFFER_REACH)
    ).order_by("start", "pk")
    entries = [appointment_entry(appointment, member.pk if member else None) for appointment in appointments]
    intervals = StaffBusyInterval.objects.filter(start__lt=end, end__gt=start)
    if scope.sees_whole(business.pk):
        intervals = intervals.filter(staff_member__business=business, staff_member__is_active=True)
    elif member is not None:
        intervals = intervals.filter(staff_member=member)
    else:
        intervals = intervals.none()
    busy = [
        BusyEntry(interval.start, interval.end, interval.status, interval.staff_member.display_name)
        for interval in intervals.select_related("staff_member").order_by(
            "start", "staff_member__display_name"
        )
    ]
    return entries, busy


def appointment_entry(appointment: Appointment, member_id: uuid.UUID | None) -> AppointmentEntry:
    staff_rows = list(appointment.staff_rows.all())
    return AppointmentEntry(
        id=str(appointment.pk),
        start=appointment.start,
        end=appointment.end,
        title=appointment.service_name
        or (appointment.service.display_name if appointment.service else "Appointment"),
        pre_buffer=appointment.pre_buffer,
        post_buffer=appointment.post_buffer,
        staff=tuple(row.staff_member.display_name for row in staff_rows),
        customers=tuple(row.name or row.email_address for row in appointment.customer_rows.all()),
        origin=appointment.origin,
        is_own=any(row.staff_member_id == member_id for row in staff_rows),
    )


def visible_appointment(scope: ScheduleScope, appointment_id: uuid.UUID) -> Appointment | None:
    """One appointment with its staff and customers, or ``None`` when it does not exist or ``scope``
    does not show it: the two look the same, so guessing ids learns nothing."""
    return _with_people(visible_appointments(scope).filter(pk=appointment_id)).first()


def feed_appointments(
    member: StaffMember, scope: ScheduleScope, start: datetime, end: datetime
) -> list[Appointment]:
    """The appointments a member's calendar feed carries: visible, in their business, not cancelled."""
    return list(
        _with_people(
            visible_appointments(scope).live().filter(business_id=member.business_id).overlapping(start, end)
        ).order_by("start", "pk")
    )
