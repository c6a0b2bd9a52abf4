"""``/solutions/bookingBusinesses/{id}/services``: what customers book.

Graph: list and get answer 200, create 201 with the full entity, PATCH 204 with no body (the
update-bookingService page: PATCH ``defaultDuration``, get 204, read it back), DELETE 204.
"""

import uuid
from datetime import timedelta

import pytest

from bookings.enums import ReminderRecipients
from bookings.models import ServiceQuestion
from bookings.values import Reminder
from tests.api.conftest import MAILBOX
from tests.api.graph_assertions import (
    Resource,
    assert_odata_error,
    assert_same_shape,
    business_context,
)
from tests.conftest import example
from tests.factories import CustomQuestionFactory, ServiceFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

# The staff members Microsoft's create example names.
EXAMPLE_STAFF_IDS = ["d90d1e8c-5cfe-48cf-a2d5-966267375b6a", "2f5f8794-0b29-45b5-b56a-2eb5ff7aa880"]


@pytest.fixture
def example_staff(business):
    return [StaffMemberFactory(business=business, id=uuid.UUID(staff_id)) for staff_id in EXAMPLE_STAFF_IDS]


SERVICES = Resource("services")
service_path = SERVICES.path


create = SERVICES.create


read = SERVICES.read


def without(body, *members):
    return {key: value for key, value in body.items() if key not in members}


# --- List -----------------------------------------------------------------------------------------


def test_list_answers_a_value_envelope_with_the_business_context(api, business):
    ServiceFactory(business=business, display_name="Bento")
    ServiceFactory(business=business, display_name="Kaiseki")

    response = api.get(service_path(business))

    assert response.status_code == 200
    body = response.json()
    assert body["@odata.context"] == business_context(MAILBOX, "services")
    assert [item["displayName"] for item in body["value"]] == ["Bento", "Kaiseki"]
    assert "@odata.nextLink" not in body


def test_listed_services_have_the_shape_of_microsofts_list_example(api, business, example_staff):
    created = create(api, business, example("bookingservice-create.request.json"))

    listed = api.get(service_path(business)).json()["value"]

    assert [item["id"] for item in listed] == [created["id"]]
    assert_same_shape(listed[0], example("bookingbusiness-list-services.response.json")["value"][1])


def test_list_shows_reminders_only_when_a_service_is_read_by_id(api, business):
    reminder = Reminder(offset=timedelta(days=1), recipients=ReminderRecipients.CUSTOMER, message="Tomorrow!")
    service = ServiceFactory(business=business, default_reminders=(reminder,))

    listed = api.get(service_path(business)).json()["value"][0]
    by_id = read(api, business, service.pk)

    assert listed["defaultReminders"] == []
    assert by_id["defaultReminders"] == [{"offset": "P1D", "recipients": "customer", "message": "Tomorrow!"}]


def test_list_counts_every_service_when_asked_with_count(api, business):
    ServiceFactory.create_batch(3, business=business)

    body = api.get(service_path(business), {"$count": "true", "$top": "1"}).json()

    assert body["@odata.count"] == 3
    assert len(body["value"]) == 1


def test_listing_thirty_services_with_staff_and_questions_costs_a_constant_number_of_queries(
    api, business, django_assert_max_num_queries
):
    staff = StaffMemberFactory.create_batch(3, business=business)
    questions = CustomQuestionFactory.create_batch(2, business=business)
    for _ in range(30):
        service = ServiceFactory(business=business)
        service.staff_members.set(staff)
        for position, question in enumerate(questions):
            ServiceQuestion.objects.create(service=service, question=question, position=position)

    # The token (read, and its last use stamped), the business, the services, their staff, their
    # question assignments with the questions: the same six however many services there are.
    with django_assert_max_num_queries(6):
        response = api.get(service_path(business))

    assert response.status_code == 200
    listed = response.json()["value"]
    assert len(listed) == 30
    assert all(len(item["staffMemberIds"]) == 3 and len(item["customQuestions"]) == 2 for item in listed)


