"""Local mirror of the Microsoft Bookings resources, plus the portal's own state."""

from .appointment import Appointment, AppointmentCustomer, AppointmentStaff
from .business import Business
from .busy import BusyStatus, StaffBusyInterval
from .currency import Currency
from .customer import Customer
from .feeds import StaffCalendarFeed
from .notice import Notice, NoticeKind
from .outbox import OutboxItem, OutboxKind, OutboxState, OutboxTarget
from .question import CustomQuestion
from .service import Service, ServiceQuestion
from .staff import StaffMember
from .sync import GraphConnection, SyncRun
from .tokens import ApiToken

__all__ = [
    "ApiToken",
    "Appointment",
    "AppointmentCustomer",
    "AppointmentStaff",
    "Business",
    "BusyStatus",
    "Currency",
    "CustomQuestion",
    "Customer",
    "GraphConnection",
    "Notice",
    "NoticeKind",
    "OutboxItem",
    "OutboxKind",
    "OutboxState",
    "OutboxTarget",
    "Service",
    "ServiceQuestion",
    "StaffBusyInterval",
    "StaffCalendarFeed",
    "StaffMember",
    "SyncRun",
]
