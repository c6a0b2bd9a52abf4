"""Graph's wire formats for time (contract §4.6, §5.1, §5.2) read and printed by ``bookings.isoformats``."""

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bookings.isoformats import (
    MAX_DURATION,
    format_date,
    format_datetime_offset,
    format_datetime_time_zone,
    format_duration,
    format_time_of_day,
    is_time_zone,
    parse_date,
    parse_datetime_offset,
    parse_datetime_time_zone,
    parse_duration,
    parse_time_of_day,
    resolve_time_zone,
)

CHICAGO = ZoneInfo("America/Chicago")


# --- Durations (§5.1) -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PT30M", timedelta(minutes=30)),
        ("PT1H30M", timedelta(hours=1, minutes=30)),
        ("PT1H", timedelta(hours=1)),
        ("PT10H", timedelta(hours=10)),
        ("PT5M", timedelta(minutes=5)),
        ("PT0S", timedelta(0)),
        ("P1D", timedelta(days=1)),
        ("P10D", timedelta(days=10)),
        ("P30D", timedelta(days=30)),
        ("P365D", timedelta(days=365)),
        ("P1DT2H", timedelta(days=1, hours=2)),
        ("P1DT2H3M4S", timedelta(days=1, hours=2, minutes=3, seconds=4)),
        ("P2W", timedelta(weeks=2)),
    ],
)
def test_parse_duration_reads_the_durations_graph_sends(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PT60M", timedelta(hours=1)),
        ("PT90M", timedelta(hours=1, minutes=30)),
        ("PT24H", timedelta(days=1)),
        ("PT3600S", timedelta(hours=1)),
        ("P0D", timedelta(0)),
        ("PT0H0M0S", timedelta(0)),
    ],
)
def test_parse_duration_accepts_non_normalised_forms(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("PT60M", "PT1H"),
        ("PT90M", "PT1H30M"),
        ("PT24H", "P1D"),
        ("PT3600S", "PT1H"),
        ("PT1440M", "P1D"),
        ("P0D", "PT0S"),
        ("PT0H0M0S", "PT0S"),
        ("P2W", "P14D"),
    ],
)
def test_a_non_normalised_duration_comes_back_in_graphs_normalised_form(text, normalised):
    assert format_duration(parse_duration(text)) == normalised


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PT1.5S", timedelta(seconds=1, milliseconds=500)),
        ("PT0.25S", timedelta(milliseconds=250)),
        ("PT0.000001S", timedelta(microseconds=1)),
        ("PT1M30.5S", timedelta(minutes=1, seconds=30, milliseconds=500)),
    ],
)
def test_parse_duration_reads_fractional_seconds(text, expected):
    assert parse_duration(text) == expected


def test_fractional_seconds_are_rounded_to_the_nearest_microsecond():
    assert parse_duration("PT0.0000004S") == timedelta(0)
    assert parse_duration("PT0.0000006S") == timedelta(microseconds=1)
    assert parse_duration("PT59.9999999S") == timedelta(minutes=1)


def test_microsofts_malformed_documentation_example_without_t_is_accepted():
    # The bookingService page writes P11D23H59M59.999999999999S: no "T", twelve decimals.
    assert parse_duration("P11D23H59M59.999999999999S") == timedelta(days=12)


def test_a_duration_without_t_but_with_hours_is_read_as_hours():
    assert parse_duration("P1D2H") == timedelta(days=1, hours=2)
    assert parse_duration("P2H30M") == timedelta(hours=2, minutes=30)


def test_surrounding_whitespace_is_ignored():
    assert parse_duration("  PT30M\n") == timedelta(minutes=30)


