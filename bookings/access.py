"""Who may do what through the API.

Owners (Django staff accounts) may do everything. A Bookings staff member signed in to the portal
acts within their own business only, as their Bookings role allows: administrators change
anything in it; schedulers and team members book, change and cancel appointments and customers;
every role may read. Creating and deleting businesses takes an owner, as in Graph
(``Bookings.Manage.All``).
"""

from __future__ import annotations

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
