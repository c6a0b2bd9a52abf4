"""A customer books in a real browser: picker, details form, required questions, time zones,
a time taken meanwhile, and the same journey with JavaScript turned off."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from bookings.booking import CustomerDetails, book
from bookings.models import Appointment, AppointmentCustomer, Customer, Service

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # A zone that is neither the business's nor one a test picks, so a switch is always visible.
    pytest.mark.browser_context_args(timezone_id="Europe/London"),
]


def service_url(live_server, service: Service) -> str:
    return live_server.url + reverse("bookings:service", args=[service.business.slug, service.pk])


def choose_time_next_week(page, at: str = "10:00") -> tuple[str, datetime]:
    """Go to next week (clear of today's lead time) and follow the link of the time ``at`` on its
    first day. Returns the day as the picker names it (``Monday 12 May``) and the slot's UTC start."""
    page.get_by_role("link", name="Next week").click()
    expect(page).to_have_url(re.compile(r"[?&]week=\d{4}-\d{2}-\d{2}"))  # this week's times are gone
    first_day = page.get_by_role("region").first
    slot = first_day.get_by_role("link", name=re.compile(rf", {at}$"))
    day = slot.get_attribute("aria-label").rsplit(", ", 1)[0]
    start = parse_qs(urlparse(slot.get_attribute("href")).query)["start"][0]
    slot.click()
    return day, datetime.fromisoformat(start)


def shown_time(day: str, start: str, end: str, zone: str) -> re.Pattern:
    """A booking's time as the pages show it: day, year, start, an en dash, end, and the zone
    (``Monday 12 May 2026, 10:00\N{EN DASH}10:30 (Europe/Paris)``)."""
    return re.compile(re.escape(day) + r" \d{4}, " + re.escape(f"{start}\N{EN DASH}{end} ({zone})"))


def fill_details(page, *, name: str = "Ada Lovelace", email: str = "ada@example.com") -> None:
    page.get_by_label("Your name").fill(name)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Phone number").fill("+44 20 7946 0000")
    page.get_by_label("Anything we should know?").fill("I may be five minutes late.")


def answer_questions(page, *, length: str = "Medium", allergies: str = "None") -> None:
    page.get_by_role("group", name="Hair length").get_by_role("radio", name=length).check()
    page.get_by_label("Any allergies to hair products?").fill(allergies)


def book_button(page):
    return page.get_by_role("button", name="Book", exact=True)


def test_a_guest_books_a_service_end_to_end_and_gets_a_confirmation_with_a_calendar_file(
    page, live_server, haircut
):
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Northwind Hair").click()
    page.get_by_role("link", name="Haircut").click()
    expect(page.get_by_label("Show times in")).to_have_value("Europe/London")  # the browser's zone

    page.get_by_label("Show times in").select_option("America/New_York")
    expect(page.get_by_text("Times are shown in America/New_York.")).to_be_visible()
    day, start = choose_time_next_week(page, at="10:00")

    expect(page.get_by_text(shown_time(day, "10:00", "10:30", "America/New_York"))).to_be_visible()
    fill_details(page)
    answer_questions(page, length="Medium", allergies="Lavender oil")
    book_button(page).click()

    expect(page.get_by_role("heading", name="You're booked")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(shown_time(day, "10:00", "10:30", "America/New_York"))
    expect(page.get_by_role("main")).to_contain_text("Lavender oil")
    [appointment] = Appointment.objects.all()
    assert appointment.start == start
    assert appointment.start.astimezone(ZoneInfo("America/New_York")).strftime("%H:%M") == "10:00"
    [row] = AppointmentCustomer.objects.all()
    assert row.appointment == appointment
    assert (row.name, row.email_address) == ("Ada Lovelace", "ada@example.com")
    assert row.time_zone == "America/New_York"
    assert row.notes == "I may be five minutes late."
    answers = {answer.question: answer for answer in row.custom_question_answers}
    assert answers["Hair length"].selected_options == ("Medium",)
    assert answers["Any allergies to hair products?"].answer == "Lavender oil"
    assert Customer.objects.count() == 1
    [message] = mail.outbox
    assert message.to == ["ada@example.com"]
    assert message.subject.startswith("Booking confirmed: Haircut")
    [(filename, content, mimetype)] = message.attachments
    assert filename.endswith(".ics")
    assert mimetype.startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in content


def test_a_required_question_left_unanswered_blocks_the_booking_until_answered(page, live_server, haircut):
    page.goto(service_url(live_server, haircut))
    choose_time_next_week(page)
    fill_details(page)

    book_button(page).click()

    length = page.get_by_role("group", name="Hair length")
    allergies = page.get_by_label("Any allergies to hair products?")
    expect(page.get_by_role("alert").filter(has_text="This field is required.")).to_have_count(2)
    expect(length).to_have_accessible_description("This field is required.")
    expect(allergies).to_have_accessible_description("This field is required.")
    expect(allergies).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Your name")).to_have_value("Ada Lovelace")  # nothing typed is lost
    assert not Appointment.objects.exists()

    answer_questions(page)
    book_button(page).click()

    expect(page.get_by_role("heading", name="You're booked")).to_be_visible()
    assert Appointment.objects.count() == 1


@pytest.mark.browser_context_args(timezone_id="Asia/Tokyo")
def test_the_picker_and_the_confirmation_use_the_browsers_time_zone(page, live_server, haircut):
    page.goto(service_url(live_server, haircut))

    expect(page).to_have_url(re.compile(r"[?&]tz=Asia%2FTokyo"))
    expect(page.get_by_label("Show times in")).to_have_value("Asia/Tokyo")
    expect(page.get_by_text("Times are shown in Asia/Tokyo.")).to_be_visible()
    day, start = choose_time_next_week(page, at="10:00")
    fill_details(page)
    answer_questions(page)
    book_button(page).click()

    expect(page.get_by_role("heading", name="You're booked")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(shown_time(day, "10:00", "10:30", "Asia/Tokyo"))
    [row] = AppointmentCustomer.objects.select_related("appointment")
    assert row.time_zone == "Asia/Tokyo"
    assert row.appointment.start == start
    assert start.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%H:%M") == "10:00"


def test_a_time_taken_while_typing_offers_nearby_times_and_keeps_the_details(page, live_server, haircut):
    page.goto(service_url(live_server, haircut))
    _day, start = choose_time_next_week(page, at="10:00")
    fill_details(page)
    answer_questions(page, length="Long", allergies="None")
    questions = {assignment.question.display_name: str(assignment.question_id) for assignment in
                 haircut.question_assignments.select_related("question")}  # fmt: skip
    book(  # someone else is quicker
        service=haircut,
        start=start,
        customer=CustomerDetails(name="Quick Quentin", email_address="quentin@example.com"),
        answers={questions["Hair length"]: "Short", questions["Any allergies to hair products?"]: "No"},
        now=timezone.now(),
    )

    book_button(page).click()

    expect(page.get_by_role("heading", name="Sorry, this time was just taken")).to_be_visible()
    expect(page.get_by_label("Your name")).to_have_value("Ada Lovelace")
    expect(page.get_by_label("E-mail address")).to_have_value("ada@example.com")
    expect(page.get_by_role("group", name="Hair length").get_by_role("radio", name="Long")).to_be_checked()
    nearby = page.get_by_role("group", name=re.compile("^Choose another time")).get_by_role("radio")
    expect(nearby.first).to_be_checked()
    assert nearby.count() > 1
    chosen = nearby.nth(1)
    chosen_start = datetime.fromisoformat(chosen.get_attribute("value"))
    chosen.check()
    book_button(page).click()

    expect(page.get_by_role("heading", name="You're booked")).to_be_visible()
    row = AppointmentCustomer.objects.select_related("appointment").get(email_address="ada@example.com")
    assert row.appointment.start == chosen_start != start
    assert Appointment.objects.count() == 2
    # Quentin's booking confirmed him too: each customer gets exactly one confirmation.
    assert sorted(message.to for message in mail.outbox) == [["ada@example.com"], ["quentin@example.com"]]


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_the_pages_book_end_to_end_without_javascript(page, live_server, haircut):
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Northwind Hair").click()
    page.get_by_role("link", name="Haircut").click()
    # Without the script the times stay in the business's zone until the customer picks one.
    expect(page.get_by_text("Times are shown in America/Chicago.")).to_be_visible()
    page.get_by_label("Show times in").select_option("Europe/Paris")
    page.get_by_role("button", name="Show times").click()
    expect(page.get_by_text("Times are shown in Europe/Paris.")).to_be_visible()

    day, start = choose_time_next_week(page, at="09:30")
    fill_details(page)
    answer_questions(page)
    book_button(page).click()

    expect(page.get_by_role("heading", name="You're booked")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(shown_time(day, "09:30", "10:00", "Europe/Paris"))
    [row] = AppointmentCustomer.objects.select_related("appointment")
    assert (row.appointment.start, row.time_zone) == (start, "Europe/Paris")
    assert len(mail.outbox) == 1