@pytest.mark.parametrize("text", ["P1M", "P2M", "P1Y", "P1Y2M3D", "P1Y2M3DT4H", "P1MT1H", "P1M1H"])
def test_parse_duration_refuses_years_and_months(text):
    with pytest.raises(ValueError, match="not an ISO 8601 duration"):
        parse_duration(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "P",
        "PT",
        "P1DT",
        "T30M",
        "30",
        "30M",
        "PT30",
        "PT30 M",
        "PT1.5H",
        "P1.5D",
        "PTxS",
        "PT.5S",
        "PT5.S",
        "30 minutes",
        "00:30:00",
        "PT30M30M",
        "PT30MPT",
        "PT1S1M",
        "P1DP1D",
        "PT1E3S",
    ],
)
def test_parse_duration_refuses_garbage(text):
    with pytest.raises(ValueError, match="not an ISO 8601 duration"):
        parse_duration(text)


@pytest.mark.parametrize("value", [None, 30, 1.5, timedelta(minutes=30), b"PT30M", ["PT30M"]])
def test_parse_duration_refuses_what_is_not_a_string(value):
    with pytest.raises(ValueError, match="expected an ISO 8601 duration string"):
        parse_duration(value)


@pytest.mark.parametrize("text", ["-PT30M", "PT-30M", "-P1D", "P-1D", "P1DT-1H"])
def test_parse_duration_refuses_negative_durations(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_the_longest_duration_accepted_is_a_hundred_years_of_days():
    assert MAX_DURATION.days == 36500
    assert parse_duration("P36500D") == MAX_DURATION
    assert parse_duration("PT876000H") == MAX_DURATION


@pytest.mark.parametrize(
    "text",
    [
        "P36501D",
        "PT876001H",
        "P36500DT0.000001S",
        "P5300W",
        "P99999999999999999999D",
        "PT99999999999999999999H",
        "PT99999999999999999999M",
        "PT99999999999999999999S",
        pytest.param("PT" + "9" * 400 + "S", id="seconds-too-large-for-a-float"),
        pytest.param("PT" + "9" * 400 + ".5S", id="fractional-seconds-too-large-for-a-float"),
        pytest.param("P" + "9" * 5000 + "D", id="days-with-more-digits-than-int-reads"),
        pytest.param("PT" + "9" * 5000 + "H", id="hours-with-more-digits-than-int-reads"),
    ],
)
def test_parse_duration_refuses_durations_too_long_for_any_booking_rule(text):
    with pytest.raises(ValueError, match="is longer than 36500 days"):
        parse_duration(text)


def test_the_error_message_quotes_at_most_fifty_characters_of_the_input():
    with pytest.raises(ValueError) as caught:
        parse_duration("X" * 10_000)
    assert "X" * 51 not in str(caught.value)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (timedelta(0), "PT0S"),
        (timedelta(minutes=30), "PT30M"),
        (timedelta(hours=1), "PT1H"),
        (timedelta(hours=1, minutes=30), "PT1H30M"),
        (timedelta(hours=10), "PT10H"),
        (timedelta(days=1), "P1D"),
        (timedelta(days=10), "P10D"),
        (timedelta(days=365), "P365D"),
        (timedelta(days=1, hours=2), "P1DT2H"),
        (timedelta(days=1, seconds=5), "P1DT5S"),
        (timedelta(hours=1, seconds=5), "PT1H5S"),
        (timedelta(seconds=1, milliseconds=500), "PT1.5S"),
        (timedelta(microseconds=1), "PT0.000001S"),
        (timedelta(days=11, hours=23, minutes=59, seconds=59, microseconds=999999), "P11DT23H59M59.999999S"),
    ],
)
def test_format_duration_prints_the_normalised_form_graph_returns(value, text):
    assert format_duration(value) == text


def test_format_duration_refuses_negative_durations():
    with pytest.raises(ValueError, match="never negative"):
        format_duration(timedelta(seconds=-1))


durations = st.timedeltas(min_value=timedelta(0), max_value=MAX_DURATION)


@settings(database=None)
@given(durations)
def test_every_duration_survives_format_then_parse(value):
    assert parse_duration(format_duration(value)) == value


@settings(database=None)
@given(durations)
def test_formatting_is_stable_under_a_parse_round_trip(value):
    text = format_duration(value)
    assert format_duration(parse_duration(text)) == text


