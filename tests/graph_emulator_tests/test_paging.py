"""Large collections come in pages linked by an absolute ``@odata.nextLink`` with an opaque
``$skiptoken``; following it verbatim yields every item exactly once."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from .support import app_client, business_path, client, odata_error


def _seed_services(emulator, count: int) -> str:
    business = emulator.add_business({"displayName": "Paged"})
    for n in range(count):
        emulator.add_service(business, {"displayName": f"Service {n:03d}"})
    return business


def _follow(http, first: str) -> tuple[list[dict], list[str]]:
    items, links, url = [], [], first
    while url:
        body = http.get(url).json()
        items += body["value"]
        url = body.get("@odata.nextLink")
        if url:
            links.append(url)
        assert len(links) < 50
    return items, links


def test_paging_across_several_pages(graph_emulator):
    business = _seed_services(graph_emulator, 23)
    graph_emulator.page_size = 5
    with app_client(graph_emulator) as http:
        items, links = _follow(http, business_path(business, "services"))
    assert [s["displayName"] for s in items] == [f"Service {n:03d}" for n in range(23)]
    assert len(links) == 4
    for link in links:
        parts = urlsplit(link)
        assert f"{parts.scheme}://{parts.netloc}" == graph_emulator.root_url
        assert parts.path.startswith("/v1.0/solutions/bookingBusinesses/")
        token = parse_qs(parts.query)["$skiptoken"][0]
        assert not token.isdigit()  # opaque, not an offset a client could compute


def test_default_page_size_is_100(graph_emulator):
    business = _seed_services(graph_emulator, 101)
    with app_client(graph_emulator) as http:
        first = http.get(business_path(business, "services")).json()
        rest = http.get(first["@odata.nextLink"]).json()
    assert len(first["value"]) == 100 and len(rest["value"]) == 1 and "@odata.nextLink" not in rest


def test_top_count_and_select_survive_the_next_link(graph_emulator):
    business = _seed_services(graph_emulator, 7)
    with app_client(graph_emulator) as http:
        first = http.get(
            business_path(business, "services"),
            params={"$top": "3", "$count": "true", "$select": "displayName"},
        ).json()
        second = http.get(first["@odata.nextLink"]).json()
    assert first["@odata.count"] == 7 and len(first["value"]) == 3
    assert len(second["value"]) == 3 and set(second["value"][0]) == {"id", "displayName"}


def test_calendar_view_pages_keep_the_window(graph_emulator):
    business = graph_emulator.add_business({"displayName": "Busy"})
    for hour in range(8, 20):
        graph_emulator.add_appointment(
            business,
            {
                "startDateTime": {"dateTime": f"2030-05-01T{hour:02d}:00:00", "timeZone": "UTC"},
                "endDateTime": {"dateTime": f"2030-05-01T{hour:02d}:30:00", "timeZone": "UTC"},
            },
        )
    graph_emulator.page_size = 4
    window = "?start=2030-05-01T09:00:00Z&end=2030-05-01T17:00:00Z"
    with client(graph_emulator) as http:
        items, links = _follow(http, business_path(business, "calendarView") + window)
    assert len(items) == 8 and len(links) == 1
    assert "start=2030-05-01T09" in links[0]


def test_a_bad_skiptoken_is_a_400(graph_emulator):
    business = _seed_services(graph_emulator, 1)
    with app_client(graph_emulator) as http:
        odata_error(
            http.get(business_path(business, "services"), params={"$skiptoken": "garbage"}), 400, "BadRequest"
        )
        odata_error(http.get(business_path(business, "services"), params={"$top": "0"}), 400, "BadRequest")
