"""Every customer page, in each state a customer meets it, passes axe-core with no serious or
critical violation; the screenshots in test-artifacts/ are for people to look at."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from bookings.booking import CustomerDetails, book
from bookings.display import slot_value
from bookings.manage_links import manage_token
from bookings.models import AppointmentCustomer, Service
from tests.browser.conftest import CUSTOMER_PASSWORD, assert_accessible
from tests.browser.test_booking_journey import (
    answer_questions,
    choose_time_next_week,
    fill_details,
    service_url,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(timezone_id="Europe/London"),
]


def next_week_at(service: Service, hour: int) -> datetime:
    """A start a week from now at ``hour`` in the business's zone: on the slot grid, past the lead time."""
    zone = service.business.zone
    day = timezone.now().astimezone(zone).date() + timedelta(days=7)
    return datetime.combine(day, time(hour), tzinfo=zone)


def booked(service: Service, *, email: str = "ada@example.com", hour: int = 10) -> AppointmentCustomer:
    """A booking made through the booking service, as the details page makes one."""
    answers = {str(assignment.question_id): "Short" if assignment.position == 0 else "None"
               for assignment in service.question_assignments.all()}  # fmt: skip
    details = CustomerDetails(
        name="Ada Lovelace", email_address=email, time_zone="Europe/London", request_key="a" * 32
    )
    start = next_week_at(service, hour)
    book(service=service, start=start, customer=details, answers=answers, now=timezone.now())
    return AppointmentCustomer.objects.select_related("appointment").get(email_address=email)


def details_url(live_server, service: Service, start: datetime) -> str:
    path = reverse("bookings:details", args=[service.business.slug, service.pk])
    return f"{live_server.url}{path}?start={slot_value(start)}&tz=Europe/London"


def test_home_page(page, live_server, haircut):
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("link", name="Northwind Hair")).to_be_visible()
    assert_accessible(page, "customer-home")


def test_business_page(page, live_server, haircut):
    page.goto(f"{live_server.url}/book/northwind-hair/")
    expect(page.get_by_role("heading", name="Services")).to_be_visible()
    assert_accessible(page, "customer-business")


def test_slot_picker(page, live_server, haircut):
    page.goto(service_url(live_server, haircut))
    expect(page.get_by_text("Times are shown in Europe/London.")).to_be_visible()
    assert_accessible(page, "customer-slot-picker")


def test_details_form_and_its_errors(page, live_server, haircut):
    page.goto(service_url(live_server, haircut))
    choose_time_next_week(page)
    expect(page.get_by_role("button", name="Book", exact=True)).to_be_visible()
    assert_accessible(page, "customer-details")

    page.get_by_label("E-mail address").fill("not an address")
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert_accessible(page, "customer-details-errors")


def test_just_taken_on_submit_and_on_opening(page, live_server, haircut):
    start = next_week_at(haircut, 10)
    page.goto(details_url(live_server, haircut, start))
    fill_details(page)
    answer_questions(page)
    booked(haircut, email="quentin@example.com")
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_role("heading", name="Sorry, this time was just taken")).to_be_visible()
    assert_accessible(page, "customer-just-taken")

    page.goto(details_url(live_server, haircut, start))  # a link to a time that is gone already
    expect(page.get_by_role("heading", name="Sorry, this time was just taken")).to_be_visible()
    assert_accessible(page, "customer-just-taken-on-opening")


def test_pick_again_page(page, live_server, haircut):
    page.goto(live_server.url + reverse("bookings:details", args=["northwind-hair", haircut.pk]))
    expect(page.get_by_role("alert")).to_have_text("Please pick a time from the list.")
    assert_accessible(page, "customer-pick-again")


def test_manage_page_booked_moved_and_cancelled(page, live_server, haircut):
    token = manage_token(booked(haircut))
    page.goto(f"{live_server.url}/booking/{token}/?booked=1")
    expect(page.get_by_role("heading", name="You're booked")).to_be_visible()
    assert_accessible(page, "customer-manage-booked")

    page.goto(f"{live_server.url}/booking/{token}/")
    page.get_by_role("button", name="Cancel booking").click()
    expect(page.get_by_role("heading", name="This booking is cancelled")).to_be_visible()
    assert_accessible(page, "customer-manage-cancelled")


def test_reschedule_page(page, live_server, haircut):
    token = manage_token(booked(haircut))
    page.goto(f"{live_server.url}/booking/{token}/reschedule/")
    expect(page.get_by_role("heading", name=re.compile("^Free times"))).to_be_visible()
    assert_accessible(page, "customer-reschedule")


def test_my_bookings(page, live_server, haircut, signed_in_customer):
    booked(haircut, email=signed_in_customer.email)
    page.goto(f"{live_server.url}/my/bookings/")
    expect(page.get_by_role("link", name="Haircut")).to_be_visible()
    assert_accessible(page, "customer-my-bookings")


def test_sign_in_page_and_its_errors(page, live_server, customer_account):
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page, "account-sign-in")

    page.get_by_label("Login").fill("grace")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not correct")
    assert_accessible(page, "account-sign-in-errors")


def test_sign_up_page_and_verification_sent(page, live_server, settings):
    settings.ACCOUNT_RATE_LIMITS = False
    page.goto(f"{live_server.url}/accounts/signup/")
    assert_accessible(page, "account-sign-up")

    page.get_by_label("Email").fill("linus@example.com")
    page.get_by_label("Username").fill("linus")
    page.get_by_label(re.compile(r"^Password(?! \(again\))")).fill(CUSTOMER_PASSWORD)
    page.get_by_label("Password (again)").fill(CUSTOMER_PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name=re.compile("Verify", re.IGNORECASE))).to_be_visible()
    assert_accessible(page, "account-verification-sent")


def test_password_reset_pages(page, live_server, customer_account):
    page.goto(f"{live_server.url}/accounts/password/reset/")
    assert_accessible(page, "account-password-reset")

    page.get_by_label("Email").fill(customer_account.email)
    page.get_by_role("button", name=re.compile("reset", re.IGNORECASE)).click()
    expect(page.get_by_text(re.compile("sent you an e-?mail", re.IGNORECASE))).to_be_visible()
    assert_accessible(page, "account-password-reset-done")

    [message] = mail.outbox
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", message.body).group(0)
    page.goto(link)
    expect(page.get_by_label("New password", exact=False).first).to_be_visible()
    assert_accessible(page, "account-password-reset-new-password")
