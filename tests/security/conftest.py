"""The world the security specifications probe: two businesses, seven people, bookings to guess at.

Business X (published) has two team members (S1, S2), an administrator, and two customers' bookings:
A's with S1, B's with S2. Business Y has its own member, service and a booking of its own. Each
actor gets a test client signed in as themselves (anonymous: none), so every probe is one request.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import time, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from bookings import booking, selectors
from bookings.enums import DayOfWeek, StaffRole
from bookings.manage_links import manage_token
from bookings.models import (
    Appointment,
    AppointmentCustomer,
    Business,
    Customer,
    CustomQuestion,
    Service,
    StaffCalendarFeed,
    StaffMember,
)
from bookings.values import SchedulingPolicy, WorkHours, WorkTimeSlot
from tests.factories import BusinessFactory, CustomQuestionFactory, ServiceFactory, StaffMemberFactory

ACTORS = ("anonymous", "customer_a", "customer_b", "staff_x", "staff_x2", "admin_x", "superuser")
ALL_DAY = tuple(WorkHours(day=day, time_slots=(WorkTimeSlot(time(0), time(0)),)) for day in DayOfWeek)
POLICY = SchedulingPolicy(
    time_slot_interval=timedelta(minutes=30),
    minimum_lead_time=timedelta(hours=2),
    maximum_advance=timedelta(days=60),
    allow_staff_selection=True,
)


@dataclass
class World:
    """Everything a probe may name: the businesses, their records, and each actor's client."""

    x: Business
    y: Business
    service_x: Service
    service_y: Service
    question_x: CustomQuestion
    question_y: CustomQuestion
    member_x: StaffMember  # S1's staff record
    member_x2: StaffMember  # S2's
    member_y: StaffMember
    booking_a: AppointmentCustomer  # customer A's seat, with S1
    booking_b: AppointmentCustomer  # customer B's seat, with S2
    booking_y: AppointmentCustomer
    feed_x: str  # S1's private calendar feed token
    feed_y: str
    clients: dict[str, Client] = field(default_factory=dict)

    @property
    def appointment_a(self) -> Appointment:
        return self.booking_a.appointment

    @property
    def appointment_b(self) -> Appointment:
        return self.booking_b.appointment

    @property
    def appointment_y(self) -> Appointment:
        return self.booking_y.appointment

    @property
    def customer_a(self) -> Customer:
        return self.booking_a.customer

    @property
    def customer_y(self) -> Customer:
        return self.booking_y.customer

    def token(self, row: AppointmentCustomer) -> str:
        return manage_token(row)

    def forged_token(self, victim: AppointmentCustomer, holder: AppointmentCustomer) -> str:
        """The victim's row id under the signature of a link the holder really has."""
        return f"{victim.pk}:{manage_token(holder).split(':', 1)[1]}"

    def free_start(self, service: Service, index: int = 10) -> str:
        """A slot start free now, as forms post it."""
        now = timezone.now()
        slots = selectors.slots_for_service(service=service, start=now, end=now + timedelta(days=3), now=now)
        return slots[index].start.strftime("%Y-%m-%dT%H:%M:%SZ")


def _business(name: str, slug: str) -> Business:
    return BusinessFactory(
        display_name=name,
        slug=slug,
        time_zone="Europe/London",
        business_hours=ALL_DAY,
        scheduling_policy=POLICY,
        is_published=True,
    )


def _user(username: str, **extra):
    user = get_user_model().objects.create_user(
        username, f"{username}@example.com", "pw-secure-1234", **extra
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _member(business: Business, name: str, role: StaffRole, user=None) -> StaffMember:
    return StaffMemberFactory(
        business=business,
        display_name=name,
        role=role,
        user=user,
        time_zone="Europe/London",
        use_business_hours=True,
    )


def _book(service: Service, member: StaffMember, email: str, hours_ahead: int) -> AppointmentCustomer:
    now = timezone.now()
    start = (now + timedelta(hours=hours_ahead)).replace(minute=0, second=0, microsecond=0)
    appointment = booking.book(
        service=service,
        start=start,
        customer=booking.CustomerDetails(
            name=email.split("@")[0], email_address=email, time_zone="UTC", request_key=uuid.uuid4().hex
        ),
        staff_id=member.pk,
        now=now,
    )
    return appointment.customer_rows.get(email_address=email)


@pytest.fixture
def microsoft_sign_in(settings):
    """Sign-in with Microsoft configured, as in a deployment that offers it."""
    microsoft = settings.SOCIALACCOUNT_PROVIDERS["microsoft"]
    app = {"client_id": "portal-client", "secret": "portal-secret", "settings": {"tenant": "contoso"}}
    settings.SOCIALACCOUNT_PROVIDERS = {
        **settings.SOCIALACCOUNT_PROVIDERS,
        "microsoft": {**microsoft, "APPS": [app]},
    }


@pytest.fixture
def world(db, microsoft_sign_in) -> World:
    x, y = _business("Salon X", "salon-x"), _business("Studio Y", "studio-y")
    users = {
        "customer_a": _user("customer_a"),
        "customer_b": _user("customer_b"),
        "staff_x": _user("staff_x"),
        "staff_x2": _user("staff_x2"),
        "admin_x": _user("admin_x"),
        "superuser": _user("superuser", is_staff=True, is_superuser=True),
    }
    member_x = _member(x, "S1", StaffRole.TEAM_MEMBER, users["staff_x"])
    member_x2 = _member(x, "S2", StaffRole.TEAM_MEMBER, users["staff_x2"])
    _member(x, "Boss", StaffRole.ADMINISTRATOR, users["admin_x"])
    member_y = _member(y, "Y1", StaffRole.TEAM_MEMBER)
    service_x = ServiceFactory(business=x, display_name="Haircut", default_duration=timedelta(minutes=30))
    service_x.staff_members.set([member_x, member_x2])
    service_y = ServiceFactory(business=y, display_name="Yoga", default_duration=timedelta(minutes=30))
    service_y.staff_members.set([member_y])
    world = World(
        x=x,
        y=y,
        service_x=service_x,
        service_y=service_y,
        question_x=CustomQuestionFactory(business=x),
        question_y=CustomQuestionFactory(business=y),
        member_x=member_x,
        member_x2=member_x2,
        member_y=member_y,
        booking_a=_book(service_x, member_x, "customer_a@example.com", 30),
        booking_b=_book(service_x, member_x2, "customer_b@example.com", 31),
        booking_y=_book(service_y, member_y, "carol@example.com", 30),
        feed_x=StaffCalendarFeed.objects.issue(member_x)[1],
        feed_y=StaffCalendarFeed.objects.issue(member_y)[1],
    )
    for row, user in ((world.booking_a, users["customer_a"]), (world.booking_b, users["customer_b"])):
        Customer.objects.filter(pk=row.customer_id).update(user=user)
    world.clients["anonymous"] = Client()
    for actor, user in users.items():
        world.clients[actor] = Client()
        world.clients[actor].force_login(user)
    return world