@settings(database=None)
@given(
    days=st.none() | st.integers(0, 400),
    hours=st.none() | st.integers(0, 200),
    minutes=st.none() | st.integers(0, 5000),
    seconds=st.none() | st.integers(0, 100_000),
)
def test_any_combination_of_components_parses_to_their_sum(days, hours, minutes, seconds):
    time_part = "".join(
        f"{amount}{unit}"
        for amount, unit in [(hours, "H"), (minutes, "M"), (seconds, "S")]
        if amount is not None
    )
    text = "P" + (f"{days}D" if days is not None else "") + (f"T{time_part}" if time_part else "")
    expected = timedelta(days=days or 0, hours=hours or 0, minutes=minutes or 0, seconds=seconds or 0)
    if text == "P":
        with pytest.raises(ValueError):
            parse_duration(text)
    else:
        assert parse_duration(text) == expected


# --- TimeOfDay (§4.6 bookingWorkTimeSlot) ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:00:00.0000000", time(8)),
        ("17:00:00.0000000", time(17)),
        ("00:00:00.0000000", time(0)),
        ("23:59:59.9999990", time(23, 59, 59, 999999)),
        ("12:30:15.5", time(12, 30, 15, 500000)),
        ("08:00:00", time(8)),
        ("08:00", time(8)),
        (" 08:00:00.0000000 ", time(8)),
    ],
)
def test_parse_time_of_day_reads_edm_time_of_day(text, expected):
    assert parse_time_of_day(text) == expected


def test_the_seventh_fractional_digit_is_beyond_microseconds_and_dropped():
    assert parse_time_of_day("23:59:59.9999999") == time(23, 59, 59, 999999)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "8:00",
        "08",
        "0800",
        "24:00:00",
        "08:60:00",
        "08:00:60",
        "08:00:00.12345678",
        "08:00:00.",
        "08:00.5",
        "noon",
        "08:00:00Z",
        "08:00:00+01:00",
        "2025-01-01T08:00:00",
    ],
)
def test_parse_time_of_day_refuses_what_is_not_a_time_of_day(text):
    with pytest.raises(ValueError, match="time of day"):
        parse_time_of_day(text)


@pytest.mark.parametrize("value", [None, 8, time(8)])
def test_parse_time_of_day_refuses_what_is_not_a_string(value):
    with pytest.raises(ValueError, match="time of day"):
        parse_time_of_day(value)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (time(8), "08:00:00.0000000"),
        (time(17, 30), "17:30:00.0000000"),
        (time(0), "00:00:00.0000000"),
        (time(23, 59, 59, 999999), "23:59:59.9999990"),
        (time(9, 5, 7, 1), "09:05:07.0000010"),
    ],
)
def test_format_time_of_day_prints_seven_fractional_digits(value, text):
    assert format_time_of_day(value) == text


@settings(database=None)
@given(st.times())
def test_every_time_of_day_survives_format_then_parse(value):
    assert parse_time_of_day(format_time_of_day(value)) == value


# --- Date ----------------------------------------------------------------------------------------


def test_parse_date_reads_edm_date():
    assert parse_date("2025-01-31") == date(2025, 1, 31)


@pytest.mark.parametrize(
    "value",
    [
        "2025-02-30",
        "2025-13-01",
        "2025-1-31",
        "31/01/2025",
        "20250131",
        "2025-01-31T00:00:00",
        "",
        None,
        20250131,
    ],
)
def test_parse_date_refuses_what_is_not_a_calendar_date(value):
    with pytest.raises(ValueError, match="is not a date such as '2025-01-31'"):
        parse_date(value)


def test_format_date_prints_yyyy_mm_dd():
    assert format_date(date(2025, 1, 31)) == "2025-01-31"
    assert parse_date(format_date(date(1, 2, 3))) == date(1, 2, 3)


