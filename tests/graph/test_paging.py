"""Collections are read across every page by following @odata.nextLink verbatim (contract §5.4)."""

from bookings.graph import business_path
from tests.graph.conftest import CONTOSO, statuses


def test_list_all_follows_next_links_across_several_pages(demo_emulator, graph):
    for number in range(7):
        demo_emulator.add_service(CONTOSO, {"displayName": f"Extra {number}", "defaultDuration": "PT30M"})
    demo_emulator.page_size = 3
    expected = [service["id"] for service in demo_emulator.items(CONTOSO, "services")]

    services = graph.list_all(business_path(CONTOSO, "services"))

    assert [service["id"] for service in services] == expected
    pages = -(-len(expected) // 3)
    assert pages >= 3
    assert statuses(demo_emulator, "GET", "/services") == [200] * pages
    followed = [r.path for r in demo_emulator.requests if "/services" in r.path][1:]
    assert all("$skiptoken=" in path for path in followed)


def test_iter_collection_reads_pages_lazily(demo_emulator, graph):
    demo_emulator.page_size = 1
    first = next(graph.iter_collection(business_path(CONTOSO, "staffMembers")))
    assert first["id"] == demo_emulator.items(CONTOSO, "staffMembers")[0]["id"]
    assert len(statuses(demo_emulator, "GET", "/staffMembers")) == 1


def test_query_parameters_go_on_the_first_page_only(demo_emulator, graph):
    demo_emulator.page_size = 1
    window = {"start": "2018-01-01T00:00:00Z", "end": "2030-01-01T00:00:00+01:00"}
    appointments = graph.list_all(business_path(CONTOSO, "calendarView"), window)
    assert len(appointments) == 2
    first, *rest = [r.path for r in demo_emulator.requests if "/calendarView" in r.path]
    assert "start=2018-01-01T00" in first and "end=2030-01-01T00" in first
    assert rest and all("$skiptoken=" in path for path in rest)
