"""Playwright drives Debian's Chromium (``playwright install`` cannot download browsers here)."""

from __future__ import annotations

import os
import shutil
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from bookings.demo import week
from bookings.enums import AnswerInputType, PriceType
from bookings.models import Service, ServiceQuestion
from bookings.values import SchedulingPolicy
from tests.factories import BusinessFactory, CustomQuestionFactory, ServiceFactory, StaffMemberFactory

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from it are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "..", "test-artifacts")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        pytest.fail("Chromium not found: install Debian's 'chromium' package or set CHROMIUM")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": ["--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }


def assert_accessible(page, name: str) -> None:
    """No serious or critical axe-core violation; a full-page screenshot is kept for people to look at."""
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, f"{name}.png"), full_page=True)
    violations = Axe().run(page).response["violations"]
    bad = [
        (v["id"], v["help"], [node["target"] for node in v["nodes"]])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, bad


# --- A business customers can book any time of day, with little notice -------------------------

ALL_WEEK_AROUND_THE_CLOCK = week(
    dict.fromkeys(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"), (0, 0))
)
SHORT_NOTICE = SchedulingPolicy(
    time_slot_interval=timedelta(minutes=30),
    minimum_lead_time=timedelta(hours=1),
    maximum_advance=timedelta(days=60),
)
CUSTOMER_PASSWORD = "correct horse battery staple"


@pytest.fixture
def haircut(transactional_db) -> Service:
    """Northwind Hair's 30-minute haircut, bookable every half hour of every day (so there are free
    times next week whenever the suite runs), asking a required radio and a required text question."""
    business = BusinessFactory(
        display_name="Northwind Hair",
        slug="northwind-hair",
        is_published=True,
        time_zone="America/Chicago",
        business_hours=ALL_WEEK_AROUND_THE_CLOCK,
        scheduling_policy=SHORT_NOTICE,
        email="hello@northwind.example",
        phone="312-555-0100",
    )
    stylist = StaffMemberFactory(business=business, display_name="Ava Reyes")
    service = ServiceFactory(
        business=business,
        display_name="Haircut",
        description="Wash, cut and style.",
        default_duration=timedelta(minutes=30),
        default_price=25.0,
        default_price_type=PriceType.FIXED_PRICE,
    )
    service.staff_members.add(stylist)
    length = CustomQuestionFactory(
        business=business,
        display_name="Hair length",
        answer_input_type=AnswerInputType.RADIO_BUTTON,
        answer_options=["Short", "Medium", "Long"],
    )
    allergies = CustomQuestionFactory(business=business, display_name="Any allergies to hair products?")
    ServiceQuestion.objects.create(service=service, question=length, is_required=True, position=0)
    ServiceQuestion.objects.create(service=service, question=allergies, is_required=True, position=1)
    return service


@pytest.fixture
def customer_account(transactional_db, settings):
    """A customer who signed up and proved their e-mail address; allauth's rate limits are off so
    that many sign-ins in one run are not refused."""
    settings.ACCOUNT_RATE_LIMITS = False
    user = get_user_model().objects.create_user(
        "grace", "grace@example.com", CUSTOMER_PASSWORD, first_name="Grace", last_name="Hopper"
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def signed_in_customer(page, live_server, customer_account):
    """``customer_account`` signed in through allauth's real sign-in page, as a customer does."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Login").fill(customer_account.email)
    page.get_by_label("Password").fill(CUSTOMER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return customer_account
