"""``…/bookingBusinesses/{id}/appointments``: create, list, get, PATCH, cancel and DELETE, as in Graph."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest

from bookings import booking
from bookings.models import Appointment, AppointmentStaff, Customer
from bookings.values import Reminder
from tests.api.graph_assertions import assert_same_shape
from tests.conftest import example
from tests.factories import (
    AppointmentFactory,
    BusinessFactory,
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
)

UNKNOWN_ID = "0b6f1c2e-1111-4a8e-9d3c-5f2a7b9e0c41"  # matches nothing; fixed so test ids are stable
pytestmark = pytest.mark.django_db

# The ids Microsoft's example bodies refer to.
EXAMPLE_SERVICE_ID = "57da6774-a087-4d69-b0e6-6fb82c339976"
EXAMPLE_STAFF_ID = "8ee1c803-a1fa-406d-8259-7ab53233f148"
EXAMPLE_CUSTOMER_ID = "7ed53fa5-9ef2-4f2f-975b-27447440bc09"
# An Exchange item id with every character that must be percent-encoded in a path.
AWKWARD_GRAPH_ID = "AAMkADc7zF4J0AAA8v/KnAAA+="
CUSTOMER_INFORMATION_TYPE = "#microsoft.graph.bookingCustomerInformation"


def appointments_path(business, item_id: str | None = None, suffix: str = "") -> str:
    path = f"bookingBusinesses/{business.graph_id}/appointments"
    if item_id is not None:
        path += "/" + quote(item_id, safe="")
    return path + suffix


def utc(text: str) -> dict[str, str]:
    """A dateTimeTimeZone as Graph returns appointment times."""
    return {"dateTime": text, "timeZone": "UTC"}


def assert_odata_error(response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["code"] and body["error"]["message"]
    return body["error"]


@pytest.fixture
def business():
    return BusinessFactory(graph_id="Contosolunchdelivery@contoso.onmicrosoft.com")


@pytest.fixture
def service(business):
    """The service Microsoft's examples book: 30 minutes, up to five customers."""
    return ServiceFactory(
        id=uuid.UUID(EXAMPLE_SERVICE_ID),
        business=business,
        display_name="Catered bento",
        default_duration=timedelta(minutes=30),
        maximum_attendees_count=5,
    )


def minimal_body(service, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "serviceId": str(service.id),
        "startDateTime": {"dateTime": "2030-05-06T15:00:00", "timeZone": "UTC"},
        "endDateTime": {"dateTime": "2030-05-06T15:30:00", "timeZone": "UTC"},
        "customers": [{"name": "Jordan Miller", "emailAddress": "jordanm@contoso.com"}],
    }
    body.update(overrides)
    return body


def create(api, business, body) -> dict[str, Any]:
    response = api.post(appointments_path(business), body)
    assert response.status_code == 201, response.json()
    return response.json()


def get(api, business, item_id: str) -> dict[str, Any]:
    response = api.get(appointments_path(business, item_id))
    assert response.status_code == 200, response.json()
    return response.json()


# --- Create --------------------------------------------------------------------------------------


def test_create_with_microsofts_example_answers_201_with_the_full_appointment(api, business, service):
    response = api.post(appointments_path(business), example("bookingappointment-create.request.json"))

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["@odata.context"].endswith(
        "#bookingBusinesses('Contosolunchdelivery%40contoso.onmicrosoft.com')/appointments/$entity"
    )
    assert body["id"]
    assert body["startDateTime"] == utc("2018-05-01T12:00:00.0000000Z")
    assert body["endDateTime"] == utc("2018-05-01T12:30:00.0000000Z")
    assert body["duration"] == "PT30M"
    assert body["preBuffer"] == "PT5M"
    assert body["postBuffer"] == "PT10M"
    assert body["price"] == 10.0
    assert body["priceType"] == "fixedPrice"
    assert body["serviceId"] == EXAMPLE_SERVICE_ID
    assert body["serviceName"] == "Catered bento"
    assert body["serviceNotes"] == "Customer requires punctual service."
    assert body["maximumAttendeesCount"] == 5
    assert body["filledAttendeesCount"] == 1
    assert body["smsNotificationsEnabled"] is True
    assert body["isLocationOnline"] is True
    assert body["customerTimeZone"] == "America/Chicago"
    assert [reminder["offset"] for reminder in body["reminders"]] == ["P1D", "PT1H", "PT2H"]
    assert body["serviceLocation"]["address"]["city"] == "Buffalo"
    [customer] = body["customers"]
    assert customer["@odata.type"] == CUSTOMER_INFORMATION_TYPE
    assert customer["name"] == "Jordan Miller"
    assert customer["emailAddress"] == "jordanm@contoso.com"
    assert customer["timeZone"] == "America/Chicago"
    assert customer["customQuestionAnswers"][0]["answer"] == "25"