# --- Create ---------------------------------------------------------------------------------------


def test_create_with_microsofts_example_answers_201_with_the_full_service(api, business, example_staff):
    response = api.post(service_path(business), example("bookingservice-create.request.json"))

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["@odata.context"] == business_context(MAILBOX, "services/$entity")
    assert uuid.UUID(body["id"])
    assert body["displayName"] == "Bento"
    assert body["description"] == "Individual bento box lunch delivery"
    assert body["notes"] == "Home-cooked special"
    assert body["defaultDuration"] == "PT1H30M"
    assert body["defaultPrice"] == 10.0
    assert body["defaultPriceType"] == "fixedPrice"
    assert body["preBuffer"] == "PT5M"
    assert body["postBuffer"] == "PT10M"
    assert body["isLocationOnline"] is True
    assert body["smsNotificationsEnabled"] is True
    assert body["isHiddenFromCustomers"] is False
    assert body["isAnonymousJoinEnabled"] is False
    assert body["languageTag"] == "en-US"
    assert sorted(body["staffMemberIds"]) == sorted(EXAMPLE_STAFF_IDS)
    assert body["defaultLocation"]["displayName"] == "Contoso Lunch Delivery"
    assert body["defaultLocation"]["address"]["street"] == "4567 First Street"
    assert body["defaultReminders"] == [
        {
            "offset": "P1D",
            "recipients": "allAttendees",
            "message": "Please be reminded that this service is tomorrow.",
        }
    ]
    policy = body["schedulingPolicy"]
    assert (policy["timeSlotInterval"], policy["minimumLeadTime"], policy["maximumAdvance"]) == (
        "PT1H",
        "PT10H",
        "P10D",
    )
    assert policy["allowStaffSelection"] is True and policy["sendConfirmationsToOwner"] is True


def test_created_service_has_the_shape_of_microsofts_create_response(api, business, example_staff):
    body = create(api, business, example("bookingservice-create.request.json"))

    assert_same_shape(body, example("bookingservice-create.response.json"))


def test_service_read_by_id_has_the_shape_of_microsofts_get_response(api, business, example_staff):
    question = CustomQuestionFactory(business=business)
    body = create(
        api,
        business,
        {
            **example("bookingservice-create.request.json"),
            "customQuestions": [{"questionId": str(question.pk), "isRequired": True}],
        },
    )

    assert_same_shape(read(api, business, body["id"]), example("bookingservice-get.response.json"))


def test_create_with_the_minimal_example_fills_in_defaults(api, business):
    body = create(api, business, example("bookingservice-create.minimal.request.json"))

    assert body["displayName"] == "Bento"
    assert body["defaultDuration"] == "PT30M"
    assert body["preBuffer"] == body["postBuffer"] == "PT0S"
    assert body["defaultPrice"] == 0.0
    assert body["defaultPriceType"] == "notSet"
    assert body["maximumAttendeesCount"] == 1
    assert body["staffMemberIds"] == []
    assert body["customQuestions"] == []
    assert body["defaultReminders"] == []
    assert body["schedulingPolicy"] is None  # follows the business's policy
    assert body["isHiddenFromCustomers"] is False


def test_created_service_reads_back_exactly_as_created(api, business, example_staff):
    created = create(api, business, example("bookingservice-create.request.json"))

    assert read(api, business, created["id"]) == created


def test_create_under_an_unknown_business_is_a_nonexistent_mailbox(api):
    response = api.post("bookingBusinesses/nobody@contoso.onmicrosoft.com/services", {"displayName": "Bento"})

    assert_odata_error(response, 404, code="ErrorNonExistentMailbox")


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="missing"),
        pytest.param({"displayName": ""}, id="blank"),
        pytest.param({"displayName": None}, id="null"),
        pytest.param({"description": "No name"}, id="other-members-only"),
    ],
)
def test_create_without_a_display_name_is_refused(api, business, body):
    response = api.post(service_path(business), body)

    assert_odata_error(response, 400, code="invalidRequest", member="displayName")
    assert not business.services.exists()


