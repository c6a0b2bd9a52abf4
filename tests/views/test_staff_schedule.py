"""The staff schedule and appointment pages: who sees what, in whose zone, and bad input."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from bookings.enums import Origin, StaffRole
from bookings.values import standard_week
from tests.factories import BusinessFactory, StaffMemberFactory

from .staff_data import MONDAY, appointment, busy, salon, staff_user

pytestmark = pytest.mark.django_db

WEEK_OF_MONDAY = "/staff/?view=week&date=2030-05-08"
DASH = "\N{EN DASH}"


@pytest.fixture
def shop():
    return salon()


def test_the_schedule_needs_signing_in(client):
    response = client.get("/staff/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_account_without_a_staff_member_gets_a_friendly_page(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("cust", "cust@example.com", "pw-1234567890"))

    response = client.get("/staff/")

    assert response.status_code == 200
    assert "not linked to a staff member" in response.content.decode()
    assert "My schedule</a>" not in response.content.decode()  # no header link for customers


def test_a_team_member_sees_their_own_appointments_both_origins_and_busy_time(client, shop):
    appointment(shop.ann, MONDAY, service_name="Haircut", customer="Carol Customer")
    appointment(shop.ann, MONDAY + timedelta(days=1), service_name="Colour", origin=Origin.GRAPH)
    appointment(shop.bob, MONDAY, service_name="Shave", customer="Dan Other")
    busy(shop.ann, MONDAY + timedelta(hours=3))
    client.force_login(staff_user(shop.ann, "ann"))

    page = client.get(WEEK_OF_MONDAY).content.decode()

    assert "Haircut" in page and "Carol Customer" in page
    assert "Colour" in page and "made in Bookings" in page
    assert "Shave" not in page and "Dan Other" not in page
    assert "Busy" in page
    assert f"10:00{DASH}10:30" in page  # 09:00 UTC in Ann's zone, London summer time
    assert "times in Europe/London" in page
    assert "My schedule</a>" in page


def test_times_follow_the_member_s_zone_else_the_business_s(client, shop):
    shop.ann.time_zone = "America/New_York"
    shop.ann.save()
    appointment(shop.ann, MONDAY)
    client.force_login(staff_user(shop.ann, "ann"))

    page = client.get(WEEK_OF_MONDAY).content.decode()
    assert f"05:00{DASH}05:30" in page and "times in America/New_York" in page

    shop.ann.time_zone = ""
    shop.ann.save()
    page = client.get(WEEK_OF_MONDAY).content.decode()
    assert f"10:00{DASH}10:30" in page and "times in Europe/London" in page


@pytest.mark.parametrize("role", [StaffRole.ADMINISTRATOR, StaffRole.SCHEDULER, StaffRole.VIEWER])
def test_administrators_schedulers_and_viewers_see_the_whole_business(client, shop, role):
    shop.vic.role = role
    shop.vic.save()
    appointment(shop.ann, MONDAY, service_name="Haircut")
    appointment(shop.bob, MONDAY, service_name="Shave")
    client.force_login(staff_user(shop.vic, "vic"))

    page = client.get(WEEK_OF_MONDAY).content.decode()

    assert "Haircut" in page and "Shave" in page
    assert "Ann Archer" in page and "Bob Baker" in page


@pytest.mark.parametrize("role", [StaffRole.TEAM_MEMBER, StaffRole.GUEST, StaffRole.EXTERNAL_GUEST])
def test_other_roles_see_only_their_own(client, shop, role):
    shop.ann.role = role
    shop.ann.save()
    appointment(shop.bob, MONDAY, service_name="Shave")
    client.force_login(staff_user(shop.ann, "ann"))

    assert "Shave" not in client.get(WEEK_OF_MONDAY).content.decode()


def test_the_whole_business_view_shows_everyone_s_busy_time_with_their_names(client, shop):
    shop.vic.role = StaffRole.ADMINISTRATOR
    shop.vic.save()
    busy(shop.ann, MONDAY + timedelta(hours=3))
    busy(shop.bob, MONDAY + timedelta(hours=5))
    busy(StaffMemberFactory(display_name="Zed Elsewhere"), MONDAY)  # another business's member
    client.force_login(staff_user(shop.vic, "vic"))

    page = client.get("/staff/?view=day&date=2030-05-06").content.decode()

    assert page.count('class="block block-busy') == 2
    assert '<span class="block-people">Ann Archer</span>' in page
    assert '<span class="block-people">Bob Baker</span>' in page
    assert "Zed Elsewhere" not in page


def test_a_team_member_sees_only_their_own_busy_time(client, shop):
    busy(shop.ann, MONDAY + timedelta(hours=3))
    busy(shop.bob, MONDAY + timedelta(hours=5))
    client.force_login(staff_user(shop.ann, "ann"))

    page = client.get("/staff/?view=day&date=2030-05-06").content.decode()

    assert page.count('class="block block-busy') == 1
    assert "Bob Baker" not in page


def test_a_viewer_elsewhere_does_not_see_this_business(client, shop):
    elsewhere = StaffMemberFactory(
        business=BusinessFactory(slug="elsewhere"), email_address="ann@salon.example", role=StaffRole.VIEWER
    )
    user = staff_user(shop.ann, "ann")
    elsewhere.user = user
    elsewhere.save()
    appointment(shop.bob, MONDAY, service_name="Shave")
    client.force_login(user)

    page = client.get(WEEK_OF_MONDAY + "&business=salon").content.decode()

    assert "Shave" not in page
    assert 'id="schedule-business"' in page  # two memberships: a business filter


def test_an_owner_sees_every_business(client, shop, django_user_model):
    appointment(shop.bob, MONDAY, service_name="Shave")
    owner = django_user_model.objects.create_user(
        "owner", "owner@example.com", "pw-1234567890", is_staff=True
    )
    client.force_login(owner)

    page = client.get(WEEK_OF_MONDAY + "&business=salon").content.decode()

    assert "Shave" in page
    assert "Calendar feeds belong to staff members" in page


def test_the_day_view_shows_one_day_with_working_hours_and_links_either_side(client, shop):
    shop.ann.use_business_hours = False
    shop.ann.working_hours = standard_week()
    shop.ann.save()
    appointment(shop.ann, MONDAY, service_name="Haircut")
    appointment(shop.ann, MONDAY + timedelta(days=1), service_name="Colour")
    client.force_login(staff_user(shop.ann, "ann"))

    page = client.get("/staff/?view=day&date=2030-05-06").content.decode()

    assert "Haircut" in page and "Colour" not in page
    assert "Monday 6 May 2030" in page
    assert 'class="band"' in page  # Ann's working hours shaded
    assert "date=2030-05-05" in page and "date=2030-05-07" in page


def test_a_clock_change_day_s_hours_are_labelled_where_its_lines_are(client, shop):
    client.force_login(staff_user(shop.ann, "ann"))  # Europe/London

    day = client.get("/staff/?view=day&date=2030-10-27").content.decode()  # clocks go back
    week = client.get("/staff/?view=week&date=2030-10-21").content.decode()

    assert '<span style="--top: 60">01:00</span><span style="--top: 120">01:00</span>' in day
    assert '<span style="--top: 180">02:00</span>' in day and 'class="hour-label"' not in day
    assert '<span style="--top: 120">02:00</span>' in week  # the week's axis: an ordinary day
    # The 25-hour Sunday carries its own labels, at its own lines.
    assert 'style="--top: 180"><span class="hour-label">02:00</span>' in week
    assert week.count('class="hour-label"') == 25


def test_the_week_page_costs_the_same_few_queries_however_full_it_is(
    client, shop, django_assert_max_num_queries
):
    client.force_login(staff_user(shop.vic, "vic"))  # a viewer: every appointment of the business
    for hour in range(3):
        appointment(shop.ann, MONDAY + timedelta(hours=8 + hour), service_name=f"Evening {hour}")
    with django_assert_max_num_queries(12) as few:
        client.get(WEEK_OF_MONDAY)
    for day in range(5):
        for hour in range(6):
            member = shop.ann if hour % 2 else shop.bob
            appointment(member, MONDAY + timedelta(days=day, hours=hour), service_name=f"Busy {day}-{hour}")
        busy(shop.vic, MONDAY + timedelta(days=day, hours=8))

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(WEEK_OF_MONDAY).content.decode()
    assert "Busy 4-5" in page


@pytest.mark.parametrize(
    "query",
    [
        "view=month",
        "date=2030-13-45",
        "date=tomorrow",
        "date=9999-12-31",
        "date=0001-01-01",
        "business=nowhere",
    ],
)
def test_bad_parameters_show_the_page_with_a_message_and_a_400(client, shop, query):
    client.force_login(staff_user(shop.ann, "ann"))

    response = client.get(f"/staff/?{query}")

    assert response.status_code == 400
    assert 'class="message message-error"' in response.content.decode()


def test_the_detail_page_shows_customers_answers_and_notes_in_the_viewer_s_zone(client, shop):
    made = appointment(
        shop.ann,
        MONDAY,
        service_notes="Bring the good scissors.",
        pre_buffer=timedelta(minutes=10),
        post_buffer=timedelta(minutes=15),
    )
    client.force_login(staff_user(shop.ann, "ann"))

    page = client.get(f"/staff/appointments/{made.pk}/").content.decode()

    assert f"Monday 6 May 2030, 10:00{DASH}10:30 (Europe/London)" in page
    assert "Carol Customer" in page and "carol@example.com" in page and "+44 20 7946 0123" in page
    assert "Any allergies?" in page and "Lavender" in page and "First visit?" in page
    assert "Please use the side door." in page
    assert "Bring the good scissors." in page
    assert "10 minutes before, 15 minutes after" in page
    assert "Ann Archer" in page


def test_someone_else_s_appointment_is_a_404_like_one_that_does_not_exist(client, shop):
    bobs = appointment(shop.bob, MONDAY)
    client.force_login(staff_user(shop.ann, "ann"))

    assert client.get(f"/staff/appointments/{bobs.pk}/").status_code == 404
    assert client.get(f"/staff/appointments/{uuid.uuid4()}/").status_code == 404
    assert client.get("/staff/appointments/not-a-uuid/").status_code == 404


def test_a_viewer_may_open_any_appointment_of_their_business(client, shop):
    bobs = appointment(shop.bob, MONDAY)
    client.force_login(staff_user(shop.vic, "vic"))

    assert client.get(f"/staff/appointments/{bobs.pk}/").status_code == 200


def test_the_sign_in_page_offers_microsoft_only_when_it_is_configured(client, settings):
    assert "Sign in with Microsoft" not in client.get("/accounts/login/").content.decode()

    settings.SOCIALACCOUNT_PROVIDERS = {
        "microsoft": {
            "APPS": [{"client_id": "portal-app", "secret": "s3cret", "settings": {"tenant": "contoso.com"}}]
        }
    }

    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with Microsoft" in page and "/accounts/microsoft/login/" in page


def test_a_day_the_clocks_change_is_drawn_and_labelled(client, shop):
    appointment(shop.ann, MONDAY.replace(month=10, day=27, hour=1), service_name="Night shift")
    client.force_login(staff_user(shop.ann, "ann"))

    response = client.get("/staff/?view=day&date=2030-10-27")  # London leaves summer time at 02:00

    page = response.content.decode()
    assert response.status_code == 200
    assert "Clocks go back: a 25-hour day" in page and "--length: 1500" in page
    assert f"01:00{DASH}01:30" in page  # 01:00 UTC is the second 01:00 in London
    assert "--top: 120;" in page  # two real hours after midnight