@pytest.mark.parametrize(
    "microsofts_example", ["bookingappointment-create.response.json", "bookingappointment-get.response.json"]
)
def test_created_appointment_has_the_shape_of_microsofts_responses(
    api, business, service, microsofts_example
):
    body = create(api, business, example("bookingappointment-create.request.json"))
    microsofts = example(microsofts_example)

    # joinWebUrl is the Teams meeting link Microsoft's servers create for online appointments; the
    # portal makes no Teams meetings, so it stays null. Every other member Microsoft fills, we fill.
    unset_by_design = {"joinWebUrl"}
    for key, value in microsofts.items():
        assert key in body, f"{key} is missing"
        if value is not None and key not in unset_by_design:
            assert body[key] is not None, f"{key} is null"
    assert_same_shape(body, microsofts)


def test_create_with_an_unknown_customer_id_finds_the_customer_by_email(api, business, service):
    existing = CustomerFactory(
        business=business, display_name="Jordan Miller", email_address="JordanM@contoso.com"
    )

    body = create(api, business, example("bookingappointment-create.request.json"))

    assert body["customers"][0]["customerId"] == str(existing.id)
    assert Customer.objects.filter(business=business).count() == 1


def test_create_with_an_unknown_customer_id_creates_the_customer_from_the_email(api, business, service):
    body = create(api, business, example("bookingappointment-create.request.json"))

    customer = Customer.objects.get(business=business)
    assert customer.email_address == "jordanm@contoso.com"
    assert customer.display_name == "Jordan Miller"
    assert body["customers"][0]["customerId"] == str(customer.id) != EXAMPLE_CUSTOMER_ID


def test_create_with_a_known_customer_id_links_that_customer(api, business, service):
    customer = CustomerFactory(business=business, email_address="someone.else@example.com")
    customers = [
        {"customerId": str(customer.id), "name": "Jordan Miller", "emailAddress": "jordanm@contoso.com"}
    ]

    body = create(api, business, minimal_body(service, customers=customers))

    assert body["customers"][0]["customerId"] == str(customer.id)
    assert Customer.objects.filter(business=business).count() == 1


