"""A staff member signs in, reads their week, opens an appointment, and subscribes to their calendar."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from bookings.enums import Origin
from tests.browser.conftest import assert_accessible
from tests.views.staff_data import appointment, busy, salon

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(timezone_id="Europe/London"),
]

LONDON = ZoneInfo("Europe/London")
PASSWORD = "staff password 2030"


def today_at(hour: int) -> datetime:
    """``hour`` o'clock today in London, so the appointments are in this week whenever the suite runs."""
    today = timezone.now().astimezone(LONDON).date()
    return datetime.combine(today, time(hour), tzinfo=LONDON).astimezone(UTC)


@pytest.fixture
def ann_signs_up(transactional_db, settings):
    """Ann's account, with her work address proved; not yet linked to her staff member."""
    settings.ACCOUNT_RATE_LIMITS = False
    shop = salon()
    user = get_user_model().objects.create_user("ann", "ann@salon.example", PASSWORD)
    EmailAddress.objects.create(user=user, email="ann@salon.example", verified=True, primary=True)
    appointment(
        shop.ann,
        today_at(10),
        service_name="Haircut",
        customer="Carol Customer",
        pre_buffer=timedelta(minutes=15),
        post_buffer=timedelta(minutes=10),
    )
    appointment(shop.ann, today_at(14), service_name="Colour", origin=Origin.GRAPH, customer="Dave Doe")
    appointment(shop.bob, today_at(11), service_name="Shave", customer="Erin Else")
    busy(shop.ann, today_at(12))
    return shop


def test_a_staff_member_reads_their_week_and_subscribes_to_a_feed(
    page, live_server, playwright, ann_signs_up
):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Login").fill("ann@salon.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Signing in linked the account to Ann's staff member, so the header offers her schedule.
    page.get_by_role("navigation", name="Account").get_by_role("link", name="My schedule").click()
    expect(page.get_by_role("heading", name="My schedule")).to_be_visible()
    expect(page.get_by_role("heading", name="Week of")).to_be_visible()
    grid = page.locator(".schedule-grid")
    expect(grid.get_by_role("link", name="Haircut")).to_be_visible()
    expect(grid.get_by_role("link", name="Colour")).to_contain_text("made in Bookings")
    expect(grid.get_by_text("Busy")).to_be_visible()
    expect(grid).not_to_contain_text("Shave")  # Bob's appointment: a team member sees only their own
    expect(grid.get_by_role("link", name="Haircut")).to_contain_text("10:00\N{EN DASH}10:30")
    assert_accessible(page, "staff-week")

    page.get_by_role("link", name="Day", exact=True).click()
    expect(page.locator(".schedule-grid.view-day").get_by_role("link", name="Haircut")).to_be_visible()
    assert_accessible(page, "staff-day")

    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("link", name="Week", exact=True).click()
    expect(grid).to_be_hidden()
    agenda = page.locator(".agenda")
    expect(agenda.get_by_role("link", name="Colour")).to_be_visible()
    expect(agenda).to_contain_text("Busy")
    assert_accessible(page, "staff-agenda-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.locator(".schedule-grid").get_by_role("link", name="Haircut").click()
    expect(page.get_by_role("heading", name="Haircut")).to_be_visible()
    main = page.get_by_role("main")
    expect(main).to_contain_text("carol@example.com")
    expect(main).to_contain_text("Lavender")
    expect(main).to_contain_text("Please use the side door.")
    expect(main).to_contain_text("(Europe/London)")
    assert_accessible(page, "staff-appointment")

    page.get_by_role("link", name="Back to the schedule").click()
    page.get_by_role("button", name="Create feed URL").click()
    feed_url = page.get_by_label("Your feed address").input_value()
    calendar_app = playwright.request.new_context()  # no cookies: as a calendar program fetches it
    try:
        response = calendar_app.get(feed_url)
        assert response.status == 200
        events = Calendar.from_ical(response.body()).walk("VEVENT")
        assert sorted(str(event["SUMMARY"]) for event in events) == [
            "Colour · Dave Doe",
            "Haircut · Carol Customer",
        ]

        page.get_by_role("button", name="Revoke").click()
        expect(page.get_by_text("You have no feed address.")).to_be_visible()
        assert calendar_app.get(feed_url).status == 404
    finally:
        calendar_app.dispose()
