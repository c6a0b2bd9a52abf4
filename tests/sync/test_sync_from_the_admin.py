"""The owner's view of sync: "Sync from Microsoft Graph now" on businesses, the run log, the connection."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.urls import reverse

from bookings.admin.sync import sync_now
from bookings.models import Business, GraphConnection, SyncRun
from tests.factories import BusinessFactory
from tests.sync.conftest import CONTOSO, FABRIKAM

pytestmark = pytest.mark.django_db


def run_action(owner, queryset) -> list[str]:
    request = RequestFactory().post("/admin/bookings/business/")
    request.user = owner
    request.session = {}
    request._messages = FallbackStorage(request)
    sync_now(admin.site._registry[Business], request, queryset)
    return [f"{message.level_tag}: {message.message}" for message in get_messages(request)]


def test_sync_now_pulls_the_selected_businesses_and_says_how_it_went(graph_settings, owner):
    BusinessFactory(graph_id=CONTOSO)
    BusinessFactory(graph_id="closed@contoso.onmicrosoft.com")

    messages = run_action(owner, Business.objects.all())

    assert messages[0] == "success: Synced 1 business."
    assert messages[1].startswith("error: closed@contoso.onmicrosoft.com: Failed.")
    assert set(SyncRun.objects.values_list("trigger", flat=True)) == {"admin"}
    assert not Business.objects.filter(graph_id=FABRIKAM).exists()  # not selected


def test_sync_now_without_a_graph_configuration_says_so_and_records_nothing(owner, settings):
    settings.GRAPH_CLIENT_ID = ""
    BusinessFactory(graph_id=CONTOSO)

    messages = run_action(owner, Business.objects.all())

    assert messages == [
        "error: Cannot reach Microsoft Graph: GRAPH_CLIENT_ID and GRAPH_TENANT_ID must be set to reach Graph"
    ]
    assert not SyncRun.objects.exists()


@pytest.fixture
def runs() -> list[SyncRun]:
    business = BusinessFactory(graph_id=CONTOSO)
    ok = SyncRun.objects.create(
        business=business, business_graph_id=CONTOSO, state="succeeded", trigger="beat"
    )
    ok.count("services", "created", 3)
    ok.save()
    failed = SyncRun.objects.create(business_graph_id="closed@contoso.onmicrosoft.com", state="failed")
    failed.report("business", "closed@contoso.onmicrosoft.com", "404 ErrorNonExistentMailbox: <gone>")
    failed.save()
    return [ok, failed]


def test_the_run_log_lists_runs_with_counts_and_opens_read_only(admin_client: Any, runs):
    ok, failed = runs

    listing = admin_client.get(reverse("admin:bookings_syncrun_changelist"))
    detail = admin_client.get(reverse("admin:bookings_syncrun_change", args=[failed.pk]))

    assert listing.status_code == 200 and list(listing.context["cl"].result_list) == [failed, ok]
    assert b"3 / 0 / 0 / 0 / 0" in listing.content
    assert detail.status_code == 200
    assert b"ErrorNonExistentMailbox: &lt;gone&gt;" in detail.content  # shown, and escaped
    assert admin_client.get(reverse("admin:bookings_syncrun_add")).status_code == 403
    posted = admin_client.post(reverse("admin:bookings_syncrun_change", args=[ok.pk]), {"state": "failed"})
    assert posted.status_code == 403 and SyncRun.objects.get(pk=ok.pk).state == "succeeded"


def test_the_connection_is_one_row_whose_token_cache_is_never_shown(admin_client: Any):
    connection = GraphConnection.current()
    connection.token_cache = b"ciphertext-not-for-eyes"
    connection.save()

    page = admin_client.get(reverse("admin:bookings_graphconnection_change", args=[connection.pk]))

    assert page.status_code == 200 and b"ciphertext-not-for-eyes" not in page.content
    assert admin_client.get(reverse("admin:bookings_graphconnection_add")).status_code == 403
    assert GraphConnection.current() == connection and GraphConnection.objects.count() == 1
