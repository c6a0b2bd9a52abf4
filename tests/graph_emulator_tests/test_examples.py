"""Microsoft's example bodies against the emulator over HTTP: every request example is accepted with
the documented status, and responses have the shape of Microsoft's response examples (every member
of the example present, with the same JSON type where the example's value is not null)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.api.graph_assertions import assert_same_shape

from .support import (
    BENTO,
    CONTOSO,
    EXAMPLES,
    FABRIKAM,
    LUNCH_APPOINTMENT,
    app_client,
    business_path,
    client,
    example,
    odata_error,
)

SAMANTHA = "71d64d0e-7225-49b6-b0b1-070d476cda51"
AVAILABILITY_STAFF = "311a5454-08b2-4560-ba1c-f715e938cb79"  # the staff id in Microsoft's example

# (request example, method, path, token, expected status, response example to compare with)
WRITES = [
    (
        "bookingbusiness-create.request.json",
        "POST",
        "/solutions/bookingBusinesses",
        "delegated",
        201,
        "bookingbusiness-create.response.json",
    ),
    (
        "bookingbusiness-create.minimal.request.json",
        "POST",
        "/solutions/bookingBusinesses",
        "delegated",
        201,
        None,
    ),
    ("bookingbusiness-update.request.json", "PATCH", business_path(FABRIKAM), "delegated", 204, None),
    (
        "bookingservice-create.request.json",
        "POST",
        business_path(CONTOSO, "services"),
        "app",
        201,
        "bookingservice-create.response.json",
    ),
    (
        "bookingservice-create.minimal.request.json",
        "POST",
        business_path(CONTOSO, "services"),
        "app",
        201,
        None,
    ),
    (
        "bookingservice-update.request.json",
        "PATCH",
        business_path(CONTOSO, "services", BENTO),
        "app",
        204,
        None,
    ),
    (
        "bookingstaffmember-create.request.json",
        "POST",
        business_path(CONTOSO, "staffMembers"),
        "delegated",
        201,
        "bookingstaffmember-create.response.json",
    ),
    (
        "bookingstaffmember-create.minimal.request.json",
        "POST",
        business_path(CONTOSO, "staffMembers"),
        "app",
        201,
        None,
    ),
    (
        "bookingstaffmember-update.request.json",
        "PATCH",
        business_path(CONTOSO, "staffmembers", SAMANTHA),
        "app",
        204,
        None,
    ),
    (
        "bookingcustomer-create.request.json",
        "POST",
        business_path(CONTOSO, "customers"),
        "app",
        201,
        "bookingcustomer-create.response.json",
    ),
    (
        "bookingcustomer-update.request.json",
        "PATCH",
        business_path(CONTOSO, "customers", "8bb19078-0f45-4efb-b2c5-da78b860f73a"),
        "app",
        200,
        "bookingcustomer-update.response.json",
    ),
    (
        "bookingcustomquestion-create.request.json",
        "POST",
        business_path(CONTOSO, "customQuestions"),
        "app",
        201,
        "bookingcustomquestion-create.response.json",
    ),
    (
        "bookingcustomquestion-update.request.json",
        "PATCH",
        business_path(CONTOSO, "customQuestions", "3bc6fde0-4ad3-445d-ab17-0fc15dba0774"),
        "app",
        200,
        "bookingcustomquestion-update.response.json",
    ),
    (
        "bookingappointment-create.request.json",
        "POST",
        business_path(CONTOSO, "appointments"),
        "app",
        201,
        "bookingappointment-create.response.json",
    ),
    (
        "bookingappointment-create.learn2025-startend.request.json",
        "POST",
        business_path(CONTOSO, "appointments"),
        "delegated",
        201,
        "bookingappointment-create.response.json",
    ),
    (
        "bookingappointment-update.request.json",
        "PATCH",
        business_path(CONTOSO, "appointments", LUNCH_APPOINTMENT),
        "app",
        204,
        None,
    ),
    (
        "bookingappointment-cancel.request.json",
        "POST",
        business_path(CONTOSO, "appointments", LUNCH_APPOINTMENT, "cancel"),
        "app",
        204,
        None,
    ),
    (
        "bookingbusiness-getstaffavailability.request.json",
        "POST",
        business_path(CONTOSO, "getStaffAvailability"),
        "app",
        200,
        None,
    ),
    ("batch.request.json", "POST", "/$batch", "delegated", 200, None),
    ("batch-dependson.request.json", "POST", "/$batch", "delegated", 200, None),
]

# (path, token, response example, how to pick the comparable part of Microsoft's example)
READS = [
    ("/solutions/bookingBusinesses", "delegated", "bookingbusiness-list.response.json", None),
    (
        "/solutions/bookingBusinesses?query=Contoso",
        "delegated",
        "bookingbusiness-list-query.response.json",
        None,
    ),
    (business_path(FABRIKAM.lower()), "app", "bookingbusiness-get.response.json", None),
    (business_path(CONTOSO, "appointments"), "app", "bookingbusiness-list-appointments.response.json", None),
    (
        business_path(CONTOSO, "calendarView") + "?start=2018-04-30T00:00:00Z&end=2018-05-10T00:00:00Z",
        "app",
        "bookingbusiness-list-calendarview.response.json",
        None,
    ),
    (business_path(CONTOSO, "customers"), "app", "bookingbusiness-list-customers.response.json", None),
    (
        business_path(CONTOSO, "customQuestions"),
        "app",
        "bookingbusiness-list-customquestions.response.json",
        None,
    ),
    (business_path(CONTOSO, "services"), "app", "bookingbusiness-list-services.response.json", None),
    (business_path(CONTOSO, "staffMembers"), "app", "bookingbusiness-list-staffmembers.response.json", None),
    (
        business_path(CONTOSO, "appointments", LUNCH_APPOINTMENT),
        "app",
        "bookingappointment-get.response.json",
        None,
    ),
    (
        business_path(CONTOSO, "customers", "8bb19078-0f45-4efb-b2c5-da78b860f73a"),
        "app",
        "bookingcustomer-get.response.json",
        None,
    ),
    # The docs wrap this one in {"value": {...}} by mistake (contract §10.4); Graph returns the entity.
    (
        business_path(CONTOSO, "customQuestions", "3bc6fde0-4ad3-445d-ab17-0fc15dba0774"),
        "app",
        "bookingcustomquestion-get.response.json",
        "value",
    ),
    (business_path(CONTOSO, "services", BENTO), "app", "bookingservice-get.response.json", None),
    (business_path(CONTOSO, "staffMembers", SAMANTHA), "app", "bookingstaffmember-get.response.json", None),
    ("/solutions/bookingCurrencies", "delegated", "bookingcurrency-list.response.json", None),
    ("/solutions/bookingCurrencies/USD", "delegated", "bookingcurrency-get.response.json", None),
    (
        business_path("nobody@contoso.onmicrosoft.com"),
        "app",
        "bookings-error-nonexistent-mailbox.response.json",
        None,
    ),
    (
        business_path("nobody@contoso.onmicrosoft.com"),
        "app",
        "bookings-error-folder-not-found.response.json",
        None,
    ),
    (
        business_path(CONTOSO, "services", "00000000-0000-0000-0000-000000000001"),
        "app",
        "odata-error.example.json",
        None,
    ),
]


def _client(emulator, token: str):
    return app_client(emulator) if token == "app" else client(emulator)


@pytest.mark.parametrize(
    ("request_file", "method", "path", "token", "status", "response_file"), WRITES, ids=[w[0] for w in WRITES]
)
def test_request_example_is_accepted(demo_emulator, request_file, method, path, token, status, response_file):
    if request_file.startswith("bookingbusiness-getstaffavailability"):
        demo_emulator.add_staff_member(
            CONTOSO,
            {
                "id": AVAILABILITY_STAFF,
                "displayName": "Example",
                "emailAddress": "e@contoso.com",
                "role": "guest",
            },
        )
    with _client(demo_emulator, token) as http:
        response = http.request(method, path, json=example(request_file))
    assert response.status_code == status, response.text[:800]
    if status == 204:
        assert response.content == b""
    if response_file:
        assert_same_shape(response.json(), example(response_file))


@pytest.mark.parametrize(("path", "token", "response_file", "part"), READS, ids=[r[2] for r in READS])
def test_response_has_the_shape_of_the_example(demo_emulator, path, token, response_file, part):
    with _client(demo_emulator, token) as http:
        response = http.get(path)
    microsoft: Any = example(response_file)
    if part:
        microsoft = microsoft[part]
    if "error" in microsoft:
        assert response.status_code == 404
    else:
        assert response.status_code == 200, response.text[:800]
    assert_same_shape(response.json(), microsoft)


def test_staff_availability_has_the_shape_of_the_example(demo_emulator):
    """The doc's sample names its array ``staffAvailabilityItem``; v1.0 (and the SDK) use ``value``."""
    demo_emulator.add_staff_member(
        CONTOSO,
        {
            "id": AVAILABILITY_STAFF,
            "displayName": "Example",
            "emailAddress": "e@contoso.com",
            "role": "guest",
        },
    )
    with app_client(demo_emulator) as http:
        response = http.post(
            business_path(CONTOSO, "getStaffAvailability"),
            json=example("bookingbusiness-getstaffavailability.request.json"),
        )
    assert response.status_code == 200
    microsoft = {
        "value": example("bookingbusiness-getstaffavailability.response.json")["staffAvailabilityItem"]
    }
    assert_same_shape(response.json(), microsoft)


