"""Graph JSON -> model fields (bookings.graph.mapping), checked against Microsoft's example bodies.

Pure functions: no database. Each example must map into values the model itself accepts
(``clean_fields``), so a mapping that names a wrong field or produces a value the column refuses
fails here rather than half-way through a sync.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, time, timedelta

import pytest

from bookings.enums import (
    AnswerInputType,
    DayOfWeek,
    MembershipStatus,
    PriceType,
    ReminderRecipients,
    StaffRole,
)
from bookings.graph import mapping
from bookings.graph.mapping import MappingError, QuestionAssignment
from bookings.models import Business, CustomQuestion, Service, StaffMember
from bookings.values import Location, PhysicalAddress, Reminder, SchedulingPolicy, WorkHours, WorkTimeSlot
from tests.conftest import example

NINE_TO_FIVE = (WorkTimeSlot(start_time=time(8), end_time=time(17)),)


def assert_model_accepts(model, fields: dict, **extra) -> None:
    """The mapped values pass the model's own field validation (no database needed)."""
    instance = model(**fields, **extra)
    instance.clean_fields(exclude=["business", "slug"])


def listed(name: str) -> list[dict]:
    return example(name)["value"]


# --- Businesses ---------------------------------------------------------------------------------


def test_business_get_example_maps_every_property():
    mapped = mapping.business_fields(example("bookingbusiness-get.response.json"))

    assert mapped.graph_id == "Fabrikam@contoso.com"
    assert mapped.warnings == ()
    fields = mapped.fields
    assert fields["display_name"] == "Fabrikam"
    assert fields["business_type"] == ""
    assert fields["phone"] == "206-555-0100"
    assert fields["email"] == "manager@fabrikam.com"
    assert fields["web_site_url"] == "https://www.fabrikam.com/"
    assert fields["language_tag"] == "String"  # the doc's placeholder, mirrored as sent
    assert fields["default_currency_iso"] == "USD"
    assert fields["is_published"] is False and fields["public_url"] is None
    assert fields["address"] == PhysicalAddress(
        street="4567 Main Street",
        city="Buffalo",
        state="NY",
        country_or_region="USA",
        postal_code="98052",
        post_office_box="",
        type="home",
    )
    assert len(fields["business_hours"]) == 7
    assert fields["business_hours"][0] == WorkHours(day=DayOfWeek.MONDAY, time_slots=NINE_TO_FIVE)
    assert fields["business_hours"][-1] == WorkHours(day=DayOfWeek.SUNDAY, time_slots=())
    assert fields["scheduling_policy"] == SchedulingPolicy(
        time_slot_interval=timedelta(minutes=30),
        minimum_lead_time=timedelta(days=1),
        maximum_advance=timedelta(days=365),
        send_confirmations_to_owner=True,
        allow_staff_selection=True,
    )
    assert not {"slug", "time_zone", "sync_state", "is_active"} & set(fields)
    assert_model_accepts(Business, fields, graph_id=mapped.graph_id)


def test_business_create_response_maps():
    mapped = mapping.business_fields(example("bookingbusiness-create.response.json"))

    assert mapped.graph_id == "fourthcoffee@contoso.onmicrosoft.com"
    assert mapped.fields["display_name"] == "Fourth Coffee"
    assert mapped.fields["web_site_url"] == "https://www.fourthcoffee.com"
    assert_model_accepts(Business, mapped.fields, graph_id=mapped.graph_id)


def test_business_time_zone_comes_from_page_settings_as_an_iana_name():
    data = example("bookingbusiness-get.response.json")
    assert mapping.business_time_zone(mapping.business_fields(data).fields) is None

    data["bookingPageSettings"] = {"businessTimeZone": "Pacific Standard Time"}
    fields = mapping.business_fields(data).fields

    assert mapping.business_time_zone(fields) == "America/Los_Angeles"


def test_business_listing_yields_each_mailbox_once():
    items = [*listed("bookingbusiness-list.response.json"), {"id": "FABRIKAM@contoso.onmicrosoft.com"}, {}]

    assert mapping.business_ids(items) == [
        "Contosolunchdelivery@contoso.onmicrosoft.com",
        "Fabrikam@contoso.onmicrosoft.com",
    ]


