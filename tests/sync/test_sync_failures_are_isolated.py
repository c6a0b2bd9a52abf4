"""A business whose sync fails is marked failed and left exactly as it was; the others still sync."""

from __future__ import annotations

import pytest

from bookings.enums import SyncState
from bookings.graph.paths import business_path
from bookings.models import Business, Service, SyncRun
from tests.factories import BusinessFactory
from tests.sync.conftest import BENTO, CONTOSO, FABRIKAM, emulator_client, sync

pytestmark = pytest.mark.django_db

MISSING = "closed@contoso.onmicrosoft.com"


def test_an_unknown_mailbox_fails_its_run_and_the_next_business_still_syncs(graph):
    known = BusinessFactory(graph_id=MISSING)

    missing, fabrikam = sync(graph, MISSING, FABRIKAM)

    assert missing.state == "failed" and missing.business == known
    assert "ErrorNonExistentMailbox" in missing.errors[0]["message"]
    known.refresh_from_db()
    assert known.sync_state == SyncState.FAILED and "ErrorNonExistentMailbox" in known.sync_error
    assert fabrikam.state == "succeeded" and Business.objects.filter(graph_id=FABRIKAM).exists()


def test_a_failure_never_seen_locally_is_still_recorded(graph):
    (run,) = sync(graph, MISSING)

    assert run.state == "failed" and run.business is None and run.business_graph_id == MISSING
    assert SyncRun.objects.get() == run and run.finished_at


def test_a_failure_after_some_reads_leaves_the_business_exactly_as_it_was(demo_emulator):
    with emulator_client(demo_emulator) as client:
        sync(client, CONTOSO)
        client.patch(business_path(CONTOSO), {"phone": "206-555-0199"})
        client.patch(business_path(CONTOSO, "services", BENTO), {"displayName": "Bento deluxe"})
    demo_emulator.faults.add(
        method="GET", path=r"Contosolunchdelivery@[^/]+/customQuestions$", status=503, times=None
    )

    with emulator_client(demo_emulator, max_retries=1) as client:
        contoso, fabrikam = sync(client, CONTOSO, FABRIKAM)

    assert contoso.state == "failed" and fabrikam.state == "succeeded"
    assert contoso.totals() == dict.fromkeys(contoso.totals(), 0)
    business = Business.objects.get(graph_id=CONTOSO)
    assert business.phone == "206-555-0100" and business.sync_state == SyncState.FAILED
    assert Service.objects.get(graph_id=BENTO).display_name == "Bento"


def test_a_later_successful_sync_clears_the_failure(demo_emulator, graph):
    demo_emulator.faults.add(method="GET", path=r"/staffMembers$", status=500, times=None)
    with emulator_client(demo_emulator, max_retries=0) as client:
        (failed,) = sync(client, CONTOSO)
    assert failed.state == "failed" and not Business.objects.exists()
    demo_emulator.faults.clear()

    (run,) = sync(graph, CONTOSO)

    business = Business.objects.get(graph_id=CONTOSO)
    assert run.state == "succeeded" and business.sync_state == SyncState.OK and business.sync_error == ""


def test_listing_businesses_failing_is_one_failed_run(demo_emulator, settings):
    settings.BOOKINGS_BUSINESS_IDS = []
    demo_emulator.faults.add(method="GET", path=r"/bookingBusinesses$", status=403, times=None)

    with emulator_client(demo_emulator) as client:
        (run,) = sync(client)

    assert run.state == "failed" and run.business is None
    assert "Could not list booking businesses" in run.errors[0]["message"]
