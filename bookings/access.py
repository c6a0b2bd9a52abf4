"""Who may do what through the API.

Owners (Django staff accounts) may do everything. A Bookings staff member signed in to the portal
acts within their own business only, as their Bookings role allows: administrators change
anything in it; schedulers and team members book, change and cancel appointments and customers;
every role may read. Creating and deleting businesses takes an owner, as in Graph
(``Bookings.Manage.All``).

On the staff schedule and through the API alike, administrators, schedulers and viewers see their
whole business's appointments; other roles see only the appointments they are on, and of the
customers only those on such an appointment (``schedule_scope``; ``appointments_seen`` and
``customers_seen`` for the API).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from .enums import StaffRole
from .models import Appointment, AppointmentCustomer, AppointmentStaff, Business, Customer, StaffMember

APPOINTMENT_ROLES = frozenset({StaffRole.ADMINISTRATOR, StaffRole.SCHEDULER, StaffRole.TEAM_MEMBER})
# The API segments that appointment roles may write to.
APPOINTMENT_SCOPES = frozenset({"appointments", "customers"})


def is_owner(user) -> bool:
    return bool(user and user.is_authenticated and user.is_staff)


def membership(user, business: Business) -> StaffMember | None:
    """The user's active staff record in ``business``, if any."""
    if not (user and user.is_authenticated):
        return None
    return business.staff_members.filter(user=user, is_active=True).first()


def member_may_write(member: StaffMember | None, scope: str) -> bool:
    """May the holder of the staff record ``member`` change ``scope`` (an API segment such as
    "services") of its business? Owners are not asked: they may change anything; without a staff
    record nobody else may even read."""
    if member is None:
        return False
    if member.role == StaffRole.ADMINISTRATOR:
        return True
    return scope in APPOINTMENT_SCOPES and member.role in APPOINTMENT_ROLES


def may_manage_businesses(user) -> bool:
    return is_owner(user)


def visible_businesses(user, businesses: QuerySet[Business]) -> QuerySet[Business]:
    if is_owner(user):
        return businesses
    return businesses.filter(staff_members__user=user, staff_members__is_active=True).distinct()


# --- Staff schedules ---------------------------------------------------------------------------------

# Roles that see every appointment of their business on the schedule, as in Bookings' own calendar;
# every other role sees only the appointments they are on.
SCHEDULE_WIDE_ROLES = frozenset({StaffRole.ADMINISTRATOR, StaffRole.SCHEDULER, StaffRole.VIEWER})


@dataclass(frozen=True)
class ScheduleScope:
    """Which appointments someone may see on a schedule, a detail page or a feed.

    ``everything`` for owners; else the businesses whose whole schedule they see (by role) and the
    staff records whose own appointments they see.
    """

    everything: bool = False
    business_ids: frozenset = frozenset()
    staff_ids: frozenset = frozenset()

    def sees_whole(self, business_id) -> bool:
        """Does the holder see all of ``business_id``'s schedule (every staff member's)?"""
        return self.everything or business_id in self.business_ids

    def allows(self, business_id, staff_ids: Iterable) -> bool:
        """May the holder see an appointment of ``business_id`` whose staff are ``staff_ids``?"""
        if self.sees_whole(business_id):
            return True
        return any(staff_id in self.staff_ids for staff_id in staff_ids)


def schedule_scope(memberships: Iterable[StaffMember], *, owner: bool = False) -> ScheduleScope:
    """What ``memberships`` (active staff records of one user, or the one member a feed belongs to)
    let their holder see; ``owner`` sees everything."""
    if owner:
        return ScheduleScope(everything=True)
    members = [member for member in memberships if member.is_active]
    return ScheduleScope(
        business_ids=frozenset(m.business_id for m in members if m.role in SCHEDULE_WIDE_ROLES),
        staff_ids=frozenset(m.pk for m in members),
    )


def sees_whole_business(member: StaffMember | None, *, owner: bool = False) -> bool:
    return owner or (member is not None and member.role in SCHEDULE_WIDE_ROLES)


# --- The API: the schedule's rule, applied to the appointments and customers it serves -------------


def appointments_seen(
    appointments: QuerySet[Appointment], member: StaffMember | None, *, owner: bool = False
) -> QuerySet[Appointment]:
    """The part of ``appointments`` (one business's) that ``member`` may see, read and change.

    A subquery, not a list of ids, so a listing keeps its fixed number of queries; what is left out
    is answered as missing (404), so that a team member cannot tell a colleague's booking exists.
    """
    if sees_whole_business(member, owner=owner):
        return appointments
    if member is None:
        return appointments.none()
    return appointments.filter(
        pk__in=AppointmentStaff.objects.filter(staff_member=member).values("appointment_id")
    )


def customers_seen(
    customers: QuerySet[Customer], member: StaffMember | None, *, owner: bool = False
) -> QuerySet[Customer]:
    """The part of ``customers`` (one business's) that ``member`` may see: for a role that does not
    see the whole business, the customers of the live appointments they are on (DESIGN §1: a staff
    member sees nobody else's customers unless their role allows it)."""
    if sees_whole_business(member, owner=owner):
        return customers
    if member is None:
        return customers.none()
    own = AppointmentStaff.objects.live().filter(staff_member=member).values("appointment_id")
    return customers.filter(
        pk__in=AppointmentCustomer.objects.filter(appointment_id__in=own).values("customer_id")
    )


def may_staff_appointment(
    member: StaffMember | None, staff: Iterable[StaffMember], *, owner: bool = False
) -> bool:
    """May ``member`` give an appointment the staff ``staff`` (on creating it, or changing its
    staff)? A role that sees only its own appointments books only appointments it is on: it can
    neither book a colleague nor hand its own appointment over to one."""
    if sees_whole_business(member, owner=owner):
        return True
    return member is not None and any(person.pk == member.pk for person in staff)