LONG = "x" * 10_000
UNKNOWN_ID = "00000000-0000-0000-0000-0000000000aa"


@pytest.mark.parametrize(
    ("changes", "member"),
    [
        pytest.param({"defaultPriceType": "cheap"}, "defaultPriceType", id="unknown-price-type"),
        pytest.param(
            {"defaultPriceType": "unknownFutureValue"}, "defaultPriceType", id="price-type-sentinel"
        ),
        pytest.param({"defaultDuration": "30 minutes"}, "defaultDuration", id="duration-in-words"),
        pytest.param({"defaultDuration": "PT"}, "defaultDuration", id="duration-without-parts"),
        pytest.param({"defaultDuration": "P99999999D"}, "defaultDuration", id="duration-too-long"),
        pytest.param({"defaultDuration": "P1M"}, "defaultDuration", id="duration-in-months"),
        pytest.param({"defaultDuration": "PT0S"}, "defaultDuration", id="zero-duration"),
        pytest.param({"defaultDuration": 30}, "defaultDuration", id="duration-as-number"),
        pytest.param({"preBuffer": "-PT5M"}, "preBuffer", id="negative-buffer"),
        pytest.param({"postBuffer": "10 minutes"}, "postBuffer", id="buffer-in-words"),
        pytest.param({"defaultPrice": -1}, "defaultPrice", id="negative-price"),
        pytest.param({"defaultPrice": "10"}, "defaultPrice", id="price-as-string"),
        pytest.param({"defaultPrice": True}, "defaultPrice", id="price-as-boolean"),
        pytest.param({"maximumAttendeesCount": 0}, "maximumAttendeesCount", id="no-attendees"),
        pytest.param({"maximumAttendeesCount": "5"}, "maximumAttendeesCount", id="attendees-as-string"),
        pytest.param({"maximumAttendeesCount": 2.5}, "maximumAttendeesCount", id="attendees-fraction"),
        pytest.param({"maximumAttendeesCount": 10_001}, "maximumAttendeesCount", id="too-many-attendees"),
        pytest.param({"isHiddenFromCustomers": "false"}, "isHiddenFromCustomers", id="boolean-as-string"),
        pytest.param({"staffMemberIds": [UNKNOWN_ID]}, "staffMemberIds", id="unknown-staff-id"),
        pytest.param({"staffMemberIds": "d90d1e8c"}, "staffMemberIds", id="staff-ids-not-an-array"),
        pytest.param({"staffMemberIds": [42]}, "staffMemberIds", id="staff-id-not-a-string"),
        pytest.param(
            {"customQuestions": [{"questionId": UNKNOWN_ID}]}, "customQuestions", id="unknown-question"
        ),
        pytest.param(
            {"customQuestions": [{"isRequired": True}]}, "customQuestions", id="question-without-id"
        ),
        pytest.param(
            {"customQuestions": [{"questionId": UNKNOWN_ID, "isRequired": "yes"}]},
            "customQuestions",
            id="is-required-as-string",
        ),
        pytest.param(
            {"customQuestions": {"questionId": UNKNOWN_ID}}, "customQuestions", id="questions-not-array"
        ),
        pytest.param({"displayName": LONG}, "displayName", id="huge-name"),
        pytest.param({"description": LONG}, "description", id="huge-description"),
        pytest.param({"notes": LONG}, "notes", id="huge-notes"),
        pytest.param({"languageTag": LONG}, "languageTag", id="huge-language-tag"),
        pytest.param(
            {"defaultLocation": {"displayName": LONG}}, "defaultLocation.displayName", id="huge-location"
        ),
        pytest.param({"defaultLocation": "Buffalo"}, "defaultLocation", id="location-not-an-object"),
        pytest.param(
            {"defaultLocation": {"coordinates": {"latitude": 100}}},
            "defaultLocation.coordinates.latitude",
            id="latitude-off-the-globe",
        ),
        pytest.param(
            {"schedulingPolicy": {"maximumAdvance": "soon"}},
            "schedulingPolicy.maximumAdvance",
            id="policy-duration",
        ),
        pytest.param(
            {"defaultReminders": [{"offset": "P1X", "recipients": "allAttendees", "message": "Hi"}]},
            "defaultReminders",
            id="reminder-offset",
        ),
        pytest.param(
            {"defaultReminders": [{"offset": "P1D", "recipients": "everyone", "message": "Hi"}]},
            "defaultReminders",
            id="reminder-recipients",
        ),
        pytest.param(
            {"@odata.type": "#microsoft.graph.bookingStaffMember"}, "@odata.type", id="wrong-odata-type"
        ),
    ],
)
def test_create_with_bad_input_is_refused_naming_the_member(api, business, changes, member):
    response = api.post(service_path(business), {"displayName": "Bento", **changes})

    assert_odata_error(response, 400, code="invalidRequest", member=member)
    assert not business.services.exists()


