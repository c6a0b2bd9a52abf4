"""Local mirror of the Microsoft Bookings resources, plus the portal's own state."""

from .appointment import Appointment, AppointmentCustomer, AppointmentStaff
from .business import Business
from .currency import Currency
from .customer import Customer
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
    "Currency",
    "CustomQuestion",
    "Customer",
    "GraphConnection",
    "Service",
    "ServiceQuestion",
    "StaffMember",
    "SyncRun",
]
