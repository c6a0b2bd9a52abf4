"""Who may do what: owners everything; staff members within their own business, by Bookings role.

Administrators, schedulers and viewers see the whole business's appointments and customers; every
other role only the appointments they are on and those appointments' customers, as on the staff
schedule. Whatever a role does not see answers as a missing item does.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model

from bookings import booking
from bookings.enums import StaffRole
from bookings.models import Appointment, Business, Customer, Service, StaffMember
from tests.api.graph_assertions import assert_odata_error
from tests.conftest import client_with_token
from tests.factories import (
    AppointmentFactory,
    BusinessFactory,
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
)

pytestmark = pytest.mark.django_db


def signed_in_member(business, role: StaffRole, username: str = "member") -> tuple[StaffMember, object]:
    """A staff member of ``business`` with a portal account, and an API client acting as them."""
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw")
    member = StaffMemberFactory(business=business, role=role, user=user)
    return member, client_with_token(user)


def staff_client(business, role: StaffRole, username: str = "member"):
    return signed_in_member(business, role, username)[1]


def path(business, segment: str = "") -> str:
    return f"bookingBusinesses/{quote(business.graph_id)}" + (f"/{segment}" if segment else "")


@pytest.fixture
def contoso():
    return BusinessFactory(display_name="Contoso")


@pytest.fixture
def fabrikam():
    return BusinessFactory(display_name="Fabrikam")


@pytest.mark.parametrize("role", list(StaffRole))
def test_every_role_reads_its_own_business(contoso, role):
    client = staff_client(contoso, role)
    assert client.get(path(contoso)).status_code == 200
    assert client.get(path(contoso, "services")).status_code == 200


def test_a_staff_member_sees_only_their_own_businesses_in_the_list(contoso, fabrikam):
    client = staff_client(contoso, StaffRole.ADMINISTRATOR)
    names = [item["displayName"] for item in client.get("bookingBusinesses").json()["value"]]
    assert names == ["Contoso"]


def test_another_business_is_403_for_a_staff_member(contoso, fabrikam):
    client = staff_client(contoso, StaffRole.ADMINISTRATOR)
    response = client.get(path(fabrikam, "staffMembers"))
    assert_odata_error(response, 403, code="ErrorAccessDenied")


def test_an_administrator_changes_definitions_of_their_business(contoso):
    client = staff_client(contoso, StaffRole.ADMINISTRATOR)
    assert client.post(path(contoso, "services"), {"displayName": "Bento"}).status_code == 201
    assert client.patch(path(contoso), {"phone": "206-555-0100"}).status_code == 204
    assert client.post(path(contoso, "publish")).status_code == 204


@pytest.mark.parametrize(
    "role", [StaffRole.VIEWER, StaffRole.GUEST, StaffRole.EXTERNAL_GUEST, StaffRole.SCHEDULER]
)
def test_other_roles_cannot_change_definitions(contoso, role):
    client = staff_client(contoso, role)
    service = ServiceFactory(business=contoso)
    assert_odata_error(
        client.post(path(contoso, "services"), {"displayName": "Bento"}), 403, code="ErrorAccessDenied"
    )
    assert_odata_error(
        client.patch(path(contoso, f"services/{service.id}"), {"notes": "x"}), 403, code="ErrorAccessDenied"
    )
    assert_odata_error(client.post(path(contoso, "publish")), 403, code="ErrorAccessDenied")
    service.refresh_from_db()
    assert service.notes == ""


@pytest.mark.parametrize("role", [StaffRole.SCHEDULER, StaffRole.TEAM_MEMBER, StaffRole.ADMINISTRATOR])
def test_scheduling_roles_book_and_cancel_appointments(contoso, role):
    member, client = signed_in_member(contoso, role)
    service = ServiceFactory(business=contoso)
    created = client.post(
        path(contoso, "appointments"),
        {
            "serviceId": str(service.id),
            "startDateTime": {"dateTime": "2030-05-06T15:00:00", "timeZone": "UTC"},
            "staffMemberIds": [member.api_id],
        },
    )
    assert created.status_code == 201, created.json()
    assert client.post(path(contoso, f"appointments/{created.json()['id']}/cancel")).status_code == 204


@pytest.mark.parametrize("role", [StaffRole.VIEWER, StaffRole.GUEST, StaffRole.EXTERNAL_GUEST])
def test_read_only_roles_cannot_cancel_appointments(contoso, role):
    client = staff_client(contoso, role)
    appointment = AppointmentFactory(business=contoso)
    response = client.post(path(contoso, f"appointments/{appointment.id}/cancel"))
    assert_odata_error(response, 403, code="ErrorAccessDenied")
    appointment.refresh_from_db()
    assert appointment.is_cancelled is False


def test_only_owners_create_and_delete_businesses(contoso):
    client = staff_client(contoso, StaffRole.ADMINISTRATOR)
    assert_odata_error(
        client.post("bookingBusinesses", {"displayName": "Mine"}), 403, code="ErrorAccessDenied"
    )
    assert_odata_error(client.delete(path(contoso)), 403, code="ErrorAccessDenied")
    contoso.refresh_from_db()
    assert contoso.is_active


# --- Own appointments only: roles that do not see the whole business ------------------------------

OWN_ONLY_ROLES = [
    StaffRole.TEAM_MEMBER,
    StaffRole.GUEST,
    StaffRole.EXTERNAL_GUEST,
    StaffRole.UNKNOWN_FUTURE_VALUE,
]
WHOLE_BUSINESS_ROLES = [StaffRole.ADMINISTRATOR, StaffRole.SCHEDULER, StaffRole.VIEWER]
WINDOW = "start=2030-01-01T00:00:00Z&end=2031-01-01T00:00:00Z"


@dataclass
class Salon:
    """Contoso with two team members, Mia (signed in) and Colin, each on a booking of their own."""

    business: Business
    service: Service
    mia: StaffMember
    colin: StaffMember
    mine: Appointment  # Mia's, with Ann
    theirs: Appointment  # Colin's, with Bob
    ann: Customer
    bob: Customer
    client: object = None  # Mia's


def book(business, service, staff, customer, hour: int, day: int = 6) -> Appointment:
    return booking.create_appointment(
        business=business,
        service=service,
        start=datetime(2030, 5, day, hour, tzinfo=UTC),
        staff_members=staff,
        customers=[booking.CustomerDetails(customer_id=str(customer.id))],
    )


def salon_for(business, mia: StaffMember) -> Salon:
    colin = StaffMemberFactory(business=business, display_name="Colin", role=StaffRole.TEAM_MEMBER)
    service = ServiceFactory(business=business)
    ann = CustomerFactory(business=business, display_name="Ann")
    bob = CustomerFactory(business=business, display_name="Bob")
    return Salon(
        business=business,
        service=service,
        mia=mia,
        colin=colin,
        mine=book(business, service, [mia], ann, 9),
        theirs=book(business, service, [colin], bob, 10),
        ann=ann,
        bob=bob,
    )


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content[:500]
    return [item["id"] for item in response.json()["value"]]


def missing(response, unknown) -> None:
    """``response`` says exactly what an unknown id's ``unknown`` says: nothing to tell them apart."""
    error = assert_odata_error(response, 404, code="ErrorItemNotFound")
    assert error["message"] == assert_odata_error(unknown, 404)["message"]


