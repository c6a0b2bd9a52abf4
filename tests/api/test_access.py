"""Who may do what: owners everything; staff members within their own business, by Bookings role."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model

from bookings.enums import StaffRole
from tests.api.graph_assertions import assert_odata_error
from tests.conftest import client_with_token
from tests.factories import AppointmentFactory, BusinessFactory, ServiceFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db


def staff_client(business, role: StaffRole, username: str = "member"):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw")
    StaffMemberFactory(business=business, role=role, user=user)
    return client_with_token(user)


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
    client = staff_client(contoso, role)
    service = ServiceFactory(business=contoso)
    created = client.post(
        path(contoso, "appointments"),
        {
            "serviceId": str(service.id),
            "startDateTime": {"dateTime": "2030-05-06T15:00:00", "timeZone": "UTC"},
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