# --- Services -----------------------------------------------------------------------------------


def test_service_get_example_maps_every_property_and_its_relations():
    mapped = mapping.service_fields(example("bookingservice-get.response.json"))

    assert mapped.graph_id == "57da6774-a087-4d69-b0e6-6fb82c339976"
    fields = mapped.fields
    assert fields["display_name"] == "Bento"
    assert fields["default_duration"] == timedelta(minutes=30)
    assert fields["pre_buffer"] == timedelta(minutes=5) and fields["post_buffer"] == timedelta(minutes=10)
    assert fields["default_price"] == 10.0 and fields["default_price_type"] == PriceType.FIXED_PRICE
    assert fields["description"] == "Individual bento box lunch delivery"
    assert fields["notes"] == "Home-cooked special"
    assert fields["language_tag"] == "en-US"
    assert fields["is_location_online"] is True and fields["sms_notifications_enabled"] is True
    assert fields["is_customer_allowed_to_manage_booking"] is True
    assert fields["is_hidden_from_customers"] is False and fields["is_anonymous_join_enabled"] is False
    assert fields["web_url"].startswith("https://outlook.office365.com/owa/calendar/")
    assert isinstance(fields["default_location"], Location)
    assert fields["default_location"].address.street == "4567 First Street"
    assert fields["default_reminders"] == (
        Reminder(
            offset=timedelta(days=1),
            recipients=ReminderRecipients.ALL_ATTENDEES,
            message="Please be reminded that this service is tomorrow.",
        ),
    )
    assert fields["scheduling_policy"].time_slot_interval == timedelta(hours=1)
    assert fields["scheduling_policy"].minimum_lead_time == timedelta(hours=10)
    assert mapped.staff_member_ids == ()
    assert mapped.question_assignments == (
        QuestionAssignment("3bc6fde0-4ad3-445d-ab17-0fc15dba0774", is_required=True),
    )
    assert_model_accepts(Service, fields, graph_id=mapped.graph_id)


def test_service_create_response_maps():
    mapped = mapping.service_fields(example("bookingservice-create.response.json"))

    assert mapped.fields["default_duration"] == timedelta(hours=1, minutes=30)
    assert mapped.fields["language_tag"] == ""
    assert mapped.question_assignments is None  # not in the body: the local assignments stay
    assert_model_accepts(Service, mapped.fields, graph_id=mapped.graph_id)


def test_service_list_leaves_out_reminders_which_lists_do_not_carry():
    items = [
        mapping.service_fields(item, listing=True)
        for item in listed("bookingbusiness-list-services.response.json")
    ]

    assert [item.fields["display_name"] for item in items] == ["Initial service", "Catered bento", "Kaiseki"]
    assert all("default_reminders" not in item.fields for item in items)
    assert items[0].fields["scheduling_policy"] is None  # null: follows the business's policy
    assert items[0].fields["default_price_type"] == PriceType.NOT_SET
    assert items[2].fields["default_duration"] == timedelta(hours=1, minutes=30)
    for item in items:
        assert_model_accepts(Service, item.fields, graph_id=item.graph_id)


def test_service_staff_and_questions_are_read_once_each_in_order():
    data = example("bookingservice-get.response.json")
    data["staffMemberIds"] = ["b", "a", "b"]
    data["customQuestions"] = [
        {"questionId": "q2"},
        {"questionId": "q1", "isRequired": True},
        {"questionId": "q2", "isRequired": True},
    ]

    mapped = mapping.service_fields(data)

    assert mapped.staff_member_ids == ("b", "a")
    assert mapped.question_assignments == (QuestionAssignment("q2", False), QuestionAssignment("q1", True))


