"""The private calendar feed: created and revoked from the schedule, fetched with no session."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from bookings.enums import Origin, StaffRole
from bookings.ical import uid_domain
from bookings.models import Appointment, StaffCalendarFeed
from bookings.models.tokens import hash_token

from .staff_data import appointment, salon, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return salon()


def create_feed(client, business: str = "salon") -> str:
    """Press "Create feed URL"; return the address the schedule page shows once."""
    response = client.post("/staff/feed/", {"business": business})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    return re.search(r'id="feed-url" value="([^"]+)"', page).group(1)


def events(body: bytes) -> list:
    return [component for component in Calendar.from_ical(body).walk("VEVENT")]


def test_a_feed_carries_the_member_s_appointments_from_30_days_back_to_180_ahead(client, shop):
    now = timezone.now().replace(microsecond=0)
    soon = appointment(shop.ann, now + timedelta(days=2), service_name="Haircut", origin=Origin.GRAPH)
    recent = appointment(shop.ann, now - timedelta(days=20), service_name="Trim")
    appointment(shop.ann, now - timedelta(days=40), service_name="Ancient")
    appointment(shop.ann, now + timedelta(days=200), service_name="Far away")
    appointment(shop.bob, now + timedelta(days=2), service_name="Shave")
    cancelled = appointment(shop.ann, now + timedelta(days=3), service_name="Cancelled cut")
    cancelled.is_cancelled = True
    cancelled.save()
    client.force_login(staff_user(shop.ann, "ann"))
    url = create_feed(client)

    response = Client().get(url)  # a calendar program: no session, no cookies

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    found = events(response.content)
    assert sorted(str(event["SUMMARY"]) for event in found) == [
        "Haircut · Carol Customer",
        "Trim · Carol Customer",
    ]
    by_uid = {str(event["UID"]): event for event in found}
    domain = uid_domain()
    assert set(by_uid) == {f"staff-{soon.pk}@{domain}", f"staff-{recent.pk}@{domain}"}
    event = by_uid[f"staff-{soon.pk}@{domain}"]
    assert event["DTSTART"].dt == soon.start
    assert f"/staff/appointments/{soon.pk}/" in str(event["URL"])
    assert "carol@example.com" in str(event["DESCRIPTION"])


def test_uid_stays_and_sequence_grows_when_an_appointment_moves(client, shop):
    made = appointment(shop.ann, timezone.now() + timedelta(days=1))
    client.force_login(staff_user(shop.ann, "ann"))
    url = create_feed(client)
    [before] = events(Client().get(url).content)

    # As synced two hours ago ...
    Appointment.objects.filter(pk=made.pk).update(last_updated_date_time=timezone.now() - timedelta(hours=2))
    made.refresh_from_db()
    [earlier] = events(Client().get(url).content)
    made.start += timedelta(hours=1)
    made.end += timedelta(hours=1)
    made.save()  # ... and moved now
    [after] = events(Client().get(url).content)

    assert before["UID"] == earlier["UID"] == after["UID"]
    assert after["SEQUENCE"] > earlier["SEQUENCE"]


def test_a_viewer_s_feed_holds_the_whole_business(client, shop):
    appointment(shop.bob, timezone.now() + timedelta(days=1), service_name="Shave")
    client.force_login(staff_user(shop.vic, "vic"))
    assert shop.vic.role == StaffRole.VIEWER

    [event] = events(Client().get(create_feed(client)).content)

    assert str(event["SUMMARY"]).startswith("Shave")


def test_only_a_hash_of_the_token_is_stored(client, shop):
    client.force_login(staff_user(shop.ann, "ann"))
    url = create_feed(client)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")

    feed = StaffCalendarFeed.objects.get()
    assert feed.token_hash == hash_token(token) and token not in feed.token_hash


def test_the_address_is_shown_once(client, shop):
    client.force_login(staff_user(shop.ann, "ann"))
    create_feed(client)

    page = client.get("/staff/").content.decode()

    assert 'id="feed-url"' not in page
    assert "You have a feed address" in page


def test_revoking_makes_the_address_a_404_and_a_new_one_replaces_the_old(client, shop):
    client.force_login(staff_user(shop.ann, "ann"))
    first = create_feed(client)
    second = create_feed(client)
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200

    response = client.post("/staff/feed/revoke/", {"business": "salon"})

    assert response.status_code == 302
    assert Client().get(second).status_code == 404
    assert "You have no feed address." in client.get("/staff/").content.decode()


def test_unknown_addresses_and_inactive_members_get_404(client, shop):
    assert Client().get("/staff/feed/not-a-real-token.ics").status_code == 404
    client.force_login(staff_user(shop.ann, "ann"))
    url = create_feed(client)
    shop.ann.is_active = False
    shop.ann.save()

    assert Client().get(url).status_code == 404


def test_feed_buttons_need_a_post_a_membership_and_a_signed_in_user(client, shop, django_user_model):
    client.force_login(staff_user(shop.ann, "ann"))
    assert client.get("/staff/feed/").status_code == 405
    assert client.post("/staff/feed/", {"business": "elsewhere"}).status_code == 404
    assert client.post("/staff/feed/", {}).status_code == 404
    assert not StaffCalendarFeed.objects.exists()

    stranger = Client()
    stranger.force_login(django_user_model.objects.create_user("x", "x@example.com", "pw-1234567890"))
    assert stranger.post("/staff/feed/revoke/", {"business": "salon"}).status_code == 404
    assert Client().post("/staff/feed/", {"business": "salon"}).status_code == 302  # to sign in


def test_the_feed_buttons_check_csrf(shop):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff_user(shop.ann, "ann"))

    assert browser.post("/staff/feed/", {"business": "salon"}).status_code == 403


def test_a_feed_costs_the_same_few_queries_however_many_appointments_it_holds(
    client, shop, django_assert_max_num_queries
):
    client.force_login(staff_user(shop.vic, "vic"))
    url = create_feed(client)
    calendar_app = Client()
    appointment(shop.ann, timezone.now() + timedelta(days=1))
    with django_assert_max_num_queries(6) as few:
        calendar_app.get(url)
    for day in range(2, 12):
        appointment(shop.bob if day % 2 else shop.ann, timezone.now() + timedelta(days=day))

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = calendar_app.get(url)
    assert len(events(response.content)) == 11
