"""A signed-in customer books, finds the booking in "My bookings", moves it, then cancels it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from playwright.sync_api import expect

from bookings.models import Appointment
from tests.browser.conftest import CUSTOMER_PASSWORD
from tests.browser.test_booking_journey import (
    answer_questions,
    choose_time_next_week,
    service_url,
    shown_time,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(timezone_id="Europe/London"),
]


def test_a_signed_in_customer_books_reschedules_and_cancels_from_my_bookings(
    page, live_server, haircut, signed_in_customer
):
    page.goto(service_url(live_server, haircut))
    day, start = choose_time_next_week(page, at="10:00")
    expect(page.get_by_label("Your name")).to_have_value("Grace Hopper")
    expect(page.get_by_label("E-mail address")).to_have_value("grace@example.com")
    expect(page.get_by_label("E-mail address")).to_be_disabled()  # booked under the account's address
    answer_questions(page)
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_role("heading", name="You're booked")).to_be_visible()

    page.get_by_role("navigation", name="Account").get_by_role("link", name="My bookings").click()
    upcoming = page.get_by_role("listitem").filter(has=page.get_by_role("link", name="Haircut"))
    expect(upcoming).to_contain_text(re.compile(rf"{day} \d{{4}}, 10:00 \(Europe/London\) · Northwind Hair"))
    upcoming.get_by_role("link", name="Haircut").click()
    expect(page.get_by_role("heading", name="Your booking")).to_be_visible()

    page.get_by_role("link", name="Choose another time").click()
    page.get_by_role("link", name="Next week").click()
    page.get_by_role("button", name=f"Move to {day}, 11:00").click()

    expect(page.get_by_role("heading", name="Your booking has moved")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(shown_time(day, "11:00", "11:30", "Europe/London"))
    [appointment] = Appointment.objects.all()  # moved in place, as Bookings sees an update
    assert appointment.start == start + timedelta(hours=1)
    subjects = [message.subject.split(":")[0] for message in mail.outbox]
    assert subjects == ["Booking confirmed", "Booking rescheduled"]

    page.get_by_label("Message to the business (optional)").fill("Sorry, something came up at work.")
    page.get_by_role("button", name="Cancel booking").click()

    expect(page.get_by_role("heading", name="This booking is cancelled")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Your booking is cancelled")
    appointment.refresh_from_db()
    assert appointment.is_cancelled
    assert appointment.cancellation_message == "Sorry, something came up at work."
    assert appointment.start == start + timedelta(hours=1)
    assert mail.outbox[-1].subject.startswith("Booking cancelled")

    page.get_by_role("link", name="My bookings").click()
    expect(page.get_by_text("You have no bookings coming up.")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Haircut")).to_contain_text("Cancelled")


def test_my_bookings_asks_a_visitor_to_sign_in_first(page, live_server, customer_account):
    page.goto(f"{live_server.url}/my/bookings/")

    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/my/bookings/"))
    page.get_by_label("Login").fill("grace")  # the username works as well as the address
    page.get_by_label("Password").fill(CUSTOMER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="My bookings")).to_be_visible()
    expect(page.get_by_text("You have no bookings coming up.")).to_be_visible()
