"""``/solutions/bookingBusinesses/{id}/staffMembers``: the people who deliver services.

Graph: list and get answer 200, create 201 with the full entity, PATCH 204 with no body, DELETE
204. ``displayName``, ``emailAddress`` and ``role`` are required on create.
"""

import uuid
from urllib.parse import quote

import pytest

from bookings.enums import StaffRole
from tests.api.conftest import MAILBOX
from tests.api.graph_assertions import (
    Resource,
    assert_odata_error,
    assert_same_shape,
    business_context,
)
from tests.conftest import example
from tests.factories import ServiceFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

STAFF_TYPE = "#microsoft.graph.bookingStaffMember"


STAFF = Resource("staffMembers")
staff_path = STAFF.path


create = STAFF.create


def valid_body(**changes):
    return {**example("bookingstaffmember-create.minimal.request.json"), **changes}


# --- List -----------------------------------------------------------------------------------------


def test_list_answers_a_value_envelope_with_the_business_context_and_typed_items(api, business):
    dana = StaffMemberFactory(business=business, display_name="Dana Swope")
    StaffMemberFactory(business=business, display_name="Samantha Booth")

    response = api.get(staff_path(business))

    assert response.status_code == 200
    body = response.json()
    assert body["@odata.context"] == business_context(MAILBOX, "staffMembers")
    assert "Contosolunchdelivery%40contoso.onmicrosoft.com" in body["@odata.context"]
    assert [item["displayName"] for item in body["value"]] == ["Dana Swope", "Samantha Booth"]
    assert all(item["@odata.type"] == STAFF_TYPE for item in body["value"])
    assert body["value"][0]["id"] == str(dana.pk)
    assert "@odata.nextLink" not in body


def test_listed_staff_members_have_the_shape_of_microsofts_list_example(api, business):
    StaffMemberFactory(business=business, role=StaffRole.EXTERNAL_GUEST)
    microsoft = example("bookingbusiness-list-staffmembers.response.json")

    body = api.get(staff_path(business)).json()

    assert_same_shape(body["value"][0], microsoft["value"][0])


def test_list_of_a_business_without_staff_is_empty(api, business):
    body = api.get(staff_path(business)).json()

    assert body["value"] == []


@pytest.mark.parametrize("top", ["0", "-1", "two", "1001"])
def test_list_with_a_bad_top_is_refused(api, business, top):
    response = api.get(staff_path(business), {"$top": top})

    assert_odata_error(response, 400)


def test_a_percent_encoded_business_id_finds_the_business(api, business):
    member = StaffMemberFactory(business=business)

    response = api.get(f"bookingBusinesses/{quote(MAILBOX, safe='')}/staffMembers/{member.pk}")

    assert response.status_code == 200
    assert response.json()["id"] == str(member.pk)


def test_path_segments_are_case_insensitive_as_in_graphs_own_docs(api, business):
    StaffMemberFactory(business=business)

    response = api.get(f"bookingbusinesses/{MAILBOX.lower()}/staffmembers")

    assert response.status_code == 200
    assert len(response.json()["value"]) == 1


# --- Create ---------------------------------------------------------------------------------------


def test_create_with_microsofts_example_answers_201_with_the_full_staff_member(api, business):
    response = api.post(staff_path(business), example("bookingstaffmember-create.request.json"))

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["@odata.type"] == STAFF_TYPE
    assert body["@odata.context"] == business_context(MAILBOX, "staffMembers/$entity")
    assert uuid.UUID(body["id"])
    assert body["displayName"] == "Dana Swope"
    assert body["emailAddress"] == "danas@contoso.com"
    assert body["role"] == "externalGuest"
    assert body["timeZone"] == "America/Chicago"
    assert body["useBusinessHours"] is True
    assert body["isEmailNotificationEnabled"] is False
    assert [day["day"] for day in body["workingHours"]] == [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
    ]
    assert body["workingHours"][0]["timeSlots"] == [
        {"startTime": "08:00:00.0000000", "endTime": "17:00:00.0000000"}
    ]


