"""Syncing again with nothing changed upstream changes nothing here but the "last synced" time."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.graph.paths import business_path
from bookings.isoformats import parse_datetime_offset
from bookings.models import Business, CustomQuestion, Service, ServiceQuestion, StaffMember
from tests.sync.conftest import BENTO, CONTOSO, DANA, sync

pytestmark = pytest.mark.django_db

MODELS = (Business, StaffMember, CustomQuestion, Service)


def snapshot() -> dict:
    """Every mirrored row with everything but its sync time, plus the service relations."""
    rows = {
        model.__name__: sorted(
            (str(row.pop("id")), row)
            for row in (
                {k: v for k, v in values.items() if k != "last_synced_at"}
                for values in model.objects.values()
            )
        )
        for model in MODELS
    }
    rows["links"] = sorted(Service.staff_members.through.objects.values_list("service_id", "staffmember_id"))
    rows["questions"] = sorted(
        ServiceQuestion.objects.values_list("pk", "service_id", "question_id", "is_required")
    )
    return rows


def test_a_second_sync_counts_everything_unchanged_and_writes_nothing(graph):
    first = sync(graph)
    before = snapshot()
    synced_at = {m.__name__: sorted(m.objects.values_list("last_synced_at", flat=True)) for m in MODELS}

    with CaptureQueriesContext(connection) as queries:
        second = sync(graph)

    assert snapshot() == before
    for run_before, run_after in zip(first, second, strict=True):
        assert run_after.state == "succeeded"
        totals = run_after.totals()
        assert totals["unchanged"] == sum(run_before.totals().values()) and totals["unchanged"] > 0
        assert totals["created"] == totals["updated"] == totals["deactivated"] == totals["skipped"] == 0
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].split()[0] in {"INSERT", "DELETE"}]
    assert [sql for sql in writes if "bookings_syncrun" not in sql] == []
    assert all(
        later > earlier
        for model in MODELS
        for earlier, later in zip(
            synced_at[model.__name__],
            sorted(model.objects.values_list("last_synced_at", flat=True)),
            strict=True,
        )
    )


def test_only_what_changed_upstream_is_updated_and_it_keeps_graph_timestamps(demo_emulator, graph):
    sync(graph, CONTOSO)
    untouched = StaffMember.objects.get(graph_id=DANA).last_updated_date_time

    graph.patch(
        business_path(CONTOSO, "services", BENTO), {"displayName": "Bento deluxe", "defaultPrice": 12.5}
    )
    (run,) = sync(graph, CONTOSO)

    bento = Service.objects.get(graph_id=BENTO)
    upstream = next(item for item in demo_emulator.items(CONTOSO, "services") if item["id"] == BENTO)
    assert (bento.display_name, bento.default_price) == ("Bento deluxe", 12.5)
    assert bento.last_updated_date_time == parse_datetime_offset(upstream["lastUpdatedDateTime"])
    assert run.counts["services"]["updated"] == 1 and run.counts["services"]["unchanged"] == 3
    assert run.totals()["updated"] == 1
    assert StaffMember.objects.get(graph_id=DANA).last_updated_date_time == untouched


def test_a_changed_staff_list_updates_the_service_links(graph):
    sync(graph, CONTOSO)

    graph.patch(business_path(CONTOSO, "services", BENTO), {"staffMemberIds": [DANA], "customQuestions": []})
    (run,) = sync(graph, CONTOSO)

    bento = Service.objects.get(graph_id=BENTO)
    assert [member.graph_id for member in bento.staff_members.all()] == [DANA]
    assert not bento.question_assignments.exists()
    assert run.counts["services"]["updated"] == 1