@pytest.fixture
def salon(contoso):
    mia, client = signed_in_member(contoso, StaffRole.TEAM_MEMBER, "mia")
    return replace(salon_for(contoso, mia), client=client)


@pytest.mark.parametrize("role", OWN_ONLY_ROLES)
def test_a_role_without_the_whole_schedule_lists_only_the_appointments_it_is_on(contoso, role):
    mia, client = signed_in_member(contoso, role, "mia")
    salon = salon_for(contoso, mia)

    listed = client.get(path(contoso, "appointments") + "?$count=true")
    assert ids(listed) == [salon.mine.api_id]
    assert listed.json()["@odata.count"] == 1
    assert ids(client.get(path(contoso, f"calendarView?{WINDOW}"))) == [salon.mine.api_id]
    assert ids(client.get(path(contoso, "customers"))) == [salon.ann.api_id]


def test_a_colleagues_appointment_is_missing_for_a_team_member(salon):
    client, theirs = salon.client, salon.theirs
    unknown = client.get(path(salon.business, "appointments/AAMkNoSuchAppointment="))

    for segment in ("appointments", "calendarView"):
        missing(client.get(path(salon.business, f"{segment}/{theirs.api_id}")), unknown)
        missing(client.post(path(salon.business, f"{segment}/{theirs.api_id}/cancel")), unknown)
    missing(
        client.patch(path(salon.business, f"appointments/{theirs.api_id}"), {"serviceNotes": "x"}), unknown
    )
    missing(client.delete(path(salon.business, f"appointments/{theirs.api_id}")), unknown)

    theirs.refresh_from_db()
    assert (theirs.is_active, theirs.is_cancelled, theirs.service_notes) == (True, False, "")


def test_a_team_member_changes_cancels_and_deletes_their_own_appointments(salon):
    client, business = salon.client, salon.business
    assert client.get(path(business, f"appointments/{salon.mine.api_id}")).status_code == 200
    changed = client.patch(
        path(business, f"appointments/{salon.mine.api_id}"), {"serviceNotes": "Window seat"}
    )
    assert changed.status_code == 204
    assert client.post(path(business, f"calendarView/{salon.mine.api_id}/cancel")).status_code == 204
    another = book(business, salon.service, [salon.mia, salon.colin], salon.bob, 11)
    assert client.delete(path(business, f"appointments/{another.api_id}")).status_code == 204

    salon.mine.refresh_from_db()
    another.refresh_from_db()
    assert (salon.mine.service_notes, salon.mine.is_cancelled, another.is_active) == (
        "Window seat",
        True,
        False,
    )