def test_created_staff_member_has_the_shape_of_microsofts_create_response(api, business):
    body = create(api, business, example("bookingstaffmember-create.request.json"))

    assert_same_shape(body, example("bookingstaffmember-create.response.json"))


def test_create_with_the_minimal_example_fills_in_bookings_defaults(api, business):
    body = create(api, business, example("bookingstaffmember-create.minimal.request.json"))

    assert body["displayName"] == "Dana Swope"
    assert body["role"] == "externalGuest"
    assert body["membershipStatus"] == "active"
    assert body["useBusinessHours"] is True
    assert body["isEmailNotificationEnabled"] is True
    assert body["availabilityIsAffectedByPersonalCalendar"] is False
    assert len(body["workingHours"]) == 7
    assert_same_shape(body, example("bookingstaffmember-get.response.json"))


@pytest.mark.parametrize("zone", ["America/Chicago", "Pacific Standard Time", "UTC"])
def test_time_zones_are_accepted_by_iana_or_windows_name(api, business, zone):
    body = create(api, business, valid_body(timeZone=zone))

    assert body["timeZone"] == zone


def test_created_staff_member_reads_back_exactly_as_created(api, business):
    created = create(api, business, example("bookingstaffmember-create.request.json"))

    response = api.get(staff_path(business, created["id"]))

    assert response.status_code == 200
    assert response.json() == created


def test_created_staff_member_appears_in_the_list(api, business):
    created = create(api, business, valid_body())

    listed = api.get(staff_path(business)).json()["value"]

    assert [item["id"] for item in listed] == [created["id"]]


@pytest.mark.parametrize("member", ["displayName", "emailAddress", "role"])
def test_create_without_a_required_member_is_refused(api, business, member):
    body = valid_body()
    del body[member]

    response = api.post(staff_path(business), body)

    assert_odata_error(response, 400, code="invalidRequest", member=member)
    assert not business.staff_members.exists()


LONG = "x" * 10_000


def week(*days):
    return [{"day": day, "timeSlots": [{"startTime": "08:00:00", "endTime": "17:00:00"}]} for day in days]


@pytest.mark.parametrize(
    ("changes", "member"),
    [
        pytest.param({"role": "boss"}, "role", id="unknown-role"),
        pytest.param({"role": 1}, "role", id="role-not-a-string"),
        pytest.param({"role": "unknownFutureValue"}, "role", id="role-sentinel"),
        pytest.param({"displayName": ""}, "displayName", id="blank-name"),
        pytest.param({"displayName": None}, "displayName", id="null-name"),
        pytest.param({"displayName": 42}, "displayName", id="name-not-a-string"),
        pytest.param({"displayName": LONG}, "displayName", id="huge-name"),
        pytest.param({"emailAddress": "danas-at-contoso.com"}, "emailAddress", id="invalid-email"),
        pytest.param({"emailAddress": f"{LONG}@contoso.com"}, "emailAddress", id="huge-email"),
        pytest.param({"timeZone": "Mars/Base"}, "timeZone", id="unknown-time-zone"),
        pytest.param({"timeZone": LONG}, "timeZone", id="huge-time-zone"),
        pytest.param({"useBusinessHours": "yes"}, "useBusinessHours", id="boolean-as-string"),
        pytest.param({"isEmailNotificationEnabled": 0}, "isEmailNotificationEnabled", id="boolean-as-number"),
        pytest.param({"workingHours": week("monday", "monday")}, "workingHours", id="day-named-twice"),
        pytest.param(
            {
                "workingHours": [
                    {"day": "monday", "timeSlots": [{"startTime": "17:00:00", "endTime": "08:00:00"}]}
                ]
            },
            "workingHours",
            id="slot-ends-before-it-starts",
        ),
        pytest.param({"workingHours": week("funday")}, "workingHours", id="unknown-day"),
        pytest.param(
            {"workingHours": [{"day": "monday", "timeSlots": [{"startTime": "8am", "endTime": "17:00:00"}]}]},
            "workingHours",
            id="malformed-time",
        ),
        pytest.param({"workingHours": {"day": "monday"}}, "workingHours", id="hours-not-an-array"),
        pytest.param(
            {"@odata.type": "#microsoft.graph.bookingService"}, "@odata.type", id="wrong-odata-type"
        ),
    ],
)
def test_create_with_bad_input_is_refused_naming_the_member(api, business, changes, member):
    response = api.post(staff_path(business), valid_body(**changes))

    assert_odata_error(response, 400, code="invalidRequest", member=member)
    assert not business.staff_members.exists()


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        pytest.param("not json", "application/json", id="not-json"),
        pytest.param("[1, 2]", "application/json", id="json-array"),
        pytest.param("", "application/json", id="empty"),
    ],
)
def test_create_with_a_body_that_is_not_a_json_object_is_refused(api, business, content, content_type):
    response = api.generic("POST", f"/api/v1.0/solutions/{staff_path(business)}", content, content_type)

    assert_odata_error(response, 400)
    assert not business.staff_members.exists()


