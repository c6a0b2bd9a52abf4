"""Graph's complex types (contract §4.6, §4.7) read from and written to Graph JSON by ``bookings.values``."""

import dataclasses
import json
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bookings.enums import (
    AnswerInputType,
    DayOfWeek,
    PageAccessControl,
    ReminderRecipients,
    ServiceAvailabilityType,
)
from bookings.values import (
    BookingPageSettings,
    BookingsAvailability,
    BookingsAvailabilityWindow,
    GraphValueError,
    Location,
    OutlookGeoCoordinates,
    Phone,
    PhysicalAddress,
    QuestionAnswer,
    Reminder,
    SchedulingPolicy,
    WorkHours,
    WorkTimeSlot,
    read_many,
    standard_week,
    validate_week,
    write_many,
)
from tests.conftest import EXAMPLES

# Which complex type each member holds, wherever it appears in Microsoft's example bodies.
ONE = {
    "schedulingPolicy": SchedulingPolicy,
    "defaultLocation": Location,
    "serviceLocation": Location,
    "location": Location,
    "address": PhysicalAddress,
}
MANY = {
    "businessHours": WorkHours,
    "workingHours": WorkHours,
    "addresses": PhysicalAddress,
    "phones": Phone,
    "defaultReminders": Reminder,
    "reminders": Reminder,
    "customQuestionAnswers": QuestionAnswer,
}
DURATION_MEMBERS = {"timeSlotInterval", "minimumLeadTime", "maximumAdvance", "offset"}
# The only non-normalised duration in the examples: the business PATCH sample (contract §5.1).
NORMALISED_DURATIONS = {"PT60M": "PT1H"}


def _nested_values(node, path=""):
    if isinstance(node, dict):
        for key, value in node.items():
            member_path = f"{path}.{key}" if path else key
            if (key in ONE or key in MANY) and value is not None:
                yield key, member_path, value
            yield from _nested_values(value, member_path)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _nested_values(item, f"{path}[{index}]")


def _example_values():
    found = []
    for file in sorted(EXAMPLES.glob("*.json")):
        for key, path, value in _nested_values(json.loads(file.read_text())):
            found.append(pytest.param(key, value, id=f"{file.stem}:{path}"))
    return found


EXAMPLE_VALUES = _example_values()


def decode(key, data):
    if key in ONE:
        return ONE[key].from_graph(data, key)
    return read_many(MANY[key], data, key)


def encode(key, value):
    return value.to_graph() if key in ONE else write_many(value)


def without_annotations(data, member=None):
    """What the JSON says once OData annotations are dropped and durations written Graph's way."""
    if isinstance(data, dict):
        return {key: without_annotations(value, key) for key, value in data.items() if "@" not in key}
    if isinstance(data, list):
        return [without_annotations(item, member) for item in data]
    if member in DURATION_MEMBERS:
        return NORMALISED_DURATIONS.get(data, data)
    return data


def is_empty(value) -> bool:
    """Nothing in it: null, false, "", [], or an object of empty members (Graph's empty location parts)."""
    if isinstance(value, dict):
        return all(is_empty(member) for member in value.values())
    return value in (None, False, [], "")


def assert_same_information(expected, actual, path="$"):
    """Every member the example sent comes back equal; members it left out, or sent as null, come back
    empty (Graph answers "" and empty objects where a client sent null)."""
    if expected is None:
        assert is_empty(actual), f"{path} came back as {actual!r}"
    elif isinstance(expected, dict):
        assert isinstance(actual, dict), path
        for key, value in expected.items():
            assert key in actual, f"{path}.{key} was dropped"
            assert_same_information(value, actual[key], f"{path}.{key}")
        for key in actual.keys() - expected.keys():
            assert is_empty(actual[key]), f"{path}.{key} appeared with {actual[key]!r}"
    elif isinstance(expected, list):
        assert isinstance(actual, list), path
        assert len(actual) == len(expected), path
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            assert_same_information(want, got, f"{path}[{index}]")
    else:
        assert actual == expected, path


