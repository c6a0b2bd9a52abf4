"""The owner's first steps in a real browser: the landing page, signing in, publishing a business."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from bookings.demo import load_demo_data
from bookings.models import Business
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def owner_account():
    load_demo_data()
    return get_user_model().objects.create_superuser("boss", "boss@example.com", "a long passphrase")


def sign_in(page, live_server) -> None:
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("boss")
    page.get_by_label("Password").fill("a long passphrase")
    page.get_by_role("button", name="Log in").click()


def test_landing_page_points_owners_to_the_admin_and_is_accessible(page, live_server):
    page.goto(f"{live_server.url}/")

    expect(page.get_by_role("heading", name="Bookings portal")).to_be_visible()
    expect(page.get_by_role("link", name="admin")).to_have_attribute("href", "/admin/")
    assert_accessible(page, "landing")


def test_owner_signs_in_and_sees_the_demo_businesses(page, live_server, owner_account):
    sign_in(page, live_server)
    page.get_by_role("link", name="Businesses").click()

    expect(page.get_by_role("link", name="Contoso Lunch Delivery")).to_be_visible()
    expect(page.get_by_role("link", name="Fabrikam", exact=True)).to_be_visible()
    assert_accessible(page, "admin-businesses")


def test_owner_publishes_a_business_with_the_admin_action(page, live_server, owner_account):
    fabrikam = Business.objects.get(slug="fabrikam")
    assert not fabrikam.is_published
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/admin/bookings/business/")

    page.get_by_role("row", name="Fabrikam").get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option(label="Publish booking page")
    page.get_by_role("button", name="Go").click()

    expect(page.get_by_text("Published 1 booking page")).to_be_visible()
    fabrikam.refresh_from_db()
    assert fabrikam.is_published
    assert fabrikam.public_url.endswith("/book/fabrikam/")