def test_create_under_an_unknown_business_is_a_nonexistent_mailbox(api):
    response = api.post("bookingBusinesses/nobody@contoso.onmicrosoft.com/staffMembers", valid_body())

    assert_odata_error(response, 404, code="ErrorNonExistentMailbox")


# --- Roles Graph only shows to callers that ask for them ------------------------------------------


@pytest.mark.parametrize("role", ["teamMember", "scheduler"])
def test_newer_roles_are_unknown_future_value_unless_the_caller_prefers_unknown_enum_members(
    api, business, role
):
    member = StaffMemberFactory(business=business, role=role)

    prefer = {"HTTP_PREFER": "include-unknown-enum-members"}

    plain = api.get(staff_path(business, member.pk)).json()
    preferred = api.get(staff_path(business, member.pk), **prefer).json()
    listed_plain = api.get(staff_path(business)).json()["value"][0]
    listed_preferred = api.get(staff_path(business), **prefer).json()["value"][0]

    assert plain["role"] == listed_plain["role"] == "unknownFutureValue"
    assert preferred["role"] == listed_preferred["role"] == role


def test_a_staff_member_created_as_team_member_keeps_the_role(api, business):
    created = api.post(
        staff_path(business), valid_body(role="teamMember"), HTTP_PREFER="include-unknown-enum-members"
    )

    assert created.status_code == 201
    assert created.json()["role"] == "teamMember"
    assert business.staff_members.get().role == StaffRole.TEAM_MEMBER


def test_the_prefer_header_may_carry_other_preferences_too(api, business):
    member = StaffMemberFactory(business=business, role=StaffRole.TEAM_MEMBER)

    response = api.get(
        staff_path(business, member.pk), HTTP_PREFER="odata.maxpagesize=10, Include-Unknown-Enum-Members"
    )

    assert response.json()["role"] == "teamMember"


def test_older_roles_are_shown_as_they_are_without_the_prefer_header(api, business):
    member = StaffMemberFactory(business=business, role=StaffRole.VIEWER)

    assert api.get(staff_path(business, member.pk)).json()["role"] == "viewer"


# --- Get ------------------------------------------------------------------------------------------


def test_get_by_id_answers_the_staff_member_with_its_entity_context(api, business):
    member = StaffMemberFactory(
        business=business, display_name="Samantha Booth", role=StaffRole.ADMINISTRATOR
    )

    response = api.get(staff_path(business, member.pk))

    assert response.status_code == 200
    body = response.json()
    assert body["@odata.context"] == business_context(MAILBOX, "staffMembers/$entity")
    assert body["id"] == str(member.pk)
    assert body["displayName"] == "Samantha Booth"
    assert_same_shape(body, example("bookingstaffmember-get.response.json"))