# --- Staff members and custom questions ---------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        example("bookingstaffmember-get.response.json"),
        example("bookingstaffmember-create.response.json"),
        *listed("bookingbusiness-list-staffmembers.response.json"),
    ],
    ids=lambda body: body["displayName"],
)
def test_staff_member_examples_map(body):
    mapped = mapping.staff_member_fields(body)

    assert mapped.graph_id == body["id"]
    assert mapped.fields["display_name"] == body["displayName"]
    assert mapped.fields["email_address"] == body["emailAddress"]
    assert mapped.fields["role"] == StaffRole(body["role"])
    assert mapped.fields["time_zone"] == body["timeZone"]
    assert mapped.fields["use_business_hours"] is body["useBusinessHours"]
    assert len(mapped.fields["working_hours"]) == len(body["workingHours"])
    assert mapped.warnings == ()
    assert_model_accepts(StaffMember, mapped.fields, graph_id=mapped.graph_id)


def test_staff_member_get_example_maps_every_property():
    fields = mapping.staff_member_fields(example("bookingstaffmember-get.response.json")).fields

    assert fields == {
        "display_name": "Samantha Booth",
        "email_address": "samanthab@contoso.com",
        "role": StaffRole.ADMINISTRATOR,
        "time_zone": "America/Chicago",
        "use_business_hours": True,
        "working_hours": fields["working_hours"],
        "availability_is_affected_by_personal_calendar": True,
        "is_email_notification_enabled": False,
    }
    assert fields["working_hours"][0] == WorkHours(day=DayOfWeek.MONDAY, time_slots=NINE_TO_FIVE)


@pytest.mark.parametrize(
    "body",
    [
        example("bookingcustomquestion-get.response.json")["value"],  # the doc wraps it in "value" by mistake
        example("bookingcustomquestion-create.response.json"),
        example("bookingcustomquestion-update.response.json"),
        *listed("bookingbusiness-list-customquestions.response.json"),
    ],
)
def test_custom_question_examples_map(body):
    mapped = mapping.custom_question_fields(body)

    assert mapped.graph_id == body["id"]
    assert mapped.fields == {
        "display_name": body["displayName"],
        "answer_input_type": AnswerInputType(body["answerInputType"]),
        "answer_options": body["answerOptions"],
    }
    assert_model_accepts(CustomQuestion, mapped.fields, graph_id=mapped.graph_id)


def test_timestamps_are_read_as_utc_and_an_unreadable_one_is_only_a_warning():
    body = example("bookingstaffmember-get.response.json")
    body["createdDateTime"] = "2024-03-01T10:00:00Z"
    body["lastUpdatedDateTime"] = "2024-03-02T10:00:00.1234567+02:00"

    fields = mapping.staff_member_fields(body).fields
    assert fields["created_date_time"] == datetime(2024, 3, 1, 10, tzinfo=UTC)
    assert fields["last_updated_date_time"] == datetime(2024, 3, 2, 8, 0, 0, 123456, tzinfo=UTC)

    body["lastUpdatedDateTime"] = "yesterday"
    mapped = mapping.staff_member_fields(body)
    assert "last_updated_date_time" not in mapped.fields
    assert mapped.warnings and mapped.warnings[0].startswith("lastUpdatedDateTime")


# --- Malformed and unexpected payloads ---------------------------------------------------------


def test_extra_properties_and_annotations_are_ignored():
    body = example("bookingservice-get.response.json")
    noisy = {
        **copy.deepcopy(body),
        "colorIndex": 3,
        "invoiceStatus": "draft",
        "@odata.etag": 'W/"abc"',
        "newThing": {"nested": [1, 2]},
    }
    noisy["defaultLocation"]["futureMember"] = "x"

    assert mapping.service_fields(noisy) == mapping.service_fields(body)


@pytest.mark.parametrize(
    ("read", "body", "member", "field", "fallback"),
    [
        (mapping.staff_member_fields, "bookingstaffmember-get.response.json", "role", "role", StaffRole),
        (
            mapping.staff_member_fields,
            "bookingstaffmember-get.response.json",
            "membershipStatus",
            "membership_status",
            MembershipStatus,
        ),
        (
            mapping.service_fields,
            "bookingservice-get.response.json",
            "defaultPriceType",
            "default_price_type",
            PriceType,
        ),
        (
            mapping.custom_question_fields,
            "bookingcustomquestion-create.response.json",
            "answerInputType",
            "answer_input_type",
            AnswerInputType,
        ),
    ],
)
def test_an_unknown_enum_value_becomes_unknown_future_value_with_a_warning(
    read, body, member, field, fallback
):
    data = {**example(body), member: "somethingNew"}

    mapped = read(data)

    assert mapped.fields[field] == fallback.UNKNOWN_FUTURE_VALUE
    assert mapped.warnings == (f"{member}: unknown value 'somethingNew' read as 'unknownFutureValue'",)


