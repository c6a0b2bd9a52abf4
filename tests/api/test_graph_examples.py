"""Microsoft's own example bodies, sent to the portal's API as a Graph client would send them.

Every request example is accepted with Graph's status code, and every response we give has the
shape of Microsoft's response example: each member Microsoft shows is there, with the same JSON
type. (We may send more members: the full v1.0 property set.) The ``$batch`` and
``getStaffAvailability`` examples are Graph-client concerns and are exercised by the Graph client's
tests against the emulator, not by this API.
"""

from __future__ import annotations

import uuid
from urllib.parse import quote

import pytest

from bookings.models import Business
from tests.api.graph_assertions import assert_same_shape
from tests.conftest import example
from tests.factories import BusinessFactory, ServiceFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

SERVICE_ID = "57da6774-a087-4d69-b0e6-6fb82c339976"
SERVICE_STAFF_IDS = ["d90d1e8c-5cfe-48cf-a2d5-966267375b6a", "2f5f8794-0b29-45b5-b56a-2eb5ff7aa880"]
DANA_ID = "8ee1c803-a1fa-406d-8259-7ab53233f148"


@pytest.fixture
def business() -> Business:
    business = BusinessFactory(graph_id="Contosolunchdelivery@contoso.onmicrosoft.com")
    for staff_id in [*SERVICE_STAFF_IDS, DANA_ID]:
        StaffMemberFactory(id=uuid.UUID(staff_id), business=business)
    return business


def under(business: Business, segment: str) -> str:
    return f"bookingBusinesses/{quote(business.graph_id)}/{segment}"


def test_business_examples(api):
    assert (
        api.post("bookingBusinesses", example("bookingbusiness-create.minimal.request.json")).status_code
        == 201
    )
    created = api.post("bookingBusinesses", example("bookingbusiness-create.request.json"))
    assert created.status_code == 201, created.json()
    assert_same_shape(created.json(), example("bookingbusiness-create.response.json"))

    business_id = quote(created.json()["id"])
    assert (
        api.patch(
            f"bookingBusinesses/{business_id}", example("bookingbusiness-update.request.json")
        ).status_code
        == 204
    )
    assert_same_shape(
        api.get(f"bookingBusinesses/{business_id}").json(), example("bookingbusiness-get.response.json")
    )
    assert_same_shape(api.get("bookingBusinesses").json(), example("bookingbusiness-list.response.json"))
    assert_same_shape(
        api.get("bookingBusinesses", {"query": "Fourth"}).json(),
        example("bookingbusiness-list-query.response.json"),
    )


def test_staff_member_examples(api, business):
    minimal = api.post(
        under(business, "staffMembers"), example("bookingstaffmember-create.minimal.request.json")
    )
    assert minimal.status_code == 201, minimal.json()
    created = api.post(under(business, "staffMembers"), example("bookingstaffmember-create.request.json"))
    assert created.status_code == 201, created.json()
    assert_same_shape(created.json(), example("bookingstaffmember-create.response.json"))

    path = under(business, f"staffMembers/{created.json()['id']}")
    assert api.patch(path, example("bookingstaffmember-update.request.json")).status_code == 204
    assert_same_shape(api.get(path).json(), example("bookingstaffmember-get.response.json"))
    assert_same_shape(
        api.get(under(business, "staffMembers")).json(),
        example("bookingbusiness-list-staffmembers.response.json"),
    )


def test_service_examples(api, business):
    minimal = api.post(under(business, "services"), example("bookingservice-create.minimal.request.json"))
    assert minimal.status_code == 201, minimal.json()
    created = api.post(under(business, "services"), example("bookingservice-create.request.json"))
    assert created.status_code == 201, created.json()
    assert_same_shape(created.json(), example("bookingservice-create.response.json"))

    path = under(business, f"services/{created.json()['id']}")
    assert api.patch(path, example("bookingservice-update.request.json")).status_code == 204
    assert_same_shape(api.get(path).json(), example("bookingservice-get.response.json"))
    listed = api.get(under(business, "services")).json()
    listed["value"] = [item for item in listed["value"] if item["id"] == created.json()["id"]]
    assert_same_shape(listed, example("bookingbusiness-list-services.response.json"))


def test_custom_question_examples(api, business):
    created = api.post(
        under(business, "customQuestions"), example("bookingcustomquestion-create.request.json")
    )
    assert created.status_code == 201, created.json()
    assert_same_shape(created.json(), example("bookingcustomquestion-create.response.json"))

    path = under(business, f"customQuestions/{created.json()['id']}")
    updated = api.patch(path, example("bookingcustomquestion-update.request.json"))
    assert updated.status_code == 200
    assert_same_shape(updated.json(), example("bookingcustomquestion-update.response.json"))
    # Microsoft's get sample wraps the entity in "value" by mistake; the entity itself is what counts.
    assert_same_shape(api.get(path).json(), example("bookingcustomquestion-get.response.json")["value"])
    assert_same_shape(
        api.get(under(business, "customQuestions")).json(),
        example("bookingbusiness-list-customquestions.response.json"),
    )


def test_customer_examples(api, business):
    created = api.post(under(business, "customers"), example("bookingcustomer-create.request.json"))
    assert created.status_code == 201, created.json()
    assert_same_shape(created.json(), example("bookingcustomer-create.response.json"))

    path = under(business, f"customers/{created.json()['id']}")
    updated = api.patch(path, example("bookingcustomer-update.request.json"))
    assert updated.status_code == 200
    assert_same_shape(updated.json(), example("bookingcustomer-update.response.json"))
    assert_same_shape(api.get(path).json(), example("bookingcustomer-get.response.json"))
    assert_same_shape(
        api.get(under(business, "customers")).json(), example("bookingbusiness-list-customers.response.json")
    )


def test_appointment_examples(api, business):
    ServiceFactory(id=uuid.UUID(SERVICE_ID), business=business, display_name="Catered bento")

    for request in (
        "bookingappointment-create.request.json",
        "bookingappointment-create.learn2025-startend.request.json",
    ):
        created = api.post(under(business, "appointments"), example(request))
        assert created.status_code == 201, created.json()
        assert_same_shape(created.json(), example("bookingappointment-create.response.json"))

    path = under(business, f"appointments/{created.json()['id']}")
    assert api.patch(path, example("bookingappointment-update.request.json")).status_code == 204
    assert_same_shape(api.get(path).json(), example("bookingappointment-get.response.json"))
    assert_same_shape(
        api.get(under(business, "appointments")).json(),
        example("bookingbusiness-list-appointments.response.json"),
    )
    window = {"start": "2018-04-30T00:00:00Z", "end": "2018-05-10T00:00:00Z"}
    calendar = api.get(under(business, "calendarView"), window).json()
    assert len(calendar["value"]) == 2
    assert_same_shape(calendar, example("bookingbusiness-list-calendarview.response.json"))

    assert api.post(f"{path}/cancel", example("bookingappointment-cancel.request.json")).status_code == 204
    assert len(api.get(under(business, "calendarView"), window).json()["value"]) == 1


def test_currency_examples(api):
    assert_same_shape(api.get("bookingCurrencies").json(), example("bookingcurrency-list.response.json"))
    assert_same_shape(api.get("bookingCurrencies/USD").json(), example("bookingcurrency-get.response.json"))
