"""The Celery task pulls every configured business through the client the settings describe.

Called as a function here (``.run`` / ``.apply``); a real worker and beat are exercised elsewhere.
"""

from __future__ import annotations

import ssl
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from django.conf import settings as django_settings

from bookings.graph import token_provider_from_settings
from bookings.models import Business, GraphConnection, SyncRun
from bookings.models.sync import ConnectionTokenCacheStore
from bookings.tasks import sync_graph_definitions
from tests.sync.conftest import CONTOSO, FABRIKAM

pytestmark = pytest.mark.django_db


def test_the_task_syncs_every_configured_business_with_an_app_token(graph_settings):
    run_ids = sync_graph_definitions.run()

    runs = SyncRun.objects.filter(pk__in=run_ids)
    assert sorted(run.business_graph_id for run in runs) == sorted([CONTOSO, FABRIKAM])
    assert {(run.state, run.trigger) for run in runs} == {("succeeded", "beat")}
    assert Business.objects.count() == 2


def test_the_task_can_be_applied_like_a_celery_call_with_another_trigger(graph_settings):
    result = sync_graph_definitions.apply(kwargs={"trigger": "manual"})

    assert result.successful()
    assert set(SyncRun.objects.values_list("trigger", "state")) == {("manual", "succeeded")}


def test_beat_runs_the_task_every_interval():
    entry = django_settings.CELERY_BEAT_SCHEDULE["sync-graph-definitions"]

    assert entry["task"] == sync_graph_definitions.name
    assert entry["schedule"] == django_settings.SYNC_INTERVAL_MINUTES * 60
    assert entry["kwargs"] == {"trigger": "beat"}


def sign_in_owner(emulator) -> None:
    """An owner's sign-in as the admin will do it, leaving the encrypted cache in GraphConnection."""
    provider = token_provider_from_settings(cache_store=ConnectionTokenCacheStore())
    flow = provider.start_sign_in("http://localhost:8000/admin/graph/callback")
    with httpx.Client(verify=ssl.create_default_context(cafile=emulator.ca_file)) as browser:
        redirect = browser.get(flow["auth_uri"])
    provider.finish_sign_in(flow, dict(parse_qsl(urlsplit(redirect.headers["Location"]).query)))


@pytest.mark.filterwarnings("ignore:response_mode='form_post' is recommended")
@pytest.mark.django_db(transaction=True)  # the sync's reader threads refresh the token from the database
def test_in_delegated_mode_the_task_uses_the_connection_token_cache_and_keeps_it_fresh(
    graph_settings, demo_emulator
):
    graph_settings.GRAPH_AUTH_MODE = "delegated"
    sign_in_owner(demo_emulator)
    signed_in = bytes(GraphConnection.current().token_cache)
    demo_emulator.expire_tokens()  # the first Graph call of every reader thread now needs a refresh

    run_ids = sync_graph_definitions.run(trigger="manual")

    assert set(SyncRun.objects.filter(pk__in=run_ids).values_list("state", flat=True)) == {"succeeded"}
    assert Business.objects.count() == 2
    refreshed = bytes(GraphConnection.current().token_cache)
    assert refreshed != signed_in and b"emu-refresh-" not in refreshed  # rotated, and still encrypted


@pytest.mark.filterwarnings("ignore:response_mode='form_post' is recommended")
def test_in_delegated_mode_without_configured_ids_every_business_the_owner_sees_is_synced(
    graph_settings, demo_emulator
):
    graph_settings.GRAPH_AUTH_MODE = "delegated"
    graph_settings.BOOKINGS_BUSINESS_IDS = []
    sign_in_owner(demo_emulator)

    sync_graph_definitions.run()

    assert sorted(Business.objects.values_list("graph_id", flat=True)) == sorted([CONTOSO, FABRIKAM])


def test_a_beat_sync_refused_for_want_of_a_sign_in_marks_the_connection_broken(graph_settings):
    graph_settings.GRAPH_AUTH_MODE = "delegated"  # and nobody has signed in

    sync_graph_definitions.run()

    connection = GraphConnection.current()
    assert not connection.healthy
    assert "reauthentication required" in connection.last_error


def test_a_beat_sync_that_reads_the_businesses_marks_the_connection_working_again(graph_settings):
    GraphConnection.objects.create(healthy=False, last_error="reauthentication required")

    sync_graph_definitions.run()

    assert GraphConnection.current().healthy
    assert GraphConnection.current().last_error == ""
