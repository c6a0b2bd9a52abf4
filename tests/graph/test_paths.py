"""Request paths percent-encode every id (contract §1: mailbox ids carry @, appointment ids / + =)."""

from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bookings.graph.paths import business_path, currency_path, mailbox_of

APPOINTMENT_ID = "AAMkADc7zF4J0AAA8v_KnAAA="


def test_business_id_is_percent_encoded():
    assert business_path("Contosolunchdelivery@contoso.onmicrosoft.com") == (
        "solutions/bookingBusinesses/Contosolunchdelivery%40contoso.onmicrosoft.com"
    )


def test_appointment_ids_with_slash_plus_and_equals_stay_one_segment():
    path = business_path("a@contoso.com", "appointments", "AAMk/AD+x=")
    assert path == "solutions/bookingBusinesses/a%40contoso.com/appointments/AAMk%2FAD%2Bx%3D"


def test_action_segments_are_kept_readable():
    path = business_path("a@contoso.com", "appointments", APPOINTMENT_ID, "cancel")
    assert path.endswith(f"/appointments/{APPOINTMENT_ID.replace('=', '%3D')}/cancel")


def test_currency_path():
    assert currency_path("USD") == "solutions/bookingCurrencies/USD"


@pytest.mark.parametrize("bad", ["", None])
def test_empty_segments_are_refused(bad):
    with pytest.raises(ValueError):
        business_path("a@contoso.com", bad)


@given(st.text(min_size=1))
def test_any_id_round_trips_as_exactly_one_segment(value):
    path = business_path("b@contoso.com", "services", value)
    *_, last = path.split("/")
    assert path.count("/") == 4
    assert unquote(last) == value


@pytest.mark.parametrize(
    ("url", "mailbox"),
    [
        ("solutions/bookingBusinesses/Fabrikam%40Contoso.com/services", "fabrikam@contoso.com"),
        ("solutions/bookingbusinesses/fabrikam@contoso.com", "fabrikam@contoso.com"),
        (
            "http://127.0.0.1:8/v1.0/solutions/bookingBusinesses/A%40b.com/staffMembers?$skiptoken=x/y",
            "a@b.com",
        ),
        ("/solutions/bookingBusinesses/a%40b.com/appointments/AAMk%2Fx%3D", "a@b.com"),
        ("solutions/bookingBusinesses", None),
        ("solutions/bookingBusinesses?$top=5", None),
        ("solutions/bookingCurrencies/USD", None),
    ],
)
def test_mailbox_of_names_the_business_case_insensitively(url, mailbox):
    assert mailbox_of(url) == mailbox