def test_the_examples_hold_every_kind_of_nested_value():
    keys = {param.values[0] for param in EXAMPLE_VALUES}
    assert keys == ONE.keys() | MANY.keys()


@pytest.mark.parametrize(("key", "data"), EXAMPLE_VALUES)
def test_nested_values_in_microsofts_examples_round_trip_with_the_same_information(key, data):
    encoded = encode(key, decode(key, data))
    assert_same_information(without_annotations(data), encoded)
    assert json.loads(json.dumps(encoded)) == encoded


@pytest.mark.parametrize(("key", "data"), EXAMPLE_VALUES)
def test_reading_back_what_was_written_gives_the_same_value(key, data):
    value = decode(key, data)
    assert decode(key, encode(key, value)) == value


def _example(name):
    return json.loads((EXAMPLES / name).read_text())


def test_the_business_patch_sample_interval_of_sixty_minutes_comes_back_as_one_hour():
    data = _example("bookingbusiness-update.request.json")["schedulingPolicy"]
    policy = SchedulingPolicy.from_graph(data, "schedulingPolicy")
    assert policy.time_slot_interval == timedelta(hours=1)
    assert policy.to_graph()["timeSlotInterval"] == "PT1H"


def test_odata_annotations_in_the_staff_sample_are_dropped():
    data = _example("bookingstaffmember-create.request.json")["workingHours"]
    assert "day@odata.type" in data[0]
    encoded = write_many(read_many(WorkHours, data, "workingHours"))
    assert encoded[0] == {
        "day": "monday",
        "timeSlots": [{"startTime": "08:00:00.0000000", "endTime": "17:00:00.0000000"}],
    }


def test_a_service_scheduling_policy_is_read_into_typed_members():
    data = _example("bookingservice-get.response.json")["schedulingPolicy"]
    assert SchedulingPolicy.from_graph(data) == SchedulingPolicy(
        time_slot_interval=timedelta(hours=1),
        minimum_lead_time=timedelta(hours=10),
        maximum_advance=timedelta(days=10),
        send_confirmations_to_owner=True,
        allow_staff_selection=True,
    )


def test_the_default_week_is_the_one_bookings_gives_a_new_business():
    assert write_many(standard_week()) == _example("bookingbusiness-create.response.json")["businessHours"]


def test_a_reminder_reads_its_offset_recipients_and_message():
    data = _example("bookingservice-create.request.json")["defaultReminders"]
    assert read_many(Reminder, data) == (
        Reminder(
            offset=timedelta(days=1),
            recipients=ReminderRecipients.ALL_ATTENDEES,
            message="Please be reminded that this service is tomorrow.",
        ),
    )


def test_a_customer_answer_reads_every_member():
    data = _example("bookingappointment-create.request.json")["customers"][0]["customQuestionAnswers"]
    assert read_many(QuestionAnswer, data) == (
        QuestionAnswer(
            question_id="3bc6fde0-4ad3-445d-ab17-0fc15dba0774",
            question="What is your age?",
            answer_input_type=AnswerInputType.TEXT,
            answer_options=(),
            is_required=True,
            answer="25",
            selected_options=(),
        ),
    )


# --- Unknown members, nulls and defaults ----------------------------------------------------------


def test_unknown_members_are_ignored():
    data = {"number": "206-555-0100", "type": "home", "extension": "12", "isPrimary": True}
    assert Phone.from_graph(data) == Phone(number="206-555-0100", type="home")
    assert Phone.from_graph(data).to_graph() == {"number": "206-555-0100", "type": "home"}


def test_annotations_are_ignored_whatever_they_hold():
    data = {"@odata.type": 42, "recipients@odata.type": ["x"], "offset": "PT2H", "recipients": "staff"}
    assert Reminder.from_graph(data) == Reminder(
        offset=timedelta(hours=2), recipients=ReminderRecipients.STAFF
    )