def test_staff_of_another_business_cannot_deliver_a_service(api, business):
    elsewhere = StaffMemberFactory()

    response = api.post(
        service_path(business), {"displayName": "Bento", "staffMemberIds": [str(elsewhere.pk)]}
    )

    assert_odata_error(response, 400, member="staffMemberIds")


def test_a_question_may_be_assigned_only_once(api, business):
    question = CustomQuestionFactory(business=business)
    twice = [{"questionId": str(question.pk), "isRequired": True}, {"questionId": str(question.pk)}]

    response = api.post(service_path(business), {"displayName": "Bento", "customQuestions": twice})

    assert_odata_error(response, 400, code="invalidRequest", member="customQuestions")


def test_a_question_named_once_by_id_and_once_by_graph_id_is_still_a_duplicate(api, business):
    question = CustomQuestionFactory(business=business, graph_id="3bc6fde0-4ad3-445d-ab17-0fc15dba0774")
    twice = [{"questionId": str(question.pk)}, {"questionId": question.graph_id}]

    response = api.post(service_path(business), {"displayName": "Bento", "customQuestions": twice})

    assert_odata_error(response, 400, code="invalidRequest", member="customQuestions")


# --- Staff and questions round-trip ---------------------------------------------------------------


def test_staff_member_ids_round_trip_through_create_patch_and_get(api, business):
    first, second = StaffMemberFactory(business=business), StaffMemberFactory(business=business)
    created = create(api, business, {"displayName": "Bento", "staffMemberIds": [str(first.pk)]})

    path = service_path(business, created["id"])

    assert created["staffMemberIds"] == [str(first.pk)]
    assert api.patch(path, {"staffMemberIds": [str(second.pk)]}).status_code == 204
    assert read(api, business, created["id"])["staffMemberIds"] == [str(second.pk)]
    assert api.patch(path, {"staffMemberIds": []}).status_code == 204
    assert read(api, business, created["id"])["staffMemberIds"] == []


def test_staff_member_ids_may_name_a_staff_member_by_its_graph_id(api, business):
    member = StaffMemberFactory(business=business, graph_id="8ee1c803-a1fa-406d-8259-7ab53233f148")

    created = create(api, business, {"displayName": "Bento", "staffMemberIds": [member.graph_id]})

    assert created["staffMemberIds"] == [str(member.pk)]


def test_a_staff_member_named_twice_is_assigned_once(api, business):
    member = StaffMemberFactory(business=business)

    created = create(
        api, business, {"displayName": "Bento", "staffMemberIds": [str(member.pk), str(member.pk)]}
    )

    assert created["staffMemberIds"] == [str(member.pk)]


