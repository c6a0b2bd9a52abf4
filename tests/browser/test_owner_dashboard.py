"""The owner's admin in a real browser: the dashboard, "Sync now" against the emulated tenant, retrying a
dead outbox item, and connecting Microsoft 365 through the emulator's authorize page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from bookings.models import AppointmentStaff, GraphConnection, OutboxItem, SyncRun
from tests.browser.conftest import assert_accessible
from tests.factories import AppointmentFactory, BusinessFactory, StaffMemberFactory
from tests.sync.conftest import CONTOSO, graph_settings  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:response_mode='form_post' is recommended"),
]
PASSWORD = "a long passphrase"


@pytest.fixture
def browser_context_args(browser_context_args):
    """The emulator's authority serves TLS with a test CA the browser does not know."""
    return {**browser_context_args, "ignore_https_errors": True}


@pytest.fixture
def owner_account():
    return get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)


@pytest.fixture
def contoso(owner_account):
    """Contoso as served by the portal, with a staff member booked today (here and in Bookings)."""
    business = BusinessFactory(graph_id=CONTOSO, display_name="Contoso Lunch Delivery", slug="contoso")
    member = StaffMemberFactory(business=business, display_name="Dana Swope")
    now = timezone.now()
    for origin, hours in (("portal", 1), ("graph", 2)):
        appointment = AppointmentFactory(
            business=business,
            origin=origin,
            start=now + timedelta(hours=hours),
            end=now + timedelta(hours=hours, minutes=45),
        )
        AppointmentStaff.objects.create(appointment=appointment, staff_member=member)
    return business


def sign_in(page, live_server) -> None:
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("boss")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_owner_sees_the_dashboard_and_syncs_now(page, live_server, graph_settings, contoso):  # noqa: F811
    sign_in(page, live_server)

    expect(page.get_by_role("img", name="Bookings per day")).to_be_visible()
    expect(page.get_by_role("img", name="Staff utilisation this week")).to_be_visible()
    page.get_by_text("Bookings per day as a table").click()
    today = page.get_by_role("row", name=re.compile(r"\(today\)"))
    expect(today.get_by_role("cell")).to_have_text(["1", "1", "2"])
    assert_accessible(page, "admin-dashboard")

    page.get_by_role("button", name="Sync now").click()

    expect(page.get_by_text("Synced 1 business.")).to_be_visible()
    runs = page.get_by_role("table", name=re.compile("Latest sync runs"))
    expect(runs.get_by_role("row").nth(1)).to_contain_text("Contoso Lunch Delivery")
    expect(runs.get_by_role("row").nth(1)).to_contain_text("Succeeded")
    assert SyncRun.objects.get().trigger == "admin"


def test_owner_follows_the_banner_to_a_dead_item_and_retries_it(page, live_server, contoso):
    item = OutboxItem.objects.create(
        business=contoso,
        kind="update",
        target_type="service",
        target_id=contoso.pk,
        state="dead",
        attempts=8,
        last_error="400 ErrorInvalidRequest: The service's duration is invalid",
    )
    sign_in(page, live_server)

    banner = page.get_by_role("alert")
    expect(banner).to_contain_text("could not be delivered to Microsoft Graph")
    banner.get_by_role("link", name="1 outbox item").click()

    row = page.get_by_role("row", name=re.compile("ErrorInvalidRequest"))
    expect(row).to_contain_text("The service's duration is invalid")
    assert_accessible(page, "admin-dead-outbox-items")
    row.get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option(label="Retry the selected dead items")
    page.get_by_role("button", name="Go").click()

    expect(page.get_by_text("1 item will be sent again.")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    assert_accessible(page, "admin-outbox-retried")
    item.refresh_from_db()
    assert (item.state, item.attempts, item.last_error) == ("pending", 0, "")


def test_owner_connects_microsoft_365_through_the_authority(
    page,
    live_server,
    graph_settings,  # noqa: F811
    owner_account,
):
    graph_settings.GRAPH_AUTH_MODE = "delegated"
    GraphConnection.objects.create(healthy=False, last_error="reauthentication required")
    sign_in(page, live_server)
    page.get_by_role("alert").get_by_role("link", name="Reconnect Microsoft 365").click()
    expect(page.get_by_text("Nobody has connected Microsoft 365 yet")).to_be_visible()
    assert_accessible(page, "admin-graph-connection")

    page.get_by_role("button", name="Connect Microsoft 365").click()  # the emulator consents at once

    expect(
        page.get_by_text(re.compile(r"Connected to Microsoft 365 as .+@contoso\.onmicrosoft\.com"))
    ).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Connected as "))).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    assert_accessible(page, "admin-graph-connected")
    assert GraphConnection.current().healthy and GraphConnection.current().token_cache