def test_an_empty_policy_takes_the_bookings_defaults():
    policy = SchedulingPolicy.from_graph({})
    assert policy == SchedulingPolicy(
        time_slot_interval=timedelta(minutes=30),
        minimum_lead_time=timedelta(days=1),
        maximum_advance=timedelta(days=365),
        send_confirmations_to_owner=True,
        allow_staff_selection=True,
        is_meeting_invite_to_customers_enabled=False,
    )


def test_null_means_the_default():
    data = {"timeSlotInterval": None, "allowStaffSelection": None, "customAvailabilities": None}
    assert SchedulingPolicy.from_graph(data) == SchedulingPolicy()
    assert Phone.from_graph({"number": None}) == Phone(number="")


def test_null_stays_null_where_the_member_is_optional():
    assert Location.from_graph({"displayName": None, "address": None}) == Location()
    assert PhysicalAddress.from_graph({"type": None}).type is None


def test_a_policy_leaves_out_the_newer_members_when_they_hold_nothing():
    assert SchedulingPolicy().to_graph() == {
        "timeSlotInterval": "PT30M",
        "minimumLeadTime": "P1D",
        "maximumAdvance": "P365D",
        "sendConfirmationsToOwner": True,
        "allowStaffSelection": True,
        "isMeetingInviteToCustomersEnabled": False,
    }


def test_from_graph_accepts_a_value_that_is_already_typed():
    policy = SchedulingPolicy(time_slot_interval=timedelta(minutes=15))
    assert SchedulingPolicy.from_graph(policy) is policy


def test_values_are_frozen():
    phone = Phone(number="206-555-0100")
    with pytest.raises(dataclasses.FrozenInstanceError):
        phone.number = "0"  # type: ignore[misc]


def test_read_many_returns_a_tuple_and_write_many_a_list():
    data = [{"number": "206-555-0100", "type": "home"}, {"number": "206-555-0200", "type": "business"}]
    phones = read_many(Phone, data, "phones")
    assert phones == (Phone("206-555-0100", "home"), Phone("206-555-0200", "business"))
    assert write_many(phones) == data
    assert read_many(Phone, []) == ()
    assert write_many(()) == []


# --- Availability, windows, page settings -----------------------------------------------------------

CUSTOM_WEEK = [
    {"day": "monday", "timeSlots": [{"startTime": "09:00:00.0000000", "endTime": "12:00:00.0000000"}]},
    {"day": "tuesday", "timeSlots": []},
]


def test_a_policy_with_custom_weekly_hours_and_windows_round_trips():
    data = {
        "timeSlotInterval": "PT15M",
        "minimumLeadTime": "PT2H",
        "maximumAdvance": "P60D",
        "sendConfirmationsToOwner": False,
        "allowStaffSelection": False,
        "isMeetingInviteToCustomersEnabled": True,
        "generalAvailability": {"availabilityType": "customWeeklyHours", "businessHours": CUSTOM_WEEK},
        "customAvailabilities": [
            {
                "availabilityType": "notBookable",
                "businessHours": None,
                "startDate": "2025-12-24",
                "endDate": "2025-12-26",
            }
        ],
    }
    policy = SchedulingPolicy.from_graph(data)
    assert policy.general_availability == BookingsAvailability(
        availability_type=ServiceAvailabilityType.CUSTOM_WEEKLY_HOURS,
        business_hours=(
            WorkHours(DayOfWeek.MONDAY, (WorkTimeSlot(time(9), time(12)),)),
            WorkHours(DayOfWeek.TUESDAY, ()),
        ),
    )
    assert policy.custom_availabilities == (
        BookingsAvailabilityWindow(
            availability_type=ServiceAvailabilityType.NOT_BOOKABLE,
            start_date=date(2025, 12, 24),
            end_date=date(2025, 12, 26),
        ),
    )
    assert policy.to_graph() == data