@pytest.mark.parametrize(
    ("read", "body", "change", "member"),
    [
        (mapping.service_fields, "bookingservice-get.response.json", {"displayName": None}, "displayName"),
        (mapping.service_fields, "bookingservice-get.response.json", {"displayName": "  "}, "displayName"),
        (mapping.service_fields, "bookingservice-get.response.json", {"id": None}, "id"),
        (
            mapping.service_fields,
            "bookingservice-get.response.json",
            {"defaultDuration": "30 minutes"},
            "defaultDuration",
        ),
        (mapping.service_fields, "bookingservice-get.response.json", {"preBuffer": "P1M"}, "preBuffer"),
        (mapping.service_fields, "bookingservice-get.response.json", {"defaultPrice": "ten"}, "defaultPrice"),
        (
            mapping.service_fields,
            "bookingservice-get.response.json",
            {"staffMemberIds": "a,b"},
            "staffMemberIds",
        ),
        (
            mapping.service_fields,
            "bookingservice-get.response.json",
            {"customQuestions": [{}]},
            "customQuestions[0].questionId",
        ),
        (
            mapping.service_fields,
            "bookingservice-get.response.json",
            {"schedulingPolicy": {"timeSlotInterval": "soon"}},
            "schedulingPolicy.timeSlotInterval",
        ),
        (
            mapping.staff_member_fields,
            "bookingstaffmember-get.response.json",
            {"emailAddress": None},
            "emailAddress",
        ),
        (
            mapping.staff_member_fields,
            "bookingstaffmember-get.response.json",
            {"useBusinessHours": "yes"},
            "useBusinessHours",
        ),
        (
            mapping.staff_member_fields,
            "bookingstaffmember-get.response.json",
            {"workingHours": [{"day": "funday", "timeSlots": []}]},
            "workingHours[0].day",
        ),
        (
            mapping.staff_member_fields,
            "bookingstaffmember-get.response.json",
            {"workingHours": [{"day": "monday"}, {"day": "monday"}]},
            "workingHours",
        ),
        (
            mapping.custom_question_fields,
            "bookingcustomquestion-create.response.json",
            {"answerOptions": [1]},
            "answerOptions",
        ),
        (mapping.business_fields, "bookingbusiness-get.response.json", {"displayName": 42}, "displayName"),
    ],
)
def test_an_item_that_cannot_be_read_raises_naming_the_member(read, body, change, member):
    with pytest.raises(MappingError) as raised:
        read({**example(body), **change})

    assert raised.value.member == member


@pytest.mark.parametrize(
    "read", [mapping.service_fields, mapping.staff_member_fields, mapping.business_fields]
)
def test_a_missing_display_name_is_reported(read):
    with pytest.raises(MappingError, match="displayName: is required"):
        read({"id": "x"})


@pytest.mark.parametrize("body", [None, [], "service"])
def test_something_other_than_an_object_is_reported(body):
    with pytest.raises(MappingError, match="expected a JSON object"):
        mapping.service_fields(body)


def test_absent_members_are_left_out_and_nulls_mean_none_or_the_default():
    mapped = mapping.service_fields(
        {
            "id": "s1",
            "displayName": "Minimal",
            "description": None,
            "defaultLocation": None,
            "isHiddenFromCustomers": None,
            "maximumAttendeesCount": 0,
        }
    )

    assert mapped.fields == {
        "display_name": "Minimal",
        "description": "",
        "default_location": None,
    } | {"maximum_attendees_count": 1}
    assert mapped.staff_member_ids is None and mapped.question_assignments is None
    assert mapped.warnings == ("maximumAttendeesCount: 0 read as 1",)
