"""Graph JSON for the calendar caches (bookings.graph.calendar_mapping), checked against Microsoft's
example bodies. Pure functions: no database, no emulator."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bookings.enums import PriceType
from bookings.graph import calendar_mapping
from bookings.graph.calendar_mapping import BusyItem, CustomerInfo, availability_zone, busy_items
from bookings.graph.mapping import MappingError
from bookings.models import Appointment
from tests.conftest import example

CHICAGO = ZoneInfo("America/Chicago")
PACIFIC = ZoneInfo("America/Los_Angeles")
STAFF = "311a5454-08b2-4560-ba1c-f715e938cb79"


def listed() -> list[dict]:
    return example("bookingbusiness-list-calendarview.response.json")["value"]


# --- calendarView items -----------------------------------------------------------------------------


def test_microsofts_calendarview_example_maps_to_fields_the_model_accepts():
    mapped = calendar_mapping.appointment_fields(listed()[0])

    assert mapped.graph_id == "AAMkADKpAAA="
    fields = mapped.fields
    assert (fields["start"], fields["end"]) == (
        datetime(2018, 5, 5, 12, tzinfo=UTC),
        datetime(2018, 5, 5, 12, 30, tzinfo=UTC),
    )  # the beta names start/end, as this sample has them
    assert (fields["pre_buffer"], fields["post_buffer"]) == (timedelta(minutes=5), timedelta(minutes=10))
    assert fields["price_type"] == PriceType.FIXED_PRICE and fields["price"] == 10.0
    assert fields["service_name"] == "Catered bento" and fields["is_location_online"] is True
    assert mapped.service_id == "57da6774-a087-4d69-b0e6-6fb82c339976"
    assert mapped.staff_member_ids == ()
    (adele,) = mapped.customers
    assert adele == CustomerInfo(
        customer_id="80b5ddda-1e3b-4c9d-abe2-d606cc075e2e",
        name="Adele Vance",
        email_address="adelev@proseware.com",
        phone="213-555-0156",
        time_zone="America/Chicago",
        location=adele.location,
    )
    assert adele.location.display_name == "Customer"
    Appointment(**fields).clean_fields(exclude=["business"])
    assert mapped.warnings == ()


def test_v1_names_win_and_times_in_another_zone_are_read_as_utc():
    item = {
        "id": "AAMkAD+/=",
        "startDateTime": {"dateTime": "2031-03-04T10:00:00", "timeZone": "Central Standard Time"},
        "endDateTime": {"dateTime": "2031-03-04T16:30:00.0000000Z", "timeZone": "UTC"},
        "start": {"dateTime": "1999-01-01T00:00:00Z", "timeZone": "UTC"},
        "serviceId": "",
        "staffMemberIds": ["a", "b", "a"],
    }

    mapped = calendar_mapping.appointment_fields(item)

    assert mapped.fields["start"] == datetime(2031, 3, 4, 16, tzinfo=UTC)
    assert mapped.service_id is None and mapped.staff_member_ids == ("a", "b")


@pytest.mark.parametrize(
    ("change", "member"),
    [
        ({"id": None}, "id"),
        ({"id": ""}, "id"),
        ({"start": None}, "startDateTime"),
        ({"end": {"dateTime": "soon", "timeZone": "UTC"}}, "end"),
        ({"end": {"dateTime": "2018-05-05T11:00:00Z", "timeZone": "UTC"}}, "endDateTime"),
        ({"start": {"dateTime": "2018-05-05T12:00:00", "timeZone": "Mars Standard Time"}}, "start"),
    ],
)
def test_an_item_without_a_usable_id_start_or_end_cannot_be_mirrored(change, member):
    item = {**listed()[0], **change}
    if change.get("start", ...) is None:
        del item["start"]

    with pytest.raises(MappingError) as raised:
        calendar_mapping.appointment_fields(item)
    assert raised.value.member == member


def test_other_members_graph_sends_malformed_are_left_out_with_a_warning():
    item = copy.deepcopy(listed()[0])
    item.update(
        preBuffer="soon",
        price="ten",
        priceType="barter",
        staffMemberIds="dana",
        customers=[{"name": 5, "emailAddress": "x@example.com"}, "nobody"],
        serviceLocation=[],
        postBuffer="P3D",
    )

    mapped = calendar_mapping.appointment_fields(item)

    fields = mapped.fields
    assert "pre_buffer" not in fields and "price" not in fields and "post_buffer" not in fields
    assert "service_location" not in fields
    assert fields["price_type"] == PriceType.UNKNOWN_FUTURE_VALUE
    assert mapped.staff_member_ids == ()
    assert mapped.customers == (CustomerInfo(email_address="x@example.com"),)
    assert len(mapped.warnings) == 8


def test_an_appointment_with_only_the_single_customer_members_gets_that_customer():
    item = {**listed()[1], "customers": []}

    (jordan,) = calendar_mapping.appointment_fields(item).customers

    assert (jordan.name, jordan.email_address, jordan.phone) == (
        "Jordan Miller",
        "jordanm@contoso.com",
        "213-555-0199",
    )


def test_the_request_shapes():
    start, end = datetime(2031, 3, 2, 6, tzinfo=UTC), datetime(2031, 3, 13, 6, 30, 5, tzinfo=UTC)

    assert calendar_mapping.calendar_view_params(start, end) == {
        "start": "2031-03-02T06:00:00Z",
        "end": "2031-03-13T06:30:05Z",
    }
    body = calendar_mapping.staff_availability_request([STAFF], start, end)
    request = example("bookingbusiness-getstaffavailability.request.json")
    assert set(body) == set(request) and set(body["startDateTime"]) == set(request["startDateTime"])
    assert body["endDateTime"] == {"dateTime": "2031-03-13T06:30:05", "timeZone": "UTC"}


# --- getStaffAvailability ---------------------------------------------------------------------------


def test_microsofts_availability_example_gives_its_one_busy_range_in_utc():
    response = example("bookingbusiness-getstaffavailability.response.json")  # "staffAvailabilityItem"

    items, problems = busy_items(response, business_zone=PACIFIC)

    # "(UTC-08:00) Pacific Time (US & Canada)" on 24 January: PST, so 15:00 there is 23:00 UTC.
    assert items == [
        BusyItem(STAFF, datetime(2022, 1, 24, 23, tzinfo=UTC), datetime(2022, 1, 25, tzinfo=UTC), "busy")
    ]
    assert problems == []


def test_statuses_map_case_insensitively_and_unknown_ones_count_as_busy():
    def item(status: str, hour: int) -> dict:
        return {
            "status": status,
            "startDateTime": {"dateTime": f"2031-07-01T{hour:02d}:00:00", "timeZone": "UTC"},
            "endDateTime": {"dateTime": f"2031-07-01T{hour:02d}:30:00", "timeZone": "UTC"},
        }

    statuses = ["available", "SlotsAvailable", "Busy", "outOfOffice", "tentative", "unknownFutureValue"]
    response = {
        "value": [{"staffId": STAFF, "availabilityItems": [item(s, h) for h, s in enumerate(statuses)]}]
    }

    items, _problems = busy_items(response, business_zone=CHICAGO)

    assert [(i.start.hour, i.status) for i in items] == [
        (2, "busy"),
        (3, "outOfOffice"),
        (4, "unknown"),
        (5, "unknown"),
    ]


def test_unreadable_parts_of_an_availability_answer_are_skipped_and_reported():
    good = {
        "status": "busy",
        "startDateTime": {"dateTime": "2031-07-01T10:00:00", "timeZone": "UTC"},
        "endDateTime": {"dateTime": "2031-07-01T11:00:00", "timeZone": "UTC"},
    }
    response = {
        "value": [
            {
                "staffId": STAFF,
                "availabilityItems": [good, {**good, "endDateTime": good["startDateTime"]}, "x"],
            },
            {"availabilityItems": [good]},
            {"staffId": "other", "availabilityItems": [{**good, "startDateTime": None}, {"status": 3}]},
        ]
    }

    items, problems = busy_items(response, business_zone=CHICAGO)

    assert [i.staff_id for i in items] == [STAFF]
    assert len(problems) == 5
    with pytest.raises(MappingError):
        busy_items({"value": "nope"}, business_zone=CHICAGO)


def test_display_zone_names_read_in_the_business_zone_when_its_standard_offset_matches():
    pacific_name = "(UTC-08:00) Pacific Time (US & Canada)"

    assert availability_zone(pacific_name, PACIFIC) is PACIFIC  # daylight saving then comes out right
    assert availability_zone(pacific_name, CHICAGO) == timezone(timedelta(hours=-8))
    assert availability_zone("(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi", CHICAGO) == timezone(
        timedelta(hours=5, minutes=30)
    )
    assert availability_zone("(UTC) Coordinated Universal Time", CHICAGO) == UTC
    india = datetime(2031, 7, 1, tzinfo=availability_zone("India Standard Time", CHICAGO))
    assert india.utcoffset() == timedelta(hours=5, minutes=30)
    assert availability_zone("", CHICAGO) == UTC
    with pytest.raises(ValueError):
        availability_zone("Somewhere Else", CHICAGO)


def test_a_summer_time_in_a_display_zone_uses_daylight_saving():
    response = {
        "value": [
            {
                "staffId": STAFF,
                "availabilityItems": [
                    {
                        "status": "busy",
                        "startDateTime": {
                            "dateTime": "2031-07-01T09:00:00",
                            "timeZone": "(UTC-08:00) Pacific Time (US & Canada)",
                        },
                        "endDateTime": {
                            "dateTime": "2031-07-01T10:00:00",
                            "timeZone": "(UTC-08:00) Pacific Time (US & Canada)",
                        },
                    }
                ],
            }
        ]
    }

    (item,), _ = busy_items(response, business_zone=PACIFIC)

    assert item.start == datetime(2031, 7, 1, 16, tzinfo=UTC)  # PDT is UTC-7