def test_availability_without_business_hours_keeps_them_null():
    availability = BookingsAvailability.from_graph({"availabilityType": "bookWhenStaffAreFree"})
    assert availability.business_hours is None
    assert availability.to_graph() == {"availabilityType": "bookWhenStaffAreFree", "businessHours": None}


def test_a_window_may_start_and_end_on_the_same_day():
    window = BookingsAvailabilityWindow.from_graph({"startDate": "2025-01-31", "endDate": "2025-01-31"})
    assert window.start_date == window.end_date == date(2025, 1, 31)


def test_a_window_ending_before_it_starts_is_refused():
    data = {"customAvailabilities": [{"startDate": "2025-02-01", "endDate": "2025-01-31"}]}
    with pytest.raises(GraphValueError) as caught:
        SchedulingPolicy.from_graph(data, "schedulingPolicy")
    assert caught.value.path == "schedulingPolicy.customAvailabilities[0]"
    assert "endDate must not be before startDate" in caught.value.message


PAGE_SETTINGS = {
    "accessControl": "restrictedToOrganization",
    "bookingPageColorCode": "#FF00aa",
    "businessTimeZone": "Pacific Standard Time",
    "customerConsentMessage": "We keep your details for a year.",
    "enforceOneTimePassword": True,
    "isBusinessLogoDisplayEnabled": True,
    "isCustomerConsentEnabled": True,
    "isSearchEngineIndexabilityDisabled": True,
    "isTimeSlotTimeZoneSetToBusinessTimeZone": True,
    "privacyPolicyWebUrl": "https://contoso.com/privacy",
    "termsAndConditionsWebUrl": "https://contoso.com/terms",
}


def test_booking_page_settings_round_trip():
    settings_value = BookingPageSettings.from_graph(PAGE_SETTINGS)
    assert settings_value.access_control == PageAccessControl.RESTRICTED_TO_ORGANIZATION
    assert settings_value.to_graph() == PAGE_SETTINGS


def test_booking_page_settings_default_to_an_unrestricted_plain_page():
    assert BookingPageSettings.from_graph({}) == BookingPageSettings(
        access_control=PageAccessControl.UNRESTRICTED,
        enforce_one_time_password=False,
        is_business_logo_display_enabled=False,
        is_customer_consent_enabled=False,
        is_search_engine_indexability_disabled=False,
        is_time_slot_time_zone_set_to_business_time_zone=False,
    )


@pytest.mark.parametrize("zone", ["America/Chicago", "India Standard Time", "UTC"])
def test_the_business_time_zone_may_be_iana_windows_or_utc(zone):
    assert BookingPageSettings.from_graph({"businessTimeZone": zone}).business_time_zone == zone


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        ({"bookingPageColorCode": "red"}, "bookingPageSettings.bookingPageColorCode", "#RRGGBB"),
        ({"bookingPageColorCode": "#12345G"}, "bookingPageSettings.bookingPageColorCode", "#RRGGBB"),
        ({"bookingPageColorCode": "#FF00AA0"}, "bookingPageSettings.bookingPageColorCode", "longer than 7"),
        (
            {"businessTimeZone": "Nowhere/Else"},
            "bookingPageSettings.businessTimeZone",
            "not a known time zone",
        ),
        ({"accessControl": "public"}, "bookingPageSettings.accessControl", "is not one of"),
    ],
)
def test_booking_page_settings_refuse_bad_members_by_path(data, path, message):
    with pytest.raises(GraphValueError) as caught:
        BookingPageSettings.from_graph(data, "bookingPageSettings")
    assert caught.value.path == path
    assert message in caught.value.message


# --- Wrong types are refused, naming the member ----------------------------------------------------


