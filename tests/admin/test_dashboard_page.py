"""The owner's dashboard, the admin index (bookings/admin/overview.py, queries.dashboard_data)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.admin.queries import dashboard_data
from bookings.models import AppointmentStaff, GraphConnection, SyncRun
from tests.admin.conftest import CONTOSO, messages_of
from tests.factories import AppointmentFactory, BusinessFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db


def populate(businesses: int = 1, per_business: int = 2) -> None:
    """Businesses with staff, portal and Graph appointments today, and sync runs."""
    now = timezone.now()
    for _ in range(businesses):
        business = BusinessFactory()
        for index in range(per_business):
            member = StaffMemberFactory(business=business)
            for origin, hours in (("portal", index), ("graph", index + 3)):
                appointment = AppointmentFactory(
                    business=business, origin=origin, start=now + timedelta(hours=hours),
                    end=now + timedelta(hours=hours, minutes=30),
                )  # fmt: skip
                AppointmentStaff.objects.create(appointment=appointment, staff_member=member)
        SyncRun.objects.create(business=business, business_graph_id=business.graph_id, state="succeeded")


def test_the_dashboard_draws_both_charts_as_named_svg_images_with_tables(admin_client):
    populate()

    page = admin_client.get("/admin/")

    text = page.content.decode()
    assert page.status_code == 200
    assert 'role="img" aria-labelledby="bookings-chart-title bookings-chart-desc"' in text
    assert 'role="img" aria-labelledby="utilisation-chart-title utilisation-chart-desc"' in text
    assert (
        "<caption>Bookings per day</caption>" in text
        and "<caption>Staff utilisation this week</caption>" in text
    )
    today = [day for day in page.context["dashboard"].days if day.day == page.context["dashboard"].today]
    assert sum(day.total for day in page.context["dashboard"].days) == 4 >= today[0].portal
    assert "Sync now" in text and "Latest sync runs" in text


def test_the_numbers_leave_out_businesses_not_served_and_cancelled_appointments():
    populate()
    retired = BusinessFactory(is_active=False)
    AppointmentFactory(business=retired, start=timezone.now())
    AppointmentFactory(is_cancelled=True, start=timezone.now())

    data = dashboard_data(now=timezone.now())

    assert sum(day.total for day in data.days) == 4
    assert [row.name for row in data.utilisation] == sorted(row.name for row in data.utilisation)
    assert len(data.utilisation) == 2


def test_the_dashboard_is_read_in_a_fixed_number_of_queries():
    populate(businesses=1, per_business=1)
    with CaptureQueriesContext(connection) as small:
        dashboard_data(now=timezone.now())
    populate(businesses=3, per_business=3)

    with CaptureQueriesContext(connection) as large:
        data = dashboard_data(now=timezone.now())

    assert len(small) == len(large) == 4
    assert len(data.utilisation) == 10 and len(data.recent_runs) == 4


def test_the_whole_page_costs_the_same_however_much_there_is(admin_client):
    populate(businesses=1, per_business=1)
    with CaptureQueriesContext(connection) as small:
        admin_client.get("/admin/")
    populate(businesses=3, per_business=3)

    with CaptureQueriesContext(connection) as large:
        admin_client.get("/admin/")

    assert len(small) == len(large)


def test_the_last_five_runs_are_listed_with_their_errors(admin_client):
    for index in range(6):
        run = SyncRun.objects.create(business_graph_id=f"b{index}@x.com", state="failed")
        run.report("business", run.business_graph_id, f"trouble number {index}")
        run.save()

    text = admin_client.get("/admin/").content.decode()

    assert "trouble number 5" in text and "trouble number 1" in text and "trouble number 0" not in text


def test_sync_now_pulls_the_served_businesses_and_the_run_appears(admin_client, graph_settings):
    BusinessFactory(graph_id=CONTOSO)
    BusinessFactory(graph_id="retired@contoso.onmicrosoft.com", is_active=False)

    page = admin_client.post("/admin/sync-now/", follow=True)

    assert messages_of(page) == ["success: Synced 1 business."]
    assert list(SyncRun.objects.values_list("business_graph_id", "trigger")) == [(CONTOSO, "admin")]
    assert page.redirect_chain == [("/admin/", 302)]
    assert "Contoso Lunch Delivery" in page.content.decode()


def test_sync_now_with_nothing_served_says_what_to_do_first(admin_client):
    page = admin_client.post("/admin/sync-now/", follow=True)

    assert messages_of(page) == ["warning: No business is served yet: choose the businesses to serve first."]


def test_sync_now_is_a_post(admin_client):
    assert admin_client.get("/admin/sync-now/").status_code == 405


def test_sync_now_with_a_revoked_sign_in_breaks_the_connection_and_the_banner_asks_to_reconnect(
    admin_client, delegated
):
    BusinessFactory(graph_id=CONTOSO)

    page = admin_client.post("/admin/sync-now/", follow=True)

    assert "reauthentication required" in messages_of(page)[0]
    connection = GraphConnection.current()
    assert not connection.healthy and "reauthentication required" in connection.last_error
    assert "Reconnect Microsoft 365" in page.content.decode()


def test_a_sync_that_reads_a_business_shows_the_connection_works_again(admin_client, graph_settings):
    BusinessFactory(graph_id=CONTOSO)
    GraphConnection.objects.create(healthy=False, last_error="reauthentication required")

    admin_client.post("/admin/sync-now/")

    assert GraphConnection.current().healthy and GraphConnection.current().last_error == ""


def test_staff_who_may_not_change_businesses_see_the_dashboard_without_the_sync_button(
    client, django_user_model
):
    client.force_login(django_user_model.objects.create_user("viewer", password="pw", is_staff=True))

    page = client.get("/admin/")

    assert page.status_code == 200 and "Sync now" not in page.content.decode()
    assert client.post("/admin/sync-now/").status_code == 403


def test_today_is_the_businesses_own_day_not_the_servers():
    """Late evening in Chicago is already tomorrow in UTC (the server's zone): the bookings made for
    this evening count on the business's today."""
    business = BusinessFactory(time_zone="America/Chicago")
    member = StaffMemberFactory(business=business)
    evening = datetime(2030, 5, 7, 0, 30, tzinfo=UTC)  # 19:30 on 6 May in Chicago
    appointment = AppointmentFactory(business=business, start=evening, end=evening + timedelta(minutes=30))
    AppointmentStaff.objects.create(appointment=appointment, staff_member=member)

    data = dashboard_data(now=evening - timedelta(minutes=15))

    assert data.today == date(2030, 5, 6)
    assert [day.total for day in data.days if day.day == data.today] == [1]
