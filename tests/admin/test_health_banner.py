"""The Graph health banner on every admin page (queries.graph_health, templates/admin/graph_health.html)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.admin.queries import graph_health
from bookings.models import GraphConnection, OutboxItem, SyncRun
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db
PAGES = ["/admin/", "/admin/bookings/business/", "/admin/graph/"]


def banner(client, url: str = "/admin/bookings/business/") -> str:
    """The banner's text on a page, or "" when there is none."""
    content = client.get(url).content.decode()
    if 'class="graph-health" role="alert"' not in content:
        return ""
    start = content.index('class="graph-health"')
    return " ".join(content[start : content.index("</div>", start)].split())


def run(business, state: str, minutes_ago: int, message: str = "") -> SyncRun:
    run = SyncRun.objects.create(
        business=business,
        business_graph_id=business.graph_id,
        state=state,
        started_at=timezone.now() - timedelta(minutes=minutes_ago),
    )
    if message:
        run.report("business", business.graph_id, message)
        run.save()
    return run


def dead_item(business, error: str = "400 ErrorInvalidRequest: bad") -> OutboxItem:
    return OutboxItem.objects.create(
        business=business, kind="update", target_type="service", target_id=business.pk, state="dead",
        last_error=error,
    )  # fmt: skip


@pytest.mark.parametrize("url", PAGES)
def test_all_is_well_means_no_banner(admin_client, url):
    business = BusinessFactory()
    run(business, "succeeded", 1)

    assert banner(admin_client, url) == ""


@pytest.mark.parametrize("url", PAGES)
def test_a_broken_connection_is_shown_with_its_error_and_a_link_to_reconnect(admin_client, url):
    GraphConnection.objects.create(healthy=False, last_error="reauthentication required")

    text = banner(admin_client, url)

    assert "The connection to Microsoft 365 is broken: reauthentication required." in text
    assert '<a href="/admin/graph/">Reconnect Microsoft 365</a>' in text


def test_a_served_business_whose_last_sync_failed_is_named_with_the_error(admin_client):
    contoso = BusinessFactory(display_name="Contoso")
    run(contoso, "succeeded", 60)
    run(contoso, "failed", 5, "404 ErrorNonExistentMailbox: <gone>")

    text = banner(admin_client)

    assert f'<a href="/admin/bookings/business/{contoso.pk}/change/">Contoso</a>' in text
    assert "failed: 404 ErrorNonExistentMailbox: &lt;gone&gt;." in text


def test_a_failure_since_repaired_or_of_a_business_not_served_is_no_alarm(admin_client):
    repaired, retired = BusinessFactory(), BusinessFactory(is_active=False)
    run(repaired, "failed", 60, "timeout")
    run(repaired, "partial", 1)
    run(retired, "failed", 1, "gone")

    assert banner(admin_client) == ""


def test_dead_outbox_items_are_counted_with_a_link_to_them(admin_client):
    business = BusinessFactory()
    dead_item(business)
    dead_item(business)

    text = banner(admin_client)

    assert '<a href="/admin/bookings/outboxitem/?state__exact=dead">2 outbox items</a>' in text
    assert "wait for a retry" in text


def test_the_sign_in_page_has_no_banner(client):
    GraphConnection.objects.create(healthy=False, last_error="reauthentication required")

    assert banner(client, "/admin/login/") == ""


def test_the_health_is_read_in_three_queries_however_many_businesses_fail():
    GraphConnection.objects.create(healthy=False, last_error="x")
    for _ in range(5):
        business = BusinessFactory()
        run(business, "failed", 1, "down")
        dead_item(business)

    with CaptureQueriesContext(connection) as queries:
        health = graph_health()

    assert len(queries) == 3
    assert (health.connection_healthy, len(health.failed_syncs), health.dead_items) == (False, 5, 5)
    assert {failed.message for failed in health.failed_syncs} == {"down"}


def test_without_a_connection_row_the_connection_counts_as_healthy():
    assert graph_health().ok and not GraphConnection.objects.exists()