@pytest.mark.parametrize(
    ("value_type", "data", "path", "message"),
    [
        (SchedulingPolicy, {"timeSlotInterval": 30}, "schedulingPolicy.timeSlotInterval", "duration string"),
        (
            SchedulingPolicy,
            {"timeSlotInterval": "30 minutes"},
            "schedulingPolicy.timeSlotInterval",
            "ISO 8601",
        ),
        (SchedulingPolicy, {"maximumAdvance": "P1M"}, "schedulingPolicy.maximumAdvance", "ISO 8601"),
        (SchedulingPolicy, {"minimumLeadTime": "-P1D"}, "schedulingPolicy.minimumLeadTime", "ISO 8601"),
        (SchedulingPolicy, {"maximumAdvance": "P36501D"}, "schedulingPolicy.maximumAdvance", "36500 days"),
        (
            SchedulingPolicy,
            {"allowStaffSelection": "true"},
            "schedulingPolicy.allowStaffSelection",
            "true or false",
        ),
        (
            SchedulingPolicy,
            {"sendConfirmationsToOwner": 1},
            "schedulingPolicy.sendConfirmationsToOwner",
            "true or",
        ),
        (
            SchedulingPolicy,
            {"customAvailabilities": {}},
            "schedulingPolicy.customAvailabilities",
            "JSON array",
        ),
        (
            SchedulingPolicy,
            {"generalAvailability": {"businessHours": [{"day": "monday", "timeSlots": "all day"}]}},
            "schedulingPolicy.generalAvailability.businessHours[0].timeSlots",
            "JSON array",
        ),
        (SchedulingPolicy, "PT30M", "schedulingPolicy", "JSON object"),
        (Location, {"address": "1 Main St"}, "location.address", "JSON object"),
        (Location, {"displayName": 7}, "location.displayName", "expected a string"),
        (Location, {"coordinates": {"latitude": "47.6"}}, "location.coordinates.latitude", "number"),
        (Location, {"coordinates": {"longitude": True}}, "location.coordinates.longitude", "number"),
        (Location, {"coordinates": {"altitude": float("nan")}}, "location.coordinates.altitude", "number"),
        (Location, {"coordinates": {"accuracy": float("inf")}}, "location.coordinates.accuracy", "number"),
        (Location, {"address": {"street": ["4567 Main"]}}, "location.address.street", "expected a string"),
        (WorkTimeSlot, {"startTime": 800, "endTime": "17:00"}, "slot.startTime", "time of day"),
        (WorkTimeSlot, {"startTime": "8am", "endTime": "17:00"}, "slot.startTime", "time of day"),
        (WorkTimeSlot, {"startTime": None, "endTime": "17:00"}, "slot.startTime", "must not be null"),
        (WorkTimeSlot, {"endTime": "17:00"}, "slot.startTime", "is required"),
        (WorkHours, {"timeSlots": []}, "hours.day", "is required"),
        (Reminder, {"message": "See you"}, "reminder.offset", "is required"),
        (Reminder, {"offset": "P1D", "message": 5}, "reminder.message", "expected a string"),
        (QuestionAnswer, {"selectedOptions": [1]}, "answer.selectedOptions[0]", "expected a string"),
        (QuestionAnswer, {"isRequired": "yes"}, "answer.isRequired", "true or false"),
        (BookingsAvailabilityWindow, {"startDate": "2025-02-30"}, "window.startDate", "not a date"),
        (BookingsAvailabilityWindow, {"endDate": 20250131}, "window.endDate", "not a date"),
    ],
)
def test_a_member_of_the_wrong_type_is_refused_with_its_path(value_type, data, path, message):
    prefix = path.split(".")[0]
    with pytest.raises(GraphValueError) as caught:
        value_type.from_graph(data, prefix)
    assert caught.value.path == path
    assert message in caught.value.message


def test_paths_are_relative_to_what_is_passed():
    with pytest.raises(GraphValueError) as caught:
        SchedulingPolicy.from_graph({"timeSlotInterval": 30})
    assert caught.value.path == "timeSlotInterval"
    with pytest.raises(GraphValueError) as caught:
        SchedulingPolicy.from_graph({"timeSlotInterval": 30}, "value[2].schedulingPolicy")
    assert caught.value.path == "value[2].schedulingPolicy.timeSlotInterval"


