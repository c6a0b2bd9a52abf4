"""Rate limits: booking POSTs per client address (bookings/rate_limits.py), sign-in and sign-up
(allauth, counted in Redis) and the admin's login (django-axes)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from bookings.models import Appointment
from bookings.rate_limits import Rate, client_ip, parse_rate, window
from tests.celery_worker import PrivateRedis, free_port
from tests.views import conftest as views
from tests.views.conftest import a_free_slot, booking_form, details_url

pytestmark = pytest.mark.django_db

# The booking pages' published business and service (tests/views/conftest.py).
business, ann, bob, service = views.business, views.ann, views.bob, views.service


@pytest.fixture
def redis_cache(settings, tmp_path) -> Iterator[PrivateRedis]:
    """The Django cache on a private Redis, as deployed (CACHE_URL), instead of process memory."""
    server = PrivateRedis(tmp_path).start()
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": server.url()}
    }
    yield server
    server.stop()


# --- the booking limit's rules ---


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("30/10m", Rate(30, 600)),
        ("5/m", Rate(5, 60)),
        ("100/1h", Rate(100, 3600)),
        (" 2 / 30s ", Rate(2, 30)),
        ("1/d", Rate(1, 86400)),
        ("0", None),
        ("off", None),
        ("OFF", None),
        ("", None),
        (None, None),
        ("0/m", None),
    ],
)
def test_a_rate_is_an_amount_per_period_or_off(text, rate):
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["30", "30/10", "thirty/m", "30/10w", "-1/m", "30/0m", "on"])
def test_a_rate_that_is_not_understood_is_an_error_not_silently_off(text):
    with pytest.raises(ValueError, match="rate"):
        parse_rate(text)


def test_a_window_is_fixed_and_says_how_long_until_it_ends():
    rate = Rate(30, 600)
    assert window(rate, 1200.0) == (2, 600)
    assert window(rate, 1799.5) == (2, 1)
    assert window(rate, 1800.0) == (3, 600)


def test_the_client_is_the_connecting_address_whatever_forwarded_for_claims(settings):
    settings.BEHIND_TLS_PROXY = False
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client_ip(request) == "203.0.113.7"


def test_behind_our_proxy_the_client_is_the_last_forwarded_hop(settings):
    settings.BEHIND_TLS_PROXY = True
    request = RequestFactory().post(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7"
    )
    assert client_ip(request) == "203.0.113.7"  # 198.51.100.1 is whatever the client wrote
    assert client_ip(RequestFactory().post("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"


@pytest.mark.parametrize("forwarded", ["", "not-an-address", "203.0.113.7, ", "203.0.113.7, <script>"])
def test_a_last_hop_that_is_not_an_address_falls_back_to_the_connection(settings, forwarded):
    settings.BEHIND_TLS_PROXY = True
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == "10.0.0.2"


def test_without_any_address_there_is_none(settings):
    settings.BEHIND_TLS_PROXY = False
    request = RequestFactory().post("/")
    request.META.pop("REMOTE_ADDR")
    assert client_ip(request) is None


# --- booking POSTs ---


def book(client, service, index: int, address: str = "203.0.113.7"):
    form = booking_form(service, a_free_slot(service, index=index).start, email=f"guest{index}@example.com")
    return client.post(details_url(service), form, REMOTE_ADDR=address)


def test_past_the_limit_a_booking_gets_a_friendly_429_and_books_nothing(client, service, settings):
    settings.BOOKING_RATE_LIMIT = "2/10m"
    assert book(client, service, 4).status_code == 302
    assert book(client, service, 6).status_code == 302

    refused = book(client, service, 8)

    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 600
    page = refused.content.decode()
    assert "Too many attempts" in page and "try again in" in page
    assert Appointment.objects.count() == 2


def test_each_client_address_has_its_own_count(client, service, settings):
    settings.BOOKING_RATE_LIMIT = "1/10m"
    assert book(client, service, 4, address="203.0.113.7").status_code == 302
    assert book(client, service, 6, address="203.0.113.7").status_code == 429
    assert book(client, service, 6, address="203.0.113.8").status_code == 302


def test_looking_at_the_pages_is_not_counted(client, service, settings):
    settings.BOOKING_RATE_LIMIT = "1/10m"
    slot = a_free_slot(service, index=4)
    start = booking_form(service, slot.start)["start"]
    for _ in range(3):
        page = client.get(details_url(service), {"start": start}, REMOTE_ADDR="203.0.113.7")
        assert page.status_code == 200
    assert book(client, service, 4).status_code == 302


def test_cancelling_and_rescheduling_count_with_booking(client, service, settings):
    settings.BOOKING_RATE_LIMIT = "2/10m"
    booked = book(client, service, 4)
    manage = booked["Location"].split("?")[0]
    moving = client.post(f"{manage}reschedule/", {"start": "not a time"}, REMOTE_ADDR="203.0.113.7")
    assert moving.status_code == 400

    refused = client.post(f"{manage}cancel/", {"message": "sorry"}, REMOTE_ADDR="203.0.113.7")

    assert refused.status_code == 429
    assert not Appointment.objects.filter(is_cancelled=True).exists()


@pytest.mark.parametrize("setting", ["0", "off"])
def test_the_limit_can_be_turned_off(client, service, settings, setting):
    settings.BOOKING_RATE_LIMIT = setting
    assert [book(client, service, index).status_code for index in (4, 6, 8)] == [302, 302, 302]


def test_the_count_is_shared_through_redis(client, service, settings, redis_cache):
    settings.BOOKING_RATE_LIMIT = "1/10m"
    assert book(client, service, 4).status_code == 302
    keys = redis.Redis.from_url(redis_cache.url()).keys("*")
    assert any(key.startswith(b":1:ratelimit:booking:") for key in keys)
    assert book(client, service, 6).status_code == 429


def test_a_cache_outage_never_refuses_a_booking(client, service, settings):
    settings.BOOKING_RATE_LIMIT = "1/10m"
    nobody_listens = f"redis://127.0.0.1:{free_port()}/0"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": nobody_listens}
    }
    assert [book(client, service, index).status_code for index in (4, 6)] == [302, 302]


# --- sign-in and sign-up (allauth) ---


@pytest.fixture
def customer(db):
    user = get_user_model().objects.create_user("cara", "cara@example.com", "right-horse-battery")
    EmailAddress.objects.create(user=user, email="cara@example.com", verified=True, primary=True)
    return user


def sign_in(client, password: str, login: str = "cara@example.com"):
    return client.post("/accounts/login/", {"login": login, "password": password})


def test_after_five_failed_sign_ins_an_account_is_paused_even_for_the_right_password(
    client, customer, redis_cache
):
    for _ in range(5):
        assert "Too many failed" not in sign_in(client, "wrong").content.decode()

    paused = sign_in(client, "right-horse-battery")

    # allauth's answer to login_failed is the form again with this error (not a 429), and no sign-in.
    assert paused.status_code == 200
    assert "Too many failed login attempts" in paused.content.decode()
    assert client.get("/my/bookings/").status_code == 302  # still signed out


def test_the_thirty_first_sign_in_from_one_address_within_a_minute_gets_429(client, redis_cache):
    answers = [sign_in(client, "wrong", login=f"nobody{number}@example.com") for number in range(31)]

    assert {answer.status_code for answer in answers[:30]} == {200}
    assert answers[30].status_code == 429
    assert "Too many attempts" in answers[30].content.decode()


def test_a_customer_signs_in_with_axes_installed_and_leaves_no_axes_record(client, customer, redis_cache):
    assert sign_in(client, "wrong").status_code == 200
    response = sign_in(client, "right-horse-battery")
    assert response.status_code == 302
    assert client.get("/my/bookings/").status_code == 200
    assert AccessAttempt.objects.count() == 0  # customers' sign-ins are allauth's business


def test_the_eleventh_sign_up_from_one_address_within_an_hour_is_refused(client, redis_cache):
    def sign_up(number: int):
        return client.post(
            "/accounts/signup/",
            {
                "email": f"new{number}@example.com",
                "username": f"new{number}",
                "password1": "right-horse-battery",
                "password2": "right-horse-battery",
            },
        )

    assert all(sign_up(number).status_code == 302 for number in range(10))
    client.logout()
    assert sign_up(10).status_code == 429
    assert get_user_model().objects.count() == 10


# --- the admin's login (django-axes) ---


def admin_sign_in(client, password: str, address: str = "203.0.113.7"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "owner", "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def test_the_admin_login_locks_a_username_and_address_out_after_the_failure_limit(client, owner, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert [admin_sign_in(client, "wrong").status_code for _ in range(4)] == [200] * 4

    assert admin_sign_in(client, "wrong").status_code == 429
    locked = admin_sign_in(client, "pw")

    assert locked.status_code == 429  # even the right password, until the cool-off ends
    assert "Too many attempts" in locked.content.decode()
    assert admin_sign_in(client, "pw", address="203.0.113.8").status_code == 302  # another address
