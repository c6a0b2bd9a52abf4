"""``…/bookingBusinesses/{id}/calendarView?start=…&end=…``: the appointments overlapping a window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest

from bookings import booking
from tests.conftest import example
from tests.factories import AppointmentFactory, BusinessFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def at(hour: int, minute: int = 0, day: int = 6) -> datetime:
    return datetime(2030, 5, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def business():
    return BusinessFactory(graph_id="Contosolunchdelivery@contoso.com")


@pytest.fixture
def service(business):
    return ServiceFactory(business=business, display_name="Catered bento")


def book(business, service, start: datetime, end: datetime):
    return AppointmentFactory(business=business, service=service, start=start, end=end)


def calendar_view(api, business, **params: str):
    return api.get(f"bookingBusinesses/{business.graph_id}/calendarView", params)


def ids(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [item["id"] for item in response.json()["value"]]


def assert_bad_request(response) -> dict[str, Any]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == "BadRequest"
    assert body["error"]["message"]
    return body["error"]


def test_calendar_view_lists_appointments_overlapping_the_window(api, business, service):
    # The window is 10:00-12:00 UTC.
    ends_at_window_start = book(business, service, at(9), at(10))
    starts_at_window_end = book(business, service, at(12), at(13))
    overlaps_start = book(business, service, at(9, 30), at(10, 30))
    inside = book(business, service, at(10, 30), at(11))
    overlaps_end = book(business, service, at(11, 30), at(12, 30))
    spans_window = book(business, service, at(8), at(14))
    next_day = book(business, service, at(10, day=7), at(11, day=7))

    listed = ids(calendar_view(api, business, start="2030-05-06T10:00:00Z", end="2030-05-06T12:00:00Z"))

    assert listed == [str(a.id) for a in (spans_window, overlaps_start, inside, overlaps_end)]
    for outside in (ends_at_window_start, starts_at_window_end, next_day):
        assert str(outside.id) not in listed


def test_calendar_view_answers_graphs_collection_shape(api, business, service):
    booking.create_appointment(
        business=business,
        service=service,
        start=datetime(2018, 5, 5, 12, tzinfo=UTC),
        customers=[
            booking.CustomerDetails(
                name="Adele Vance", email_address="adelev@proseware.com", notes="Ring twice."
            )
        ],
        service_notes="Customer requires punctual service.",
    )

    response = calendar_view(api, business, start="2018-04-30T00:00:00Z", end="2018-05-10T00:00:00Z")

    assert response.status_code == 200
    body = response.json()
    assert body["@odata.context"].endswith(
        "#bookingBusinesses('Contosolunchdelivery%40contoso.com')/calendarView"
    )
    [item] = body["value"]
    assert item["startDateTime"] == {"dateTime": "2018-05-05T12:00:00.0000000Z", "timeZone": "UTC"}
    assert item["endDateTime"] == {"dateTime": "2018-05-05T12:30:00.0000000Z", "timeZone": "UTC"}
    assert item["customers"][0]["@odata.type"] == "#microsoft.graph.bookingCustomerInformation"
    # A list: the by-id-only members are empty.
    assert item["serviceNotes"] is None
    assert item["reminders"] == []
    assert item["customers"][0]["notes"] is None
    # Every member of Microsoft's example item is there (Microsoft's sample prints the beta names
    # start/end, which v1.0 calls startDateTime/endDateTime).
    microsofts = example("bookingbusiness-list-calendarview.response.json")["value"][0]
    renamed = {"start": "startDateTime", "end": "endDateTime"}
    assert {renamed.get(key, key) for key in microsofts} <= set(item)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        pytest.param("2030-05-06T10:00:00Z", "2030-05-06T12:00:00Z", id="utc-with-z"),
        pytest.param("2030-05-06T03:00:00-07:00", "2030-05-06T05:00:00-07:00", id="negative-offset"),
        pytest.param("2030-05-06T12:00:00+02:00", "2030-05-06T14:00:00+02:00", id="positive-offset"),
        pytest.param(
            "2030-05-06T10:00:00.0000000Z", "2030-05-06T12:00:00.0000000Z", id="seven-fractional-digits"
        ),
        pytest.param("2030-05-06T10:00:00", "2030-05-06T12:00:00", id="no-offset-means-utc"),
    ],
)
def test_calendar_view_honours_the_offset_in_start_and_end(api, business, service, start, end):
    inside = book(business, service, at(10), at(10, 30))
    before = book(business, service, at(9), at(9, 30))
    after = book(business, service, at(12), at(12, 30))

    listed = ids(calendar_view(api, business, start=start, end=end))

    assert listed == [str(inside.id)]
    assert str(before.id) not in listed and str(after.id) not in listed


def test_calendar_view_reads_microsofts_offset_example_across_midnight(api, business, service):
    # 2017-12-31T16:00:00-08:00 is midnight UTC on New Year's day.
    new_year = book(
        business, service, datetime(2018, 1, 1, 0, 30, tzinfo=UTC), datetime(2018, 1, 1, 1, tzinfo=UTC)
    )
    new_years_eve = book(
        business,
        service,
        datetime(2017, 12, 31, 23, 0, tzinfo=UTC),
        datetime(2017, 12, 31, 23, 30, tzinfo=UTC),
    )

    listed = ids(
        calendar_view(api, business, start="2017-12-31T16:00:00-08:00", end="2018-01-01T16:00:00-08:00")
    )

    assert listed == [str(new_year.id)]
    assert str(new_years_eve.id) not in listed


def test_calendar_view_ignores_prefer_outlook_timezone(api, business, service):
    inside = book(business, service, at(10), at(10, 30))

    response = api.get(
        f"bookingBusinesses/{business.graph_id}/calendarView",
        {"start": "2030-05-06T10:00:00Z", "end": "2030-05-06T11:00:00Z"},
        HTTP_PREFER='outlook.timezone="Pacific Standard Time"',
    )

    [item] = response.json()["value"]
    assert item["id"] == str(inside.id)
    assert item["startDateTime"] == {"dateTime": "2030-05-06T10:00:00.0000000Z", "timeZone": "UTC"}


def test_calendar_view_accepts_a_window_of_centuries(api, business, service):
    booked = book(business, service, at(10), at(10, 30))

    listed = ids(calendar_view(api, business, start="1950-01-01T00:00:00Z", end="2999-12-31T23:59:59Z"))

    assert listed == [str(booked.id)]


def test_calendar_view_accepts_start_date_time_and_end_date_time_as_aliases(api, business, service):
    inside = book(business, service, at(10), at(10, 30))

    listed = ids(
        calendar_view(api, business, startDateTime="2030-05-06T09:00:00Z", endDateTime="2030-05-06T11:00:00Z")
    )

    assert listed == [str(inside.id)]


def test_calendar_view_leaves_out_cancelled_and_deleted_appointments(api, business, service):
    kept = book(business, service, at(10), at(10, 30))
    booking.cancel_appointment(book(business, service, at(10), at(10, 30)), message="Closed")
    booking.delete_appointment(book(business, service, at(10), at(10, 30)))

    listed = ids(calendar_view(api, business, start="2030-05-06T00:00:00Z", end="2030-05-07T00:00:00Z"))

    assert listed == [str(kept.id)]


def test_calendar_view_shows_only_the_businesss_own_appointments(api, business, service):
    own = book(business, service, at(10), at(10, 30))
    AppointmentFactory(start=at(10), end=at(10, 30))

    listed = ids(calendar_view(api, business, start="2030-05-06T00:00:00Z", end="2030-05-07T00:00:00Z"))

    assert listed == [str(own.id)]


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({}, id="neither"),
        pytest.param({"start": "2030-05-06T10:00:00Z"}, id="missing-end"),
        pytest.param({"end": "2030-05-06T12:00:00Z"}, id="missing-start"),
        pytest.param({"start": "", "end": "2030-05-06T12:00:00Z"}, id="empty-start"),
        pytest.param({"startDateTime": "2030-05-06T10:00:00Z"}, id="alias-missing-end"),
    ],
)
def test_calendar_view_without_start_or_end_answers_400(api, business, params):
    error = assert_bad_request(calendar_view(api, business, **params))

    assert "start" in error["message"] or "end" in error["message"]


@pytest.mark.parametrize(
    ("start", "end", "named"),
    [
        pytest.param("yesterday", "2030-05-06T12:00:00Z", "start", id="start-garbage"),
        pytest.param("2030-05-06T10:00:00Z", "2030-13-01T00:00:00Z", "end", id="end-impossible-month"),
        pytest.param("2030-05-06", "2030-05-07", "start", id="date-only"),
        pytest.param("2030-05-06T10:00:00+25:00", "2030-05-06T12:00:00Z", "start", id="offset-out-of-range"),
        pytest.param("1747000000", "1747100000", "start", id="epoch-seconds"),
        pytest.param("0001-01-01T00:00:00+01:00", "2030-05-06T12:00:00Z", "start", id="before-year-1-in-utc"),
        pytest.param("2030-05-06T10:00:00Z", "9999-12-31T23:00:00-08:00", "end", id="after-year-9999-in-utc"),
    ],
)
def test_calendar_view_with_malformed_start_or_end_answers_400(api, business, start, end, named):
    error = assert_bad_request(calendar_view(api, business, start=start, end=end))

    assert named in error["message"]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        pytest.param("2030-05-06T12:00:00Z", "2030-05-06T10:00:00Z", id="end-before-start"),
        pytest.param("2030-05-06T12:00:00Z", "2030-05-06T12:00:00Z", id="end-equal-to-start"),
        pytest.param(
            "2030-05-06T12:00:00Z", "2030-05-06T13:00:00+02:00", id="end-before-start-once-offset-applied"
        ),
    ],
)
def test_calendar_view_with_end_not_after_start_answers_400(api, business, start, end):
    assert_bad_request(calendar_view(api, business, start=start, end=end))


def test_calendar_view_of_an_unknown_business_answers_404(api):
    response = api.get(
        "bookingBusinesses/nobody@contoso.com/calendarView",
        {"start": "2030-05-06T10:00:00Z", "end": "2030-05-06T12:00:00Z"},
    )

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "ErrorNonExistentMailbox"


def test_calendar_view_path_segment_is_case_insensitive(api, business, service):
    inside = book(business, service, at(10), at(10, 30))

    response = api.get(
        f"bookingbusinesses/{business.graph_id}/calendarview",
        {"start": "2030-05-06T00:00:00Z", "end": "2030-05-07T00:00:00Z"},
    )

    assert ids(response) == [str(inside.id)]


def test_calendar_view_pages_with_top_and_next_link(api, business, service):
    booked = [
        book(business, service, at(8) + timedelta(hours=n), at(8, 30) + timedelta(hours=n)) for n in range(5)
    ]

    response = calendar_view(
        # "+" must survive the round trip through the nextLink's query string.
        api,
        business,
        start="2030-05-06T02:00:00+02:00",
        end="2030-05-07T00:00:00Z",
        **{"$top": "2"},
    )
    pages = []
    while True:
        assert response.status_code == 200, response.json()
        body = response.json()
        pages.append([item["id"] for item in body["value"]])
        assert body["@odata.context"].endswith("/calendarView")
        if "@odata.nextLink" not in body:
            break
        link = urlsplit(body["@odata.nextLink"])
        assert link.scheme and link.netloc, "nextLink is an absolute URL"
        response = api.get(f"{link.path}?{link.query}")

    assert [len(page) for page in pages] == [2, 2, 1]
    assert [item for page in pages for item in page] == [str(a.id) for a in booked]


def test_calendar_view_counts_with_count_true(api, business, service):
    for n in range(3):
        book(business, service, at(8 + n), at(8 + n, 30))

    body = calendar_view(
        api,
        business,
        start="2030-05-06T00:00:00Z",
        end="2030-05-07T00:00:00Z",
        **{"$count": "true", "$top": "1"},
    ).json()

    assert body["@odata.count"] == 3
    assert len(body["value"]) == 1


def test_calendar_view_costs_a_constant_number_of_queries(
    api, business, service, django_assert_max_num_queries
):
    for n in range(20):
        booking.create_appointment(
            business=business,
            service=service,
            start=at(0) + timedelta(minutes=45 * n),
            customers=[booking.CustomerDetails(name=f"Guest {n}", email_address=f"guest{n}@example.com")],
        )

    with django_assert_max_num_queries(6):
        response = calendar_view(api, business, start="2030-05-06T00:00:00Z", end="2030-05-07T00:00:00Z")

    assert len(ids(response)) == 20