def test_items_of_a_collection_are_named_by_index():
    data = [
        {"day": "monday", "timeSlots": [{"startTime": "08:00", "endTime": "17:00"}]},
        {"day": "tuesday", "timeSlots": [{"startTime": "08:00", "endTime": "17:00"}, {"startTime": "25:00"}]},
    ]
    with pytest.raises(GraphValueError) as caught:
        read_many(WorkHours, data, "businessHours")
    assert caught.value.path == "businessHours[1].timeSlots[1].startTime"


@pytest.mark.parametrize(
    ("data", "path"), [("phones", "phones"), ({}, "phones"), (["206-555-0100"], "phones[0]")]
)
def test_read_many_refuses_what_is_not_an_array_of_objects(data, path):
    with pytest.raises(GraphValueError) as caught:
        read_many(Phone, data, "phones")
    assert caught.value.path == path


def test_a_collection_of_more_than_a_thousand_items_is_refused():
    phones = [{"number": "206-555-0100"}] * 1001
    with pytest.raises(GraphValueError, match="too many items") as caught:
        read_many(Phone, phones, "phones")
    assert caught.value.path == "phones"
    assert len(read_many(Phone, phones[:1000], "phones")) == 1000


def test_graph_value_error_is_a_value_error_carrying_path_and_message():
    error = GraphValueError("schedulingPolicy.timeSlotInterval", "expected a string")
    assert isinstance(error, ValueError)
    assert (error.path, error.message) == ("schedulingPolicy.timeSlotInterval", "expected a string")
    assert str(error) == "schedulingPolicy.timeSlotInterval: expected a string"
    assert str(GraphValueError("", "expected a JSON array")) == "expected a JSON array"


# --- Rules checked inside one value, reported where the value sits -----------------------------------


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        ({"timeSlotInterval": "PT0S"}, "schedulingPolicy.timeSlotInterval", "at least one minute"),
        ({"timeSlotInterval": "PT59S"}, "schedulingPolicy.timeSlotInterval", "at least one minute"),
        (
            {"minimumLeadTime": "P10D", "maximumAdvance": "P1D"},
            "schedulingPolicy.maximumAdvance",
            "must not be shorter than minimumLeadTime",
        ),
    ],
)
def test_policy_rules_are_reported_at_the_member_they_concern(data, path, message):
    with pytest.raises(GraphValueError) as caught:
        SchedulingPolicy.from_graph(data, "schedulingPolicy")
    assert caught.value.path == path
    assert message in caught.value.message


def test_a_policy_whose_lead_time_equals_its_advance_is_accepted():
    policy = SchedulingPolicy.from_graph({"minimumLeadTime": "P1D", "maximumAdvance": "PT24H"})
    assert policy.minimum_lead_time == policy.maximum_advance


def test_coordinates_out_of_range_are_reported_at_the_nested_member():
    with pytest.raises(GraphValueError) as caught:
        Location.from_graph({"coordinates": {"latitude": 91}}, "defaultLocation")
    assert caught.value.path == "defaultLocation.coordinates.latitude"
    with pytest.raises(GraphValueError) as caught:
        read_many(Location, [{"coordinates": {"longitude": -181}}], "locations")
    assert caught.value.path == "locations[0].coordinates.longitude"


def test_coordinates_on_the_limits_are_accepted():
    coordinates = OutlookGeoCoordinates.from_graph({"latitude": -90, "longitude": 180})
    assert (coordinates.latitude, coordinates.longitude) == (-90.0, 180.0)
    assert isinstance(coordinates.latitude, float)