def test_create_with_learn_2025_start_end_aliases_and_convenience_fields_answers_201(api, business, service):
    StaffMemberFactory(id=uuid.UUID(EXAMPLE_STAFF_ID), business=business)

    response = api.post(
        appointments_path(business), example("bookingappointment-create.learn2025-startend.request.json")
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["startDateTime"] == utc("2018-05-01T12:00:00.0000000Z")
    assert body["endDateTime"] == utc("2018-05-01T12:30:00.0000000Z")
    assert "start" not in body and "end" not in body
    assert body["staffMemberIds"] == [EXAMPLE_STAFF_ID]
    assert body["isCustomerAllowedToManageBooking"] is True
    assert body["customerName"] == "Jordan Miller"
    assert body["customerEmailAddress"] == "jordanm@contoso.com"
    assert body["customerPhone"] == "213-555-0199"
    assert body["filledAttendeesCount"] == 1


def test_create_with_only_the_single_customer_fields_books_that_customer(api, business, service):
    body = minimal_body(
        service,
        customerName="Adele Vance",
        customerEmailAddress="adelev@proseware.com",
        customerPhone="213-555-0156",
        customerNotes="Prefers the window seat.",
    )
    del body["customers"]

    created = create(api, business, body)

    [customer] = created["customers"]
    assert customer["name"] == "Adele Vance"
    assert customer["emailAddress"] == "adelev@proseware.com"
    assert customer["phone"] == "213-555-0156"
    assert customer["notes"] == "Prefers the window seat."
    assert created["customerNotes"] == "Prefers the window seat."
    assert Customer.objects.get(business=business).email_address == "adelev@proseware.com"


@pytest.mark.parametrize(
    ("given_start", "given_end", "stored_start", "stored_end", "duration"),
    [
        pytest.param(
            {"dateTime": "2018-05-01T05:00:00.0000000", "timeZone": "Pacific Standard Time"},
            {"dateTime": "2018-05-01T05:30:00.0000000", "timeZone": "Pacific Standard Time"},
            datetime(2018, 5, 1, 12, 0, tzinfo=UTC),
            datetime(2018, 5, 1, 12, 30, tzinfo=UTC),
            "PT30M",
            id="windows-zone-name-in-summer-time",
        ),
        pytest.param(
            # New York moves from EST (-5) to EDT (-4) at 02:00 that night: two wall-clock hours, one real.
            {"dateTime": "2025-03-09T01:30:00", "timeZone": "America/New_York"},
            {"dateTime": "2025-03-09T03:30:00", "timeZone": "America/New_York"},
            datetime(2025, 3, 9, 6, 30, tzinfo=UTC),
            datetime(2025, 3, 9, 7, 30, tzinfo=UTC),
            "PT1H",
            id="iana-zone-across-dst-start",
        ),
        pytest.param(
            {"dateTime": "2025-11-02T00:30:00", "timeZone": "America/Chicago"},
            {"dateTime": "2025-11-02T03:30:00", "timeZone": "America/Chicago"},
            datetime(2025, 11, 2, 5, 30, tzinfo=UTC),
            datetime(2025, 11, 2, 9, 30, tzinfo=UTC),
            "PT4H",
            id="iana-zone-across-dst-end",
        ),
        pytest.param(
            # An offset inside dateTime wins over timeZone, as Microsoft's request samples rely on.
            {"dateTime": "2018-05-01T12:00:00.0000000+00:00", "timeZone": "Pacific Standard Time"},
            {"dateTime": "2018-05-01T14:30:00+02:00", "timeZone": "UTC"},
            datetime(2018, 5, 1, 12, 0, tzinfo=UTC),
            datetime(2018, 5, 1, 12, 30, tzinfo=UTC),
            "PT30M",
            id="offset-inside-datetime",
        ),
    ],
)
def test_times_given_in_another_zone_are_stored_and_returned_in_utc(
    api, business, service, given_start, given_end, stored_start, stored_end, duration
):
    body = create(api, business, minimal_body(service, startDateTime=given_start, endDateTime=given_end))

    appointment = Appointment.objects.get(pk=body["id"])
    assert (appointment.start, appointment.end) == (stored_start, stored_end)
    assert body["startDateTime"] == utc(stored_start.strftime("%Y-%m-%dT%H:%M:%S.0000000Z"))
    assert body["endDateTime"] == utc(stored_end.strftime("%Y-%m-%dT%H:%M:%S.0000000Z"))
    assert body["duration"] == duration


def test_create_without_optional_members_takes_them_from_the_service(api, business):
    service = ServiceFactory(
        business=business,
        display_name="Bento tasting",
        default_duration=timedelta(minutes=45),
        default_price=25.5,
        default_price_type="fixedPrice",
        pre_buffer=timedelta(minutes=10),
        post_buffer=timedelta(minutes=5),
        maximum_attendees_count=3,
        is_location_online=True,
        default_reminders=(Reminder(offset=timedelta(days=1), message="See you tomorrow"),),
    )

    body = create(
        api,
        business,
        {
            "serviceId": str(service.id),
            "startDateTime": {"dateTime": "2030-05-06T15:00:00", "timeZone": "UTC"},
        },
    )

    assert body["serviceName"] == "Bento tasting"
    assert body["price"] == 25.5
    assert body["priceType"] == "fixedPrice"
    assert body["preBuffer"] == "PT10M"
    assert body["postBuffer"] == "PT5M"
    assert body["maximumAttendeesCount"] == 3
    assert body["isLocationOnline"] is True
    assert body["reminders"] == [
        {"offset": "P1D", "recipients": "allAttendees", "message": "See you tomorrow"}
    ]
    assert body["endDateTime"] == utc("2030-05-06T15:45:00.0000000Z")
    assert body["duration"] == "PT45M"
    assert body["customers"] == [] and body["filledAttendeesCount"] == 0


def test_members_given_on_create_override_the_services_defaults(api, business):
    service = ServiceFactory(
        business=business, default_price=25.0, pre_buffer=timedelta(minutes=10), is_location_online=True
    )

    body = create(
        api,
        business,
        minimal_body(
            service,
            price=0.0,
            priceType="free",
            preBuffer="PT0S",
            isLocationOnline=False,
            serviceName="Tasting (comped)",
        ),
    )

    assert (body["price"], body["priceType"], body["preBuffer"]) == (0.0, "free", "PT0S")
    assert body["isLocationOnline"] is False
    assert body["serviceName"] == "Tasting (comped)"


def test_create_books_the_staff_members_and_blocks_their_time_with_the_buffers(api, business, service):
    dana, alex = StaffMemberFactory(business=business), StaffMemberFactory(business=business)

    body = create(
        api,
        business,
        minimal_body(
            service, staffMemberIds=[str(dana.id), str(alex.id)], preBuffer="PT5M", postBuffer="PT10M"
        ),
    )

    assert sorted(body["staffMemberIds"]) == sorted([str(dana.id), str(alex.id)])
    rows = AppointmentStaff.objects.filter(appointment_id=body["id"])
    assert {(row.blocked_start, row.blocked_end) for row in rows} == {
        (datetime(2030, 5, 6, 14, 55, tzinfo=UTC), datetime(2030, 5, 6, 15, 40, tzinfo=UTC))
    }
    assert rows.count() == 2


# --- Bad input -----------------------------------------------------------------------------------


def _without(name: str):
    def change(body: dict[str, Any]) -> None:
        del body[name]

    return change


def _setting(name: str, value: Any):
    def change(body: dict[str, Any]) -> None:
        body[name] = value

    return change


def _starting_without_end(start: str):
    def change(body: dict[str, Any]) -> None:
        body["startDateTime"] = {"dateTime": start, "timeZone": "UTC"}
        del body["endDateTime"]

    return change


def _too_many_customers(body: dict[str, Any]) -> None:
    body["customers"] = [{"name": f"Guest {n}", "emailAddress": f"guest{n}@example.com"} for n in range(6)]


@pytest.mark.parametrize(
    ("change", "member"),
    [
        pytest.param(_setting("serviceId", UNKNOWN_ID), "serviceId", id="unknown-serviceId"),
        pytest.param(_without("serviceId"), "serviceId", id="missing-serviceId"),
        pytest.param(_without("startDateTime"), "startDateTime", id="missing-startDateTime"),
        pytest.param(
            _setting("endDateTime", {"dateTime": "2030-05-06T14:00:00", "timeZone": "UTC"}),
            "endDateTime",
            id="end-before-start",
        ),
        pytest.param(
            _setting("endDateTime", {"dateTime": "2030-05-06T15:00:00", "timeZone": "UTC"}),
            "endDateTime",
            id="end-equal-to-start",
        ),
        pytest.param(
            _setting("startDateTime", {"dateTime": "next tuesday", "timeZone": "UTC"}),
            "startDateTime",
            id="dateTime-garbage",
        ),
        pytest.param(
            _setting("startDateTime", {"dateTime": "2030-02-30T15:00:00", "timeZone": "UTC"}),
            "startDateTime",
            id="dateTime-impossible-date",
        ),
        pytest.param(
            _setting("startDateTime", "2030-05-06T15:00:00Z"), "startDateTime", id="dateTime-not-an-object"
        ),
        pytest.param(
            _setting("startDateTime", {"dateTime": "2030-05-06T15:00:00", "timeZone": "Mars/Olympus_Mons"}),
            "startDateTime",
            id="unknown-timeZone",
        ),
        pytest.param(
            _setting("startDateTime", {"dateTime": "0001-01-01T00:00:00+01:00", "timeZone": "UTC"}),
            "startDateTime",
            id="utc-value-before-year-1",
        ),
        pytest.param(
            _setting("endDateTime", {"dateTime": "9999-12-31T23:00:00", "timeZone": "Pacific Standard Time"}),
            "endDateTime",
            id="utc-value-after-year-9999",
        ),
        pytest.param(
            _starting_without_end("9999-12-31T23:59:00"),
            "startDateTime",
            id="default-duration-past-year-9999",
        ),
        pytest.param(_setting("staffMemberIds", [UNKNOWN_ID]), "staffMemberIds", id="unknown-staffMemberIds"),
        pytest.param(_too_many_customers, "customers", id="more-customers-than-maximumAttendeesCount"),
        pytest.param(_setting("price", "10"), "price", id="price-as-string"),
        pytest.param(_setting("priceType", "cheap"), "priceType", id="unknown-priceType"),
        pytest.param(_setting("preBuffer", "5 minutes"), "preBuffer", id="malformed-duration"),
        pytest.param(_setting("maximumAttendeesCount", "5"), "maximumAttendeesCount", id="count-as-string"),
        pytest.param(
            _setting("smsNotificationsEnabled", 1), "smsNotificationsEnabled", id="boolean-as-number"
        ),
        pytest.param(
            _setting("customerTimeZone", "Nowhere/Special"), "customerTimeZone", id="unknown-customerTimeZone"
        ),
        pytest.param(_setting("serviceName", "x" * 5000), "serviceName", id="huge-serviceName"),
    ],
)
def test_bad_appointment_is_refused_with_an_odata_error_naming_the_member(
    api, business, service, change, member
):
    body = minimal_body(service)
    change(body)

    response = api.post(appointments_path(business), body)

    error = assert_odata_error(response, 400)
    assert member in error["message"]
    assert member in {detail["target"].split(".")[0].split("[")[0] for detail in error.get("details", [])}
    assert not Appointment.objects.exists()


def test_non_json_body_is_refused_with_an_odata_error(api, business, service):
    response = api.post(
        appointments_path(business), data="{serviceId: nope", format=None, content_type="application/json"
    )

    assert assert_odata_error(response, 400)["code"] == "BadRequest"
    assert not Appointment.objects.exists()


def test_json_that_is_not_an_object_is_refused_with_an_odata_error(api, business, service):
    response = api.post(
        appointments_path(business), data="[1, 2]", format=None, content_type="application/json"
    )

    assert_odata_error(response, 400)


def test_create_in_an_unknown_business_answers_404_nonexistent_mailbox(api, service):
    response = api.post("bookingBusinesses/nobody@contoso.com/appointments", minimal_body(service))

    assert assert_odata_error(response, 404)["code"] == "ErrorNonExistentMailbox"


def test_a_service_of_another_business_cannot_be_booked(api, business):
    foreign = ServiceFactory(business=BusinessFactory())

    response = api.post(appointments_path(business), minimal_body(foreign))

    assert "serviceId" in assert_odata_error(response, 400)["message"]


# --- List and get --------------------------------------------------------------------------------


def _appointment_with_notes(api, business, service, **overrides) -> dict[str, Any]:
    customers = [
        {"name": "Jordan Miller", "emailAddress": "jordanm@contoso.com", "notes": "Allergic to nuts."}
    ]
    return create(
        api,
        business,
        minimal_body(
            service,
            serviceNotes="Customer requires punctual service.",
            customers=customers,
            reminders=[{"offset": "PT1H", "recipients": "customer", "message": "In an hour"}],
            **overrides,
        ),
    )


def test_list_answers_a_value_envelope_without_the_by_id_only_members(api, business, service):
    created = _appointment_with_notes(api, business, service)

    response = api.get(appointments_path(business))

    assert response.status_code == 200
    body = response.json()
    assert body["@odata.context"].endswith(
        "#bookingBusinesses('Contosolunchdelivery%40contoso.onmicrosoft.com')/appointments"
    )
    [item] = body["value"]
    assert item["id"] == created["id"]
    assert item["serviceNotes"] is None
    assert item["reminders"] == []
    assert item["customerNotes"] is None
    assert item["customers"][0]["notes"] is None
    assert item["customers"][0]["@odata.type"] == CUSTOMER_INFORMATION_TYPE
    assert item["startDateTime"] == utc("2030-05-06T15:00:00.0000000Z")
    assert "@odata.nextLink" not in body


def test_list_has_the_shape_of_microsofts_list_example(api, business, service):
    create(api, business, example("bookingappointment-create.request.json"))

    body = api.get(appointments_path(business)).json()

    microsofts = example("bookingbusiness-list-appointments.response.json")
    assert set(microsofts) <= set(body)
    assert_same_shape(body["value"][0], microsofts["value"][0])


def test_list_is_ordered_by_start_and_only_shows_the_businesss_appointments(api, business, service):
    later = AppointmentFactory(business=business, service=service, start=datetime(2030, 5, 7, 9, tzinfo=UTC))
    earlier = AppointmentFactory(
        business=business, service=service, start=datetime(2030, 5, 6, 9, tzinfo=UTC)
    )
    AppointmentFactory()  # another business's

    ids = [item["id"] for item in api.get(appointments_path(business)).json()["value"]]

    assert ids == [str(earlier.id), str(later.id)]


def test_get_by_id_includes_the_by_id_only_members(api, business, service):
    created = _appointment_with_notes(api, business, service)

    body = get(api, business, created["id"])

    assert body["@odata.context"].endswith("/appointments/$entity")
    assert body["serviceNotes"] == "Customer requires punctual service."
    assert body["reminders"] == [{"offset": "PT1H", "recipients": "customer", "message": "In an hour"}]
    assert body["customers"][0]["notes"] == "Allergic to nuts."
    assert body["customerNotes"] == "Allergic to nuts."


def test_get_by_percent_encoded_graph_id_with_slash_plus_and_equals_answers_200(api, business, service):
    appointment = AppointmentFactory(business=business, service=service, graph_id=AWKWARD_GRAPH_ID)

    response = api.get(f"bookingBusinesses/{business.graph_id}/appointments/AAMkADc7zF4J0AAA8v%2FKnAAA%2B%3D")

    assert response.status_code == 200, response.json()
    assert response.json()["id"] == str(appointment.id)


def test_get_under_calendar_view_reads_the_same_appointment(api, business, service):
    appointment = AppointmentFactory(business=business, service=service, graph_id=AWKWARD_GRAPH_ID)

    response = api.get(
        f"bookingBusinesses/{business.graph_id}/calendarView/{quote(AWKWARD_GRAPH_ID, safe='')}"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["id"] == str(appointment.id)


@pytest.mark.parametrize("item_id", [UNKNOWN_ID, "AAMkADnothere=", "not/an/id"])
def test_get_unknown_appointment_answers_404_odata_error(api, business, item_id):
    response = api.get(appointments_path(business, item_id))

    assert assert_odata_error(response, 404)["code"] == "ErrorItemNotFound"


def test_appointment_of_another_business_is_not_found(api, business, service):
    foreign = AppointmentFactory()

    response = api.get(appointments_path(business, str(foreign.id)))

    assert_odata_error(response, 404)


def test_listing_many_appointments_costs_a_constant_number_of_queries(
    api, business, service, django_assert_max_num_queries
):
    staff = [StaffMemberFactory(business=business) for _ in range(3)]
    customers = [CustomerFactory(business=business) for _ in range(3)]
    for n in range(30):
        booking.create_appointment(
            business=business,
            service=service,
            start=datetime(2030, 5, 6, 8, tzinfo=UTC) + timedelta(hours=n),
            staff_members=staff[: 1 + n % 3],
            customers=[booking.CustomerDetails(customer_id=str(c.id)) for c in customers[: 1 + n % 3]],
        )

    with django_assert_max_num_queries(6):
        response = api.get(appointments_path(business))

    items = response.json()["value"]
    assert len(items) == 30
    assert {len(item["staffMemberIds"]) for item in items} == {1, 2, 3}
    assert {len(item["customers"]) for item in items} == {1, 2, 3}


# --- PATCH ---------------------------------------------------------------------------------------


def test_patch_with_microsofts_example_answers_204_and_moves_the_appointment(api, business, service):
    created = create(api, business, example("bookingappointment-create.request.json"))

    response = api.patch(
        appointments_path(business, created["id"]), example("bookingappointment-update.request.json")
    )

    assert response.status_code == 204
    assert response.content == b""
    body = get(api, business, created["id"])
    assert body["startDateTime"] == utc("2018-05-06T12:00:00.0000000Z")
    assert body["endDateTime"] == utc("2018-05-06T12:30:00.0000000Z")
    assert body["duration"] == "PT30M"


def test_partial_patch_changes_only_the_given_members(api, business, service):
    dana = StaffMemberFactory(business=business)
    created = _appointment_with_notes(api, business, service, staffMemberIds=[str(dana.id)], price=10.0)

    response = api.patch(appointments_path(business, created["id"]), {"price": 12.5})

    assert response.status_code == 204
    body = get(api, business, created["id"])
    assert body["price"] == 12.5
    unchanged = {key: value for key, value in created.items() if key not in ("price", "lastUpdatedDateTime")}
    assert {key: body[key] for key in unchanged} == unchanged


def test_patch_ignores_read_only_and_create_only_members(api, business, service):
    created = _appointment_with_notes(api, business, service)

    response = api.patch(
        appointments_path(business, created["id"]),
        {
            "id": "AAMkADhijack=",
            "duration": "PT5H",
            "filledAttendeesCount": 9,
            "customerNotes": "Changed my mind.",
            "selfServiceAppointmentId": "11111111-1111-1111-1111-111111111111",
        },
    )

    assert response.status_code == 204
    body = get(api, business, created["id"])
    assert body["duration"] == "PT30M"
    assert body["filledAttendeesCount"] == 1
    assert body["customerNotes"] == "Allergic to nuts."
    assert body["selfServiceAppointmentId"] == "00000000-0000-0000-0000-000000000000"


def test_patch_to_another_service_takes_its_name_unless_one_is_given(api, business, service):
    tasting = ServiceFactory(business=business, display_name="Bento tasting")
    created = create(api, business, minimal_body(service))

    api.patch(appointments_path(business, created["id"]), {"serviceId": str(tasting.id)})
    moved = get(api, business, created["id"])
    api.patch(
        appointments_path(business, created["id"]), {"serviceId": str(service.id), "serviceName": "Bento!"}
    )
    renamed = get(api, business, created["id"])

    assert (moved["serviceId"], moved["serviceName"]) == (str(tasting.id), "Bento tasting")
    assert (renamed["serviceId"], renamed["serviceName"]) == (str(service.id), "Bento!")


def test_patch_moves_the_staff_members_blocked_time_with_the_new_times_and_buffers(api, business, service):
    dana = StaffMemberFactory(business=business)
    created = create(api, business, minimal_body(service, staffMemberIds=[str(dana.id)]))

    response = api.patch(
        appointments_path(business, created["id"]),
        {
            "startDateTime": {"dateTime": "2030-05-07T09:00:00", "timeZone": "UTC"},
            "endDateTime": {"dateTime": "2030-05-07T10:00:00", "timeZone": "UTC"},
            "preBuffer": "PT15M",
            "postBuffer": "PT20M",
        },
    )

    assert response.status_code == 204
    row = AppointmentStaff.objects.get(appointment_id=created["id"])
    assert (row.blocked_start, row.blocked_end) == (
        datetime(2030, 5, 7, 8, 45, tzinfo=UTC),
        datetime(2030, 5, 7, 10, 20, tzinfo=UTC),
    )


def test_patch_of_buffers_alone_moves_the_blocked_time(api, business, service):
    dana = StaffMemberFactory(business=business)
    created = create(api, business, minimal_body(service, staffMemberIds=[str(dana.id)]))

    api.patch(appointments_path(business, created["id"]), {"postBuffer": "PT1H"})

    row = AppointmentStaff.objects.get(appointment_id=created["id"])
    assert (row.blocked_start, row.blocked_end) == (
        datetime(2030, 5, 6, 15, 0, tzinfo=UTC),
        datetime(2030, 5, 6, 16, 30, tzinfo=UTC),
    )


def test_patch_of_staff_member_ids_replaces_the_staff(api, business, service):
    dana, alex = StaffMemberFactory(business=business), StaffMemberFactory(business=business)
    created = create(api, business, minimal_body(service, staffMemberIds=[str(dana.id)]))

    api.patch(appointments_path(business, created["id"]), {"staffMemberIds": [str(alex.id)]})

    assert get(api, business, created["id"])["staffMemberIds"] == [str(alex.id)]
    assert list(
        AppointmentStaff.objects.filter(appointment_id=created["id"]).values_list("staff_member", flat=True)
    ) == [alex.id]


def test_patch_of_only_the_end_before_the_stored_start_is_refused(api, business, service):
    created = create(api, business, minimal_body(service))

    response = api.patch(
        appointments_path(business, created["id"]),
        {
            "endDateTime": {"dateTime": "2030-05-06T14:00:00", "timeZone": "UTC"},
        },
    )

    assert "endDateTime" in assert_odata_error(response, 400)["message"]
    assert get(api, business, created["id"])["endDateTime"] == utc("2030-05-06T15:30:00.0000000Z")


def test_patch_lowering_maximum_attendees_below_the_booked_customers_is_refused(api, business, service):
    customers = [{"name": f"Guest {n}", "emailAddress": f"guest{n}@example.com"} for n in range(3)]
    created = create(api, business, minimal_body(service, customers=customers))

    response = api.patch(appointments_path(business, created["id"]), {"maximumAttendeesCount": 2})

    assert "maximumAttendeesCount" in assert_odata_error(response, 400)["message"]
    assert get(api, business, created["id"])["maximumAttendeesCount"] == 5


@pytest.mark.parametrize(
    ("patch", "member"),
    [
        ({"price": "10"}, "price"),
        ({"priceType": "cheap"}, "priceType"),
        ({"startDateTime": {"dateTime": "garbage", "timeZone": "UTC"}}, "startDateTime"),
        ({"staffMemberIds": [UNKNOWN_ID]}, "staffMemberIds"),
        ({"serviceId": UNKNOWN_ID}, "serviceId"),
    ],
)
def test_bad_patch_is_refused_with_an_odata_error_and_changes_nothing(api, business, service, patch, member):
    created = create(api, business, minimal_body(service))

    response = api.patch(appointments_path(business, created["id"]), patch)

    assert member in assert_odata_error(response, 400)["message"]
    body = get(api, business, created["id"])
    assert {key: body[key] for key in created if key != "lastUpdatedDateTime"} == {
        key: value for key, value in created.items() if key != "lastUpdatedDateTime"
    }


def test_patch_of_unknown_appointment_answers_404(api, business, service):
    response = api.patch(appointments_path(business, "AAMkADnothere="), {"price": 1.0})

    assert assert_odata_error(response, 404)["code"] == "ErrorItemNotFound"


# --- Cancel and DELETE ---------------------------------------------------------------------------


def test_cancel_with_microsofts_example_answers_204_and_the_appointment_is_gone(api, business, service):
    created = create(api, business, example("bookingappointment-create.request.json"))

    response = api.post(
        appointments_path(business, created["id"], "/cancel"),
        example("bookingappointment-cancel.request.json"),
    )

    assert response.status_code == 204
    assert response.content == b""
    assert_odata_error(api.get(appointments_path(business, created["id"])), 404)
    assert api.get(appointments_path(business)).json()["value"] == []
    calendar = api.get(
        f"bookingBusinesses/{business.graph_id}/calendarView",
        {"start": "2018-05-01T00:00:00Z", "end": "2018-05-02T00:00:00Z"},
    )
    assert calendar.json()["value"] == []
    appointment = Appointment.objects.get(pk=created["id"])
    assert appointment.is_cancelled
    assert (
        appointment.cancellation_message
        == example("bookingappointment-cancel.request.json")["cancellationMessage"]
    )


def test_cancel_by_percent_encoded_graph_id_answers_204(api, business, service):
    appointment = AppointmentFactory(business=business, service=service, graph_id=AWKWARD_GRAPH_ID)

    response = api.post(
        f"bookingBusinesses/{business.graph_id}/appointments/AAMkADc7zF4J0AAA8v%2FKnAAA%2B%3D/cancel",
        {"cancellationMessage": "Kitchen closed."},
    )

    assert response.status_code == 204, response.content
    appointment.refresh_from_db()
    assert appointment.is_cancelled
    assert appointment.cancellation_message == "Kitchen closed."


def test_cancel_without_a_body_answers_204(api, business, service):
    appointment = AppointmentFactory(business=business, service=service)

    response = api.post(appointments_path(business, str(appointment.id), "/cancel"))

    assert response.status_code == 204


def test_cancel_under_calendar_view_cancels_the_same_appointment(api, business, service):
    appointment = AppointmentFactory(business=business, service=service, graph_id=AWKWARD_GRAPH_ID)

    response = api.post(
        f"bookingBusinesses/{business.graph_id}/calendarView/{quote(AWKWARD_GRAPH_ID, safe='')}/cancel",
        example("bookingappointment-cancel.request.json"),
    )

    assert response.status_code == 204, response.content
    appointment.refresh_from_db()
    assert appointment.is_cancelled


@pytest.mark.parametrize("item_id", [UNKNOWN_ID, AWKWARD_GRAPH_ID])
def test_cancel_of_unknown_appointment_answers_404_odata_error(api, business, item_id):
    response = api.post(
        appointments_path(business, item_id, "/cancel"), example("bookingappointment-cancel.request.json")
    )

    assert assert_odata_error(response, 404)["code"] == "ErrorItemNotFound"


def test_cancel_of_an_already_cancelled_appointment_answers_404(api, business, service):
    appointment = AppointmentFactory(business=business, service=service)
    api.post(appointments_path(business, str(appointment.id), "/cancel"), {"cancellationMessage": "Once."})

    response = api.post(
        appointments_path(business, str(appointment.id), "/cancel"), {"cancellationMessage": "Twice."}
    )

    assert_odata_error(response, 404)
    appointment.refresh_from_db()
    assert appointment.cancellation_message == "Once."


def test_cancel_with_a_non_string_message_is_refused(api, business, service):
    appointment = AppointmentFactory(business=business, service=service)

    response = api.post(
        appointments_path(business, str(appointment.id), "/cancel"), {"cancellationMessage": 42}
    )

    assert "cancellationMessage" in assert_odata_error(response, 400)["message"]
    appointment.refresh_from_db()
    assert not appointment.is_cancelled


def test_cancel_answers_405_to_get(api, business, service):
    appointment = AppointmentFactory(business=business, service=service)

    response = api.get(appointments_path(business, str(appointment.id), "/cancel"))

    assert_odata_error(response, 405)


def test_delete_answers_204_and_then_the_appointment_is_not_found(api, business, service):
    appointment = AppointmentFactory(business=business, service=service, graph_id=AWKWARD_GRAPH_ID)

    response = api.delete(appointments_path(business, AWKWARD_GRAPH_ID))

    assert response.status_code == 204
    assert response.content == b""
    assert_odata_error(api.get(appointments_path(business, str(appointment.id))), 404)
    assert_odata_error(api.delete(appointments_path(business, str(appointment.id))), 404)
    assert api.get(appointments_path(business)).json()["value"] == []


def test_anonymous_requests_get_401_in_odata_shape(anonymous, business, service):
    response = anonymous.get(appointments_path(business))

    assert assert_odata_error(response, 401)["code"] == "InvalidAuthenticationToken"