# --- DateTimeOffset (§5.2, §5.3) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2014-01-01T00:00:00Z", datetime(2014, 1, 1, tzinfo=UTC)),
        ("2014-01-01T00:00:00z", datetime(2014, 1, 1, tzinfo=UTC)),
        ("2018-04-30T00:00:00+00:00", datetime(2018, 4, 30, tzinfo=UTC)),
        ("2017-12-31T16:00:00-08:00", datetime(2018, 1, 1, tzinfo=UTC)),
        ("2025-01-01T12:00:00+05:30", datetime(2025, 1, 1, 6, 30, tzinfo=UTC)),
        ("2025-01-01T12:00:00+0530", datetime(2025, 1, 1, 6, 30, tzinfo=UTC)),
        ("2025-01-01 12:00:00Z", datetime(2025, 1, 1, 12, tzinfo=UTC)),
        ("2025-01-01T12:00Z", datetime(2025, 1, 1, 12, tzinfo=UTC)),
        ("2018-05-05T12:00:00.0000000Z", datetime(2018, 5, 5, 12, tzinfo=UTC)),
        ("2018-05-05T12:00:00.1234567Z", datetime(2018, 5, 5, 12, 0, 0, 123456, tzinfo=UTC)),
        ("2018-05-05T12:00:00.123456789Z", datetime(2018, 5, 5, 12, 0, 0, 123456, tzinfo=UTC)),
    ],
)
def test_parse_datetime_offset_honours_z_and_offsets_and_returns_utc(text, expected):
    parsed = parse_datetime_offset(text)
    assert parsed == expected
    assert parsed.tzinfo is UTC


def test_a_date_time_without_offset_is_read_as_utc():
    assert parse_datetime_offset("2025-05-01T12:00:00") == datetime(2025, 5, 1, 12, tzinfo=UTC)


def test_a_date_time_without_offset_is_read_in_the_given_naive_zone():
    # Chicago is on CDT (UTC-5) in May.
    parsed = parse_datetime_offset("2025-05-01T12:00:00", naive_zone=CHICAGO)
    assert parsed == datetime(2025, 5, 1, 17, tzinfo=UTC)
    assert parsed.tzinfo is UTC


def test_an_explicit_offset_wins_over_the_naive_zone():
    assert parse_datetime_offset("2025-05-01T12:00:00Z", naive_zone=CHICAGO) == datetime(
        2025, 5, 1, 12, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2025-05-01",
        "12:00:00",
        "2025-05-01T12",
        "2025-05-01T12:00:00 Z",
        "2025-05-01T12:00:00+5",
        "2025-05-01T12:00:00EST",
        "2025-05-01T12:00:00.1234567890Z",
        "2025-13-01T00:00:00Z",
        "2025-02-30T00:00:00Z",
        "2025-05-01T12:00:00+24:00",
        "2022-01-25T00: 00: 00",
        "yesterday",
        None,
        1_700_000_000,
    ],
)
def test_parse_datetime_offset_refuses_what_is_not_an_iso_date_time(text):
    with pytest.raises(ValueError):
        parse_datetime_offset(text)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime(2014, 1, 1, tzinfo=UTC), "2014-01-01T00:00:00Z"),
        (datetime(2017, 12, 31, 16, tzinfo=timezone(timedelta(hours=-8))), "2018-01-01T00:00:00Z"),
        (datetime(2025, 7, 1, 9, tzinfo=CHICAGO), "2025-07-01T14:00:00Z"),
        (datetime(2025, 1, 1, 0, 0, 0, 500000, tzinfo=UTC), "2025-01-01T00:00:00.5Z"),
        (datetime(2025, 1, 1, 0, 0, 0, 123456, tzinfo=UTC), "2025-01-01T00:00:00.123456Z"),
        (datetime(1, 1, 1, tzinfo=UTC), "0001-01-01T00:00:00Z"),
    ],
)
def test_format_datetime_offset_prints_utc_with_a_trailing_z(value, text):
    assert format_datetime_offset(value) == text


