"""Scheduling rules as pure functions over plain data: no ORM, no clock (pass ``now``), no I/O.

``timeline`` holds the time primitives (``Interval``, ``blocked_range``, working hours as UTC ranges),
``slots`` the rules that turn a schedule into free slots. The models import ``Interval`` and
``blocked_range`` from here.
"""

from .slots import (
    BusinessRules,
    GroupBooking,
    ServiceRules,
    Slot,
    StaffRules,
    auto_assign,
    effective_policy,
    free_slots,
)
from .timeline import Interval, blocked_range

__all__ = [
    "BusinessRules",
    "GroupBooking",
    "Interval",
    "ServiceRules",
    "Slot",
    "StaffRules",
    "auto_assign",
    "blocked_range",
    "effective_policy",
    "free_slots",
]