def test_injected_500_has_the_shape_of_the_observed_bookings_500(demo_emulator):
    demo_emulator.faults.add(method="GET", path=r"/services$", status=500)
    with app_client(demo_emulator) as http:
        response = http.get(business_path(CONTOSO, "services"))
    error = odata_error(response, 500, code="")
    assert error["message"] == "An error has occurred."
    assert_same_shape(response.json(), example("bookings-error-generic-500.response.json"))


def test_batch_response_has_the_envelope_of_the_example(demo_emulator):
    body = {
        "requests": [{"id": "1", "method": "GET", "url": f"/solutions/bookingBusinesses/{CONTOSO}/services"}]
    }
    with client(demo_emulator) as http:
        response = http.post("/$batch", json=body)
    microsoft = example("batch.response.json")["responses"][0]
    ours = response.json()["responses"][0]
    assert set(ours) >= {"id", "status", "headers", "body"}
    assert set(ours["headers"]) >= {"Cache-Control", "OData-Version", "Content-Type"}
    assert_same_shape({k: ours[k] for k in ("id", "status")}, {k: microsoft[k] for k in ("id", "status")})
    assert set(ours["body"]) >= {"@odata.context", "value"}


def test_every_example_file_is_exercised():
    """A new example in the folder must be added to one of the tables above."""
    used = {w[0] for w in WRITES} | {w[5] for w in WRITES if w[5]} | {r[2] for r in READS}
    used |= {
        "bookingbusiness-getstaffavailability.response.json",
        "bookings-error-generic-500.response.json",
        "batch.response.json",
    }
    assert {p.name for p in Path(EXAMPLES).glob("*.json")} - used == set()