SUPPORTED_YEARS = {"min_value": datetime(1900, 1, 2), "max_value": datetime(8999, 12, 30)}


@settings(database=None)
@given(st.datetimes(**SUPPORTED_YEARS, timezones=st.just(UTC)))
def test_every_utc_datetime_survives_format_then_parse(value):
    assert parse_datetime_offset(format_datetime_offset(value)) == value


@pytest.mark.parametrize(
    "text",
    [
        "0001-01-01T00:00:00+01:00",
        "0001-01-01T00:00:00Z",
        "1899-12-31T23:59:59Z",
        "9999-12-31T23:59:59-01:00",
    ],
)
def test_times_outside_the_supported_years_are_refused_not_overflowed(text):
    with pytest.raises(ValueError, match="outside the years"):
        parse_datetime_offset(text)
    with pytest.raises(ValueError, match="outside the years"):
        parse_datetime_time_zone({"dateTime": text, "timeZone": "UTC"})


# --- Time zones (§4.6 dateTimeTimeZone) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("America/Chicago", "America/Chicago"),
        ("Europe/Berlin", "Europe/Berlin"),
        ("Asia/Kolkata", "Asia/Kolkata"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("Etc/UTC", "UTC"),
        ("GMT", "UTC"),
        ("Z", "UTC"),
        ("  America/Chicago  ", "America/Chicago"),
    ],
)
def test_resolve_time_zone_accepts_iana_names_and_utc(name, key):
    assert resolve_time_zone(name).key == key


@pytest.mark.parametrize(
    ("name", "sample_utc_offset"),
    [
        ("Pacific Standard Time", timedelta(hours=-8)),
        ("Central Standard Time", timedelta(hours=-6)),
        ("Eastern Standard Time", timedelta(hours=-5)),
        ("W. Europe Standard Time", timedelta(hours=1)),
        ("India Standard Time", timedelta(hours=5, minutes=30)),
        ("Tokyo Standard Time", timedelta(hours=9)),
    ],
)
def test_resolve_time_zone_maps_windows_names_to_their_iana_zone(name, sample_utc_offset):
    zone = resolve_time_zone(name)
    assert datetime(2025, 1, 15, 12, tzinfo=zone).utcoffset() == sample_utc_offset


@pytest.mark.parametrize(
    "name",
    [
        "Nowhere/Else",
        "Pacific Time",
        "Mars Standard Time",
        "America/Gotham",
        "../../etc/passwd",
        "/etc/localtime",
        "",
        "   ",
        "A" * 101,
        None,
        42,
    ],
)
def test_resolve_time_zone_refuses_unknown_zones(name):
    with pytest.raises(ValueError):
        resolve_time_zone(name)
    assert not is_time_zone(name)


def test_is_time_zone_accepts_every_form_graph_uses():
    assert is_time_zone("America/Chicago")
    assert is_time_zone("Pacific Standard Time")
    assert is_time_zone("UTC")


# --- dateTimeTimeZone (§4.6, §5.2) ----------------------------------------------------------------


@pytest.mark.parametrize(
    "date_time", ["2018-05-01T12:00:00+00:00", "2018-05-01T12:00:00Z", "2018-05-01T05:00:00-07:00"]
)
def test_an_offset_inside_date_time_wins_over_time_zone(date_time):
    value = {"dateTime": date_time, "timeZone": "India Standard Time"}
    assert parse_datetime_time_zone(value) == datetime(2018, 5, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            {"dateTime": "2018-05-05T12:00:00.0000000", "timeZone": "UTC"},
            datetime(2018, 5, 5, 12, tzinfo=UTC),
        ),
        (
            {"dateTime": "2025-01-15T09:00:00", "timeZone": "America/Chicago"},
            datetime(2025, 1, 15, 15, tzinfo=UTC),
        ),
        (
            {"dateTime": "2025-01-15T09:00:00", "timeZone": "India Standard Time"},
            datetime(2025, 1, 15, 3, 30, tzinfo=UTC),
        ),
        (
            {"dateTime": "2025-01-15T09:00:00", "timeZone": "Pacific Standard Time"},
            datetime(2025, 1, 15, 17, tzinfo=UTC),
        ),
    ],
)
def test_without_an_offset_the_wall_clock_is_read_in_time_zone(value, expected):
    parsed = parse_datetime_time_zone(value)
    assert parsed == expected
    assert parsed.tzinfo is UTC