# --- Enums (§4.7) -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value_type", "data", "path"),
    [
        (WorkHours, {"day": "Monday"}, "hours.day"),
        (WorkHours, {"day": "funday"}, "hours.day"),
        (WorkHours, {"day": 1}, "hours.day"),
        (Reminder, {"offset": "P1D", "recipients": "everyone"}, "reminder.recipients"),
        (BookingsAvailability, {"availabilityType": "sometimes"}, "availability.availabilityType"),
        (QuestionAnswer, {"answerInputType": "checkbox"}, "answer.answerInputType"),
        (BookingPageSettings, {"accessControl": "Unrestricted"}, "page.accessControl"),
    ],
)
def test_unknown_enum_values_are_refused(value_type, data, path):
    with pytest.raises(GraphValueError, match="is not one of") as caught:
        value_type.from_graph(data, path.split(".")[0])
    assert caught.value.path == path


@pytest.mark.parametrize(
    ("value_type", "data"),
    [
        (Reminder, {"offset": "P1D", "recipients": "unknownFutureValue"}),
        (BookingsAvailability, {"availabilityType": "unknownFutureValue"}),
        (QuestionAnswer, {"answerInputType": "unknownFutureValue"}),
        (BookingPageSettings, {"accessControl": "unknownFutureValue"}),
    ],
)
def test_unknown_future_value_is_a_legal_enum_value(value_type, data):
    assert value_type.from_graph(data).to_graph().items() >= data.items()


def test_enum_members_are_read_as_our_choices():
    hours = WorkHours.from_graph({"day": "sunday"})
    assert hours.day is DayOfWeek.SUNDAY
    assert (
        Reminder.from_graph({"offset": "PT1H", "recipients": "customer"}).recipients
        is ReminderRecipients.CUSTOMER
    )


# --- Lengths ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value_type", "member", "limit", "path"),
    [
        (Phone, "number", 64, "phone.number"),
        (Phone, "type", 40, "phone.type"),
        (PhysicalAddress, "street", 500, "address.street"),
        (PhysicalAddress, "city", 200, "address.city"),
        (PhysicalAddress, "postalCode", 40, "address.postalCode"),
        (Location, "displayName", 500, "location.displayName"),
        (Location, "locationUri", 2000, "location.locationUri"),
        (Reminder, "message", 2000, "reminder.message"),
        (QuestionAnswer, "answer", 4000, "answer.answer"),
        (QuestionAnswer, "question", 1000, "answer.question"),
        (BookingPageSettings, "customerConsentMessage", 2000, "page.customerConsentMessage"),
    ],
)
def test_strings_over_their_limit_are_refused_not_truncated(value_type, member, limit, path):
    base = {"offset": "P1D"} if value_type is Reminder else {}
    assert value_type.from_graph({**base, member: "x" * limit}).to_graph()[member] == "x" * limit
    with pytest.raises(GraphValueError, match=f"longer than {limit} characters") as caught:
        value_type.from_graph({**base, member: "x" * (limit + 1)}, path.split(".")[0])
    assert caught.value.path == path


def test_a_huge_string_in_a_list_of_options_is_refused_by_index():
    with pytest.raises(GraphValueError) as caught:
        QuestionAnswer.from_graph({"answerOptions": ["Yes", "x" * 1_000_000]}, "answer")
    assert caught.value.path == "answer.answerOptions[1]"


# --- Work hours -----------------------------------------------------------------------------------------


def test_a_slot_is_read_from_and_written_as_edm_time_of_day():
    slot = WorkTimeSlot.from_graph({"startTime": "08:00:00.0000000", "endTime": "17:30:00"})
    assert slot == WorkTimeSlot(start_time=time(8), end_time=time(17, 30))
    assert slot.to_graph() == {"startTime": "08:00:00.0000000", "endTime": "17:30:00.0000000"}


@pytest.mark.parametrize(
    ("start", "end"), [("17:00:00", "08:00:00"), ("08:00:00", "08:00:00"), ("12:00", "11:59")]
)
def test_a_slot_whose_end_is_not_after_its_start_is_refused(start, end):
    data = [{"day": "monday", "timeSlots": [{"startTime": start, "endTime": end}]}]
    with pytest.raises(GraphValueError, match="endTime must be later than startTime") as caught:
        read_many(WorkHours, data, "businessHours")
    assert caught.value.path == "businessHours[0].timeSlots[0]"


