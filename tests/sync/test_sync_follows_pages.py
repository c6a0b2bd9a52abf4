"""Collections longer than a page arrive whole: the sync follows ``@odata.nextLink`` to the end."""

from __future__ import annotations

import pytest

from bookings.models import Service, StaffMember
from tests.sync.conftest import CONTOSO, sync

pytestmark = pytest.mark.django_db


def test_staff_and_services_spread_over_several_pages_all_arrive(demo_emulator, graph):
    for n in range(7):
        demo_emulator.add_staff_member(
            CONTOSO, {"displayName": f"Temp {n}", "emailAddress": f"temp{n}@contoso.com", "role": "guest"}
        )
        demo_emulator.add_service(CONTOSO, {"displayName": f"Extra {n}", "defaultDuration": "PT45M"})
    demo_emulator.page_size = 2

    (run,) = sync(graph, CONTOSO)

    upstream_staff = demo_emulator.items(CONTOSO, "staffMembers")
    upstream_services = demo_emulator.items(CONTOSO, "services")
    assert len(upstream_staff) == 10 and len(upstream_services) == 11
    assert sorted(StaffMember.objects.values_list("graph_id", flat=True)) == sorted(
        s["id"] for s in upstream_staff
    )
    assert sorted(Service.objects.values_list("graph_id", flat=True)) == sorted(
        s["id"] for s in upstream_services
    )
    assert run.state == "succeeded" and run.counts["staff_members"]["created"] == 10
    paged = [r for r in demo_emulator.requests if "skiptoken" in r.path.lower() and "staffMembers" in r.path]
    assert len(paged) >= 4  # 10 staff, 2 a page: 4 follow-up pages at least


def test_paging_does_not_make_a_resync_see_changes(demo_emulator, graph):
    demo_emulator.page_size = 1
    sync(graph, CONTOSO)

    (run,) = sync(graph, CONTOSO)

    assert run.totals()["unchanged"] > 0 and run.totals()["created"] == run.totals()["updated"] == 0