def test_custom_questions_round_trip_in_the_order_given(api, business):
    age, nationality = CustomQuestionFactory(business=business), CustomQuestionFactory(business=business)
    assignments = [
        {"questionId": str(nationality.pk), "isRequired": True},
        {"questionId": str(age.pk), "isRequired": False},
    ]

    created = create(api, business, {"displayName": "Bento", "customQuestions": assignments})

    assert created["customQuestions"] == assignments
    assert read(api, business, created["id"])["customQuestions"] == assignments


def test_patch_replaces_the_custom_questions_and_is_required_defaults_to_false(api, business):
    age, nationality = CustomQuestionFactory(business=business), CustomQuestionFactory(business=business)
    created = create(
        api,
        business,
        {"displayName": "Bento", "customQuestions": [{"questionId": str(age.pk), "isRequired": True}]},
    )

    response = api.patch(
        service_path(business, created["id"]), {"customQuestions": [{"questionId": str(nationality.pk)}]}
    )

    assert response.status_code == 204
    assert read(api, business, created["id"])["customQuestions"] == [
        {"questionId": str(nationality.pk), "isRequired": False}
    ]


def test_deleted_staff_and_questions_drop_out_of_the_service(api, business):
    leaving, staying = StaffMemberFactory(business=business), StaffMemberFactory(business=business)
    dropped, kept = CustomQuestionFactory(business=business), CustomQuestionFactory(business=business)
    created = create(
        api,
        business,
        {
            "displayName": "Bento",
            "staffMemberIds": [str(leaving.pk), str(staying.pk)],
            "customQuestions": [
                {"questionId": str(dropped.pk)},
                {"questionId": str(kept.pk), "isRequired": True},
            ],
        },
    )

    assert api.delete(f"bookingBusinesses/{MAILBOX}/staffMembers/{leaving.pk}").status_code == 204
    assert api.delete(f"bookingBusinesses/{MAILBOX}/customQuestions/{dropped.pk}").status_code == 204

    after = read(api, business, created["id"])
    assert after["staffMemberIds"] == [str(staying.pk)]
    assert after["customQuestions"] == [{"questionId": str(kept.pk), "isRequired": True}]
    listed = api.get(service_path(business)).json()["value"][0]
    assert listed["staffMemberIds"] == [str(staying.pk)]
    assert listed["customQuestions"] == [{"questionId": str(kept.pk), "isRequired": True}]


def test_a_deleted_staff_member_can_no_longer_be_assigned(api, business):
    member = StaffMemberFactory(business=business, is_active=False)

    response = api.post(service_path(business), {"displayName": "Bento", "staffMemberIds": [str(member.pk)]})

    assert_odata_error(response, 400, member="staffMemberIds")


# --- Get ------------------------------------------------------------------------------------------


def test_get_by_id_answers_the_service_with_its_entity_context(api, business):
    service = ServiceFactory(
        business=business, display_name="Bento", default_duration=timedelta(hours=1, minutes=30)
    )

    response = api.get(service_path(business, service.pk))

    assert response.status_code == 200
    body = response.json()
    assert body["@odata.context"] == business_context(MAILBOX, "services/$entity")
    assert body["id"] == str(service.pk)
    assert body["defaultDuration"] == "PT1H30M"


# --- Update: the update-bookingService page -------------------------------------------------------


def test_patch_default_duration_answers_204_and_reads_back_with_everything_else_unchanged(
    api, business, example_staff
):
    question = CustomQuestionFactory(business=business)
    before = create(
        api,
        business,
        {
            **example("bookingservice-create.request.json"),
            "customQuestions": [{"questionId": str(question.pk), "isRequired": True}],
        },
    )
    assert before["defaultDuration"] == "PT1H30M"

    response = api.patch(service_path(business, before["id"]), example("bookingservice-update.request.json"))

    assert response.status_code == 204
    assert response.content == b""
    after = read(api, business, before["id"])
    assert after["defaultDuration"] == "PT30M"
    assert without(after, "defaultDuration", "lastUpdatedDateTime") == without(
        before, "defaultDuration", "lastUpdatedDateTime"
    )