def test_get_under_an_unknown_business_is_a_nonexistent_mailbox(api):
    member = StaffMemberFactory()

    response = api.get(f"bookingBusinesses/nobody@contoso.com/staffMembers/{member.pk}")

    assert_odata_error(response, 404, code="ErrorNonExistentMailbox")


# --- Update ---------------------------------------------------------------------------------------


def test_patch_with_microsofts_example_answers_204_without_a_body(api, business):
    member = create(api, business, example("bookingstaffmember-create.request.json"))

    response = api.patch(
        staff_path(business, member["id"]), example("bookingstaffmember-update.request.json")
    )

    assert response.status_code == 204
    assert response.content == b""
    hours = api.get(staff_path(business, member["id"])).json()["workingHours"]
    assert hours[0] == {"day": "monday", "timeSlots": []}
    assert [day["day"] for day in hours] == ["monday", "tuesday", "wednesday", "thursday", "friday"]


def test_patch_changes_only_the_members_it_names(api, business):
    member = create(api, business, example("bookingstaffmember-create.request.json"))

    response = api.patch(
        staff_path(business, member["id"]), {"displayName": "Dana S.", "timeZone": "Europe/Paris"}
    )

    assert response.status_code == 204
    after = api.get(staff_path(business, member["id"])).json()
    assert after["displayName"] == "Dana S."
    assert after["timeZone"] == "Europe/Paris"
    unchanged = {"displayName", "timeZone", "lastUpdatedDateTime"}
    assert {k: v for k, v in after.items() if k not in unchanged} == {
        k: v for k, v in member.items() if k not in unchanged
    }


def test_patch_ignores_read_only_members(api, business):
    member = create(api, business, valid_body())

    response = api.patch(
        staff_path(business, member["id"]),
        {
            "id": str(uuid.uuid4()),
            "membershipStatus": "rejectedByStaff",
            "createdDateTime": "2000-01-01T00:00:00Z",
            "lastUpdatedDateTime": "2000-01-01T00:00:00Z",
            "displayName": "Dana S.",
        },
    )

    assert response.status_code == 204
    after = api.get(staff_path(business, member["id"])).json()
    assert after["id"] == member["id"]
    assert after["membershipStatus"] == "active"
    assert after["createdDateTime"] == member["createdDateTime"]
    assert after["lastUpdatedDateTime"] != "2000-01-01T00:00:00Z"
    assert after["displayName"] == "Dana S."


@pytest.mark.parametrize(
    ("changes", "member"),
    [
        pytest.param({"role": "boss"}, "role", id="unknown-role"),
        pytest.param({"displayName": ""}, "displayName", id="blank-name"),
        pytest.param({"emailAddress": "nope"}, "emailAddress", id="invalid-email"),
        pytest.param({"timeZone": "Mars/Base"}, "timeZone", id="unknown-time-zone"),
        pytest.param({"workingHours": week("friday", "friday")}, "workingHours", id="day-named-twice"),
        pytest.param(
            {"@odata.type": "#microsoft.graph.bookingCustomer"}, "@odata.type", id="wrong-odata-type"
        ),
    ],
)
def test_patch_with_bad_input_is_refused_and_changes_nothing(api, business, changes, member):
    created = create(api, business, valid_body())

    response = api.patch(staff_path(business, created["id"]), changes)

    assert_odata_error(response, 400, code="invalidRequest", member=member)
    assert api.get(staff_path(business, created["id"])).json() == created


# --- Delete ---------------------------------------------------------------------------------------


def test_deleted_staff_member_drops_out_of_the_services_that_named_it(api, business):
    leaving, staying = StaffMemberFactory(business=business), StaffMemberFactory(business=business)
    service = ServiceFactory(business=business)
    service.staff_members.set([leaving, staying])

    api.delete(staff_path(business, leaving.pk))

    body = api.get(f"bookingBusinesses/{MAILBOX}/services/{service.pk}").json()
    assert body["staffMemberIds"] == [str(staying.pk)]