def test_a_windows_standard_time_name_still_follows_daylight_saving_time():
    # "Pacific Standard Time" is Windows' name for the whole Pacific zone, PDT (UTC-7) included.
    summer = {"dateTime": "2025-07-15T09:00:00", "timeZone": "Pacific Standard Time"}
    assert parse_datetime_time_zone(summer) == datetime(2025, 7, 15, 16, tzinfo=UTC)


def test_the_wall_clock_follows_the_daylight_saving_switch_of_its_zone():
    before = {"dateTime": "2025-03-09T01:00:00", "timeZone": "America/Chicago"}
    after = {"dateTime": "2025-03-09T03:00:00", "timeZone": "America/Chicago"}
    assert parse_datetime_time_zone(before) == datetime(2025, 3, 9, 7, tzinfo=UTC)
    assert parse_datetime_time_zone(after) == datetime(2025, 3, 9, 8, tzinfo=UTC)


@pytest.mark.parametrize("time_zone", [None, ""])
def test_a_missing_time_zone_means_utc(time_zone):
    value = {"dateTime": "2025-01-15T09:00:00", "timeZone": time_zone}
    assert parse_datetime_time_zone(value) == datetime(2025, 1, 15, 9, tzinfo=UTC)
    assert parse_datetime_time_zone({"dateTime": "2025-01-15T09:00:00"}) == datetime(
        2025, 1, 15, 9, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "value",
    [
        None,
        "2025-01-15T09:00:00Z",
        ["2025-01-15T09:00:00Z", "UTC"],
        {},
        {"timeZone": "UTC"},
        {"dateTime": None, "timeZone": "UTC"},
        {"dateTime": 1_700_000_000, "timeZone": "UTC"},
        {"dateTime": "not a date", "timeZone": "UTC"},
        {"dateTime": "2025-01-15T09:00:00", "timeZone": "Nowhere/Else"},
        {"dateTime": "2025-01-15T09:00:00", "timeZone": ["UTC"]},
        {"dateTime": "2025-01-15T09:00:00", "timeZone": {"name": "UTC"}},
        {"dateTime": "2025-01-15T09:00:00", "timeZone": 5},
    ],
)
def test_parse_datetime_time_zone_refuses_malformed_values_with_value_error(value):
    with pytest.raises(ValueError):
        parse_datetime_time_zone(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2018, 5, 5, 12, tzinfo=UTC), "2018-05-05T12:00:00.0000000Z"),
        (datetime(2025, 7, 1, 9, tzinfo=CHICAGO), "2025-07-01T14:00:00.0000000Z"),
        (datetime(2025, 1, 1, 12, 0, 0, 123456, tzinfo=UTC), "2025-01-01T12:00:00.1234560Z"),
        (datetime(1, 1, 1, tzinfo=UTC), "0001-01-01T00:00:00.0000000Z"),
    ],
)
def test_format_datetime_time_zone_prints_utc_with_seven_digits_and_a_trailing_z(value, expected):
    assert format_datetime_time_zone(value) == {"dateTime": expected, "timeZone": "UTC"}


@settings(database=None)
@given(
    st.datetimes(
        **SUPPORTED_YEARS,
        timezones=st.sampled_from([UTC, CHICAGO, ZoneInfo("Asia/Kolkata")]),
    )
)
def test_every_aware_datetime_survives_format_then_parse_as_date_time_time_zone(value):
    # Compared in UTC: Python never calls a wall-clock time in a repeated DST hour equal across zones.
    assert parse_datetime_time_zone(format_datetime_time_zone(value)) == value.astimezone(UTC)