def test_a_team_member_sees_only_the_customers_of_their_own_live_appointments(salon):
    client, business = salon.client, salon.business
    unknown = client.get(path(business, "customers/no-such-customer"))
    assert client.get(path(business, f"customers/{salon.ann.api_id}")).json()["displayName"] == "Ann"
    missing(client.get(path(business, f"customers/{salon.bob.api_id}")), unknown)
    missing(client.patch(path(business, f"customers/{salon.bob.api_id}"), {"displayName": "Rob"}), unknown)
    missing(client.delete(path(business, f"customers/{salon.bob.api_id}")), unknown)
    salon.bob.refresh_from_db()
    assert (salon.bob.display_name, salon.bob.is_active) == ("Bob", True)

    shared = book(business, salon.service, [salon.colin, salon.mia], salon.bob, 12)
    assert ids(client.get(path(business, "customers"))) == [salon.ann.api_id, salon.bob.api_id]
    booking.cancel_appointment(shared)
    assert ids(client.get(path(business, "customers"))) == [salon.ann.api_id]


def test_a_team_member_books_only_appointments_they_are_on(salon):
    client, business = salon.client, salon.business
    body = {
        "serviceId": salon.service.api_id,
        "startDateTime": {"dateTime": "2030-05-07T15:00:00", "timeZone": "UTC"},
    }
    before = Appointment.objects.count()

    for staff in ([salon.colin.api_id], []):
        refused = client.post(path(business, "appointments"), {**body, "staffMemberIds": staff})
        error = assert_odata_error(refused, 403, code="ErrorAccessDenied")
        assert "only appointments you are on" in error["message"]
    assert_odata_error(client.post(path(business, "appointments"), body), 403, code="ErrorAccessDenied")
    assert Appointment.objects.count() == before

    both = client.post(
        path(business, "appointments"), {**body, "staffMemberIds": [salon.colin.api_id, salon.mia.api_id]}
    )
    assert both.status_code == 201, both.json()


def test_a_team_member_cannot_hand_their_appointment_to_a_colleague(salon):
    response = salon.client.patch(
        path(salon.business, f"appointments/{salon.mine.api_id}"), {"staffMemberIds": [salon.colin.api_id]}
    )

    assert_odata_error(response, 403, code="ErrorAccessDenied")
    assert list(salon.mine.staff_rows.values_list("staff_member_id", flat=True)) == [salon.mia.pk]


def test_a_customer_a_team_member_creates_is_answered_to_them(salon):
    created = salon.client.post(
        path(salon.business, "customers"), {"displayName": "Zed", "emailAddress": "z@example.com"}
    )

    assert created.status_code == 201, created.json()
    assert created.json()["displayName"] == "Zed"


@pytest.mark.parametrize("role", WHOLE_BUSINESS_ROLES)
def test_administrators_schedulers_and_viewers_see_the_whole_business(contoso, role):
    client = staff_client(contoso, role, "boss")
    salon = salon_for(contoso, StaffMemberFactory(business=contoso, role=StaffRole.TEAM_MEMBER))

    assert ids(client.get(path(contoso, "appointments"))) == [salon.mine.api_id, salon.theirs.api_id]
    assert ids(client.get(path(contoso, f"calendarView?{WINDOW}"))) == [
        salon.mine.api_id,
        salon.theirs.api_id,
    ]
    assert ids(client.get(path(contoso, "customers"))) == [salon.ann.api_id, salon.bob.api_id]
    assert client.get(path(contoso, f"appointments/{salon.theirs.api_id}")).status_code == 200


def test_a_scheduler_books_a_colleague(contoso):
    _member, client = signed_in_member(contoso, StaffRole.SCHEDULER, "boss")
    colin = StaffMemberFactory(business=contoso, role=StaffRole.TEAM_MEMBER)
    body = {
        "serviceId": ServiceFactory(business=contoso).api_id,
        "startDateTime": {"dateTime": "2030-05-07T15:00:00", "timeZone": "UTC"},
        "staffMemberIds": [colin.api_id],
    }

    assert client.post(path(contoso, "appointments"), body).status_code == 201


def test_an_owner_sees_and_changes_every_appointment_and_customer(api, contoso):
    salon = salon_for(contoso, StaffMemberFactory(business=contoso, role=StaffRole.TEAM_MEMBER))

    assert ids(api.get(path(contoso, "appointments"))) == [salon.mine.api_id, salon.theirs.api_id]
    assert ids(api.get(path(contoso, "customers"))) == [salon.ann.api_id, salon.bob.api_id]
    assert api.post(path(contoso, f"appointments/{salon.theirs.api_id}/cancel")).status_code == 204


def test_a_team_members_listing_costs_a_constant_number_of_queries(salon, django_assert_max_num_queries):
    for hour in range(12, 22):
        book(
            salon.business,
            salon.service,
            [salon.mia, salon.colin],
            CustomerFactory(business=salon.business),
            hour,
        )
        book(salon.business, salon.service, [salon.colin], salon.bob, hour, day=7)

    # The owner's queries (test_appointments), and the caller's staff record: the rest is a subquery.
    with django_assert_max_num_queries(8):
        listed = salon.client.get(path(salon.business, "appointments"))
    with django_assert_max_num_queries(6):
        customers = salon.client.get(path(salon.business, "customers"))

    assert len(ids(listed)) == 11
    assert len(ids(customers)) == 11
