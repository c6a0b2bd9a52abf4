"""Who may do what through the API.

Owners (Django staff accounts) may do everything. A Bookings staff member signed in to the portal
acts within their own business only, as their Bookings role allows: administrators change
anything in it; schedulers and team members book, change and cancel appointments and customers;
every role may read. Creating and deleting businesses takes an owner, as in Graph
(``Bookings.Manage.All``).

On the staff schedule, administrators, schedulers and viewers see their whole business's
appointments; other roles see only their own (``schedule_scope``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from .enums import StaffRole
from .models import Business, StaffMember

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


def may_read(user, business: Business) -> bool:
    return is_owner(user) or membership(user, business) is not None


def may_write(user, business: Business, scope: str) -> bool:
    """May ``user`` change ``scope`` (an API segment such as "services") of ``business``?"""
    if is_owner(user):
        return True
    member = membership(user, business)
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

    def allows(self, business_id, staff_ids: Iterable) -> bool:
        """May the holder see an appointment of ``business_id`` whose staff are ``staff_ids``?"""
        if self.everything or business_id in self.business_ids:
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
