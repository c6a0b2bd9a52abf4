"""A small salon for the staff pages' specs: two team members, a viewer, appointments of both origins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from bookings.enums import Origin, StaffRole
from bookings.models import Appointment, AppointmentCustomer, Business, StaffBusyInterval, StaffMember
from bookings.values import QuestionAnswer
from tests.factories import AppointmentFactory, BusinessFactory, ServiceFactory, StaffMemberFactory

PASSWORD = "staff-password-123"
# Monday 6 May 2030; 09:00 UTC is 10:00 in London (BST).
MONDAY = datetime(2030, 5, 6, 9, 0, tzinfo=UTC)


@dataclass
class Salon:
    business: Business
    ann: StaffMember
    bob: StaffMember
    vic: StaffMember


def staff_user(member: StaffMember, username: str):
    user = get_user_model().objects.create_user(username, member.email_address, PASSWORD)
    EmailAddress.objects.create(user=user, email=member.email_address, verified=True, primary=True)
    member.user = user
    member.save(update_fields=["user"])
    return user


def salon() -> Salon:
    business = BusinessFactory(
        display_name="Salon", slug="salon", time_zone="Europe/London", email="hello@salon.example"
    )
    ann = StaffMemberFactory(
        business=business,
        display_name="Ann Archer",
        email_address="ann@salon.example",
        role=StaffRole.TEAM_MEMBER,
        time_zone="Europe/London",
    )
    bob = StaffMemberFactory(
        business=business,
        display_name="Bob Baker",
        email_address="bob@salon.example",
        role=StaffRole.TEAM_MEMBER,
        time_zone="Europe/London",
    )
    vic = StaffMemberFactory(
        business=business,
        display_name="Vic Viewer",
        email_address="vic@salon.example",
        role=StaffRole.VIEWER,
        time_zone="Europe/London",
    )
    return Salon(business, ann, bob, vic)


def appointment(
    member: StaffMember,
    start: datetime,
    *,
    service_name: str = "Haircut",
    origin: str = Origin.PORTAL,
    customer: str = "Carol Customer",
    **fields,
) -> Appointment:
    service = ServiceFactory(business=member.business, display_name=service_name)
    made = AppointmentFactory(
        business=member.business,
        service=service,
        service_name=service_name,
        start=start,
        end=start + timedelta(minutes=30),
        origin=origin,
        graph_id=f"graph-{start:%Y%m%d%H%M}-{service_name}" if origin == Origin.GRAPH else None,
        **fields,
    )
    made.staff_rows.create(staff_member=member)
    AppointmentCustomer.objects.create(
        appointment=made,
        name=customer,
        email_address=f"{customer.split()[0].lower()}@example.com",
        phone="+44 20 7946 0123",
        notes="Please use the side door.",
        custom_question_answers=(
            QuestionAnswer(question_id="q1", question="Any allergies?", answer="Lavender"),
            QuestionAnswer(question_id="q2", question="First visit?", selected_options=("Yes",)),
        ),
    )
    return made


def busy(member: StaffMember, start: datetime, hours: int = 1) -> StaffBusyInterval:
    return StaffBusyInterval.objects.create(
        staff_member=member, start=start, end=start + timedelta(hours=hours), fetched_at=start
    )