def test_patch_ignores_read_only_members(api, business):
    before = create(api, business, {"displayName": "Bento"})

    response = api.patch(
        service_path(business, before["id"]),
        {
            "id": str(uuid.uuid4()),
            "webUrl": "https://example.com/elsewhere",
            "createdDateTime": "2000-01-01T00:00:00Z",
            "lastUpdatedDateTime": "2000-01-01T00:00:00Z",
            "description": "Lunch",
        },
    )

    assert response.status_code == 204
    after = read(api, business, before["id"])
    assert after["id"] == before["id"]
    assert after["webUrl"] == before["webUrl"]
    assert after["createdDateTime"] == before["createdDateTime"]
    assert after["lastUpdatedDateTime"] != "2000-01-01T00:00:00Z"
    assert after["description"] == "Lunch"


def test_patch_can_set_and_clear_the_services_own_scheduling_policy(api, business):
    service = create(api, business, {"displayName": "Bento"})
    policy = example("bookingservice-create.request.json")["schedulingPolicy"]

    assert api.patch(service_path(business, service["id"]), {"schedulingPolicy": policy}).status_code == 204
    assert read(api, business, service["id"])["schedulingPolicy"]["maximumAdvance"] == "P10D"
    assert api.patch(service_path(business, service["id"]), {"schedulingPolicy": None}).status_code == 204
    assert read(api, business, service["id"])["schedulingPolicy"] is None


@pytest.mark.parametrize(
    ("changes", "member"),
    [
        pytest.param({"defaultDuration": "PT0S"}, "defaultDuration", id="zero-duration"),
        pytest.param({"defaultDuration": "30 minutes"}, "defaultDuration", id="duration-in-words"),
        pytest.param({"defaultPrice": -5}, "defaultPrice", id="negative-price"),
        pytest.param({"defaultPriceType": "cheap"}, "defaultPriceType", id="unknown-price-type"),
        pytest.param({"maximumAttendeesCount": 0}, "maximumAttendeesCount", id="no-attendees"),
        pytest.param({"staffMemberIds": [UNKNOWN_ID]}, "staffMemberIds", id="unknown-staff-id"),
        pytest.param(
            {"customQuestions": [{"questionId": UNKNOWN_ID}]}, "customQuestions", id="unknown-question"
        ),
        pytest.param({"displayName": ""}, "displayName", id="blank-name"),
        pytest.param(
            {"@odata.type": "#microsoft.graph.bookingCustomer"}, "@odata.type", id="wrong-odata-type"
        ),
    ],
)
def test_patch_with_bad_input_is_refused_and_changes_nothing(api, business, example_staff, changes, member):
    before = create(api, business, example("bookingservice-create.request.json"))

    response = api.patch(service_path(business, before["id"]), {"displayName": "Renamed", **changes})

    assert_odata_error(response, 400, code="invalidRequest", member=member)
    assert read(api, business, before["id"]) == before


# --- Delete ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "member"),
    [
        ({"defaultPriceType": "unknownFutureValue"}, "defaultPriceType"),
        (
            {"defaultReminders": [{"offset": "P1D", "recipients": "unknownFutureValue"}]},
            "defaultReminders[0].recipients",
        ),
        (
            {"schedulingPolicy": {"generalAvailability": {"availabilityType": "unknownFutureValue"}}},
            "schedulingPolicy.generalAvailability.availabilityType",
        ),
    ],
)
def test_unknown_future_value_is_readable_but_never_writable(api, business, body, member):
    response = api.post(service_path(business), {"displayName": "Bento", **body})
    assert_odata_error(response, 400, member=member)