def test_a_slot_ending_at_midnight_runs_until_the_end_of_the_day():
    slot = WorkTimeSlot.from_graph({"startTime": "22:00:00.0000000", "endTime": "00:00:00.0000000"})
    assert slot.end_time == time(0)


def test_validate_week_accepts_each_day_at_most_once():
    validate_week(standard_week())
    validate_week([])
    validate_week([WorkHours(DayOfWeek.MONDAY), WorkHours(DayOfWeek.SUNDAY)])


def test_validate_week_refuses_a_week_naming_a_day_twice():
    week = [
        WorkHours(DayOfWeek.MONDAY, (WorkTimeSlot(time(8), time(12)),)),
        WorkHours(DayOfWeek.TUESDAY),
        WorkHours(DayOfWeek.MONDAY),
    ]
    with pytest.raises(ValueError, match="each day of the week may appear only once"):
        validate_week(week)


def test_custom_weekly_hours_naming_a_day_twice_are_refused_where_they_sit():
    data = {
        "generalAvailability": {
            "availabilityType": "customWeeklyHours",
            "businessHours": [{"day": "monday"}, {"day": "monday"}],
        }
    }
    with pytest.raises(GraphValueError, match="only once") as caught:
        SchedulingPolicy.from_graph(data, "schedulingPolicy")
    assert caught.value.path == "schedulingPolicy.generalAvailability"


def test_standard_week_opens_monday_to_friday_in_the_given_hours():
    week = standard_week(time(9), time(18))
    assert [entry.day for entry in week] == [
        DayOfWeek.MONDAY,
        DayOfWeek.TUESDAY,
        DayOfWeek.WEDNESDAY,
        DayOfWeek.THURSDAY,
        DayOfWeek.FRIDAY,
        DayOfWeek.SATURDAY,
        DayOfWeek.SUNDAY,
    ]
    assert all(entry.time_slots == (WorkTimeSlot(time(9), time(18)),) for entry in week[:5])
    assert all(entry.time_slots == () for entry in week[5:])


# --- Properties -----------------------------------------------------------------------------------------


@st.composite
def slots(draw):
    start = draw(st.times(max_value=time(23, 59, 59, 999998)))
    just_after = (datetime.combine(date.min, start) + timedelta(microseconds=1)).time()
    end = draw(st.times(min_value=just_after) | st.just(time(0)))
    return WorkTimeSlot(start_time=start, end_time=end)


@settings(database=None)
@given(slots())
def test_every_valid_slot_survives_to_graph_then_from_graph(slot):
    assert WorkTimeSlot.from_graph(slot.to_graph()) == slot


@st.composite
def policies(draw):
    lead = draw(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=365)))
    return SchedulingPolicy(
        time_slot_interval=draw(st.timedeltas(min_value=timedelta(minutes=1), max_value=timedelta(days=1))),
        minimum_lead_time=lead,
        maximum_advance=draw(st.timedeltas(min_value=lead, max_value=timedelta(days=36500))),
        send_confirmations_to_owner=draw(st.booleans()),
        allow_staff_selection=draw(st.booleans()),
        is_meeting_invite_to_customers_enabled=draw(st.booleans()),
    )


@settings(database=None)
@given(policies())
def test_every_valid_policy_survives_to_graph_then_from_graph(policy):
    assert SchedulingPolicy.from_graph(policy.to_graph()) == policy


@settings(database=None)
@given(
    offset=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=365)),
    recipients=st.sampled_from(ReminderRecipients),
    message=st.text(max_size=2000),
)
def test_every_reminder_survives_a_trip_through_json_text(offset, recipients, message):
    reminder = Reminder(offset=offset, recipients=recipients, message=message)
    assert Reminder.from_graph(json.loads(json.dumps(reminder.to_graph()))) == reminder
