"""Businesses and their items behave as the contract says Graph does: status codes, PATCH merge,
read-only and unknown members ignored, list-vs-byId members, normalised durations, case-insensitive
paths and ids, Exchange-style errors."""

from __future__ import annotations

import pytest

from .support import (
    BENTO,
    CONTOSO,
    DANA,
    FABRIKAM,
    app_client,
    business_path,
    client,
    odata_error,
)


def test_business_create_derives_the_mailbox_id_from_the_name(graph_emulator):
    with client(graph_emulator) as http:
        first = http.post("/solutions/bookingBusinesses", json={"displayName": "Fourth Coffee!"})
        second = http.post("/solutions/bookingBusinesses", json={"displayName": "Fourth  coffee"})
    assert first.status_code == 201
    assert first.json()["id"] == "fourthcoffee@contoso.onmicrosoft.com"
    assert second.json()["id"] == "fourthcoffee2@contoso.onmicrosoft.com"
    assert first.json()["@odata.context"].endswith("/v1.0/solutions/$metadata#bookingBusinesses/$entity")
    created = first.json()
    assert created["isPublished"] is False and created["publicUrl"] is None
    assert created["schedulingPolicy"]["maximumAdvance"] == "P365D"
    assert [d["day"] for d in created["businessHours"]][:2] == ["monday", "tuesday"]


def test_business_create_needs_a_display_name(graph_emulator):
    with client(graph_emulator) as http:
        odata_error(http.post("/solutions/bookingBusinesses", json={"phone": "1"}), 400, "invalidRequest")
        odata_error(http.post("/solutions/bookingBusinesses", content=b"{not json"), 400, "BadRequest")


def test_business_list_has_id_and_name_only_and_filters_by_query(demo_emulator):
    with client(demo_emulator) as http:
        everything = http.get("/solutions/bookingBusinesses").json()
        fabrikam = http.get("/solutions/bookingBusinesses", params={"query": "fabri"}).json()
    assert [set(b) for b in everything["value"]] == [{"id", "displayName"}] * 2
    assert [b["id"] for b in fabrikam["value"]] == [FABRIKAM]
    assert "@odata.nextLink" not in everything


def test_business_list_stops_at_500(graph_emulator):
    for n in range(505):
        graph_emulator.add_business({"id": f"b{n}@contoso.onmicrosoft.com", "displayName": f"B {n}"})
    with client(graph_emulator) as http:
        body = http.get("/solutions/bookingBusinesses").json()
    assert len(body["value"]) == 500 and "@odata.nextLink" not in body


def test_business_patch_merges_and_ignores_email_name_and_read_only(demo_emulator):
    before = demo_emulator.business(FABRIKAM)
    with app_client(demo_emulator) as http:
        response = http.patch(
            business_path(FABRIKAM),
            json={
                "email": "admin@fabrikam.com",
                "displayName": "Renamed",
                "isPublished": True,
                "phone": "555",
                "schedulingPolicy": {"timeSlotInterval": "PT60M"},
                "somethingNew": 1,
            },
        )
    assert response.status_code == 204 and response.content == b""
    after = demo_emulator.business(FABRIKAM)
    assert (after["email"], after["displayName"], after["isPublished"]) == (
        before["email"],
        "Fabrikam",
        False,
    )
    assert after["phone"] == "555" and "somethingNew" not in after
    assert after["schedulingPolicy"]["timeSlotInterval"] == "PT1H"  # normalised
    assert (
        after["schedulingPolicy"]["maximumAdvance"] == before["schedulingPolicy"]["maximumAdvance"]
    )  # merged


def test_publish_and_unpublish(demo_emulator):
    with app_client(demo_emulator) as http:
        assert http.post(business_path(FABRIKAM, "publish")).status_code == 204
        published = http.get(business_path(FABRIKAM)).json()
        assert http.post(business_path(FABRIKAM, "unpublish")).status_code == 204
        unpublished = http.get(business_path(FABRIKAM)).json()
    assert published["isPublished"] is True and published["publicUrl"].startswith("https://")
    assert unpublished["isPublished"] is False and unpublished["publicUrl"] is None


def test_business_delete_is_delegated_only_and_removes_it(demo_emulator):
    with app_client(demo_emulator) as http:
        error = odata_error(http.delete(business_path(FABRIKAM)), 403, "ErrorAccessDenied")
    assert "does not support the token type: App" in error["message"]
    with client(demo_emulator) as http:
        assert http.delete(business_path(FABRIKAM)).status_code == 204
        odata_error(http.get(business_path(FABRIKAM)), 404, "ErrorNonExistentMailbox")


def test_paths_and_business_ids_are_case_insensitive(demo_emulator):
    with app_client(demo_emulator) as http:
        response = http.get(f"/SOLUTIONS/bookingbusinesses/{CONTOSO.upper()}/STAFFMEMBERS/{DANA.upper()}")
    assert response.status_code == 200
    assert response.json()["id"] == DANA
    assert "Contosolunchdelivery%40contoso.onmicrosoft.com" in response.json()["@odata.context"]


def test_unknown_items_and_segments(demo_emulator):
    with app_client(demo_emulator) as http:
        odata_error(http.get(business_path(CONTOSO, "services", "nope")), 404, "ErrorItemNotFound")
        odata_error(http.delete(business_path(CONTOSO, "customers", "nope")), 404, "ErrorItemNotFound")
        odata_error(http.get(business_path(CONTOSO, "invoices")), 400, "BadRequest")
        odata_error(http.get("/me/events"), 400, "BadRequest")
        odata_error(http.put(business_path(CONTOSO, "services")), 405)


@pytest.mark.parametrize(
    ("segment", "body", "patch_status"),
    [
        ("services", {"displayName": "Tea"}, 204),
        ("staffMembers", {"displayName": "Kai", "emailAddress": "kai@contoso.com", "role": "viewer"}, 204),
        ("customers", {"displayName": "Kai", "emailAddress": "kai@example.com"}, 200),
        ("customQuestions", {"displayName": "Allergies?"}, 200),
    ],
)
def test_item_lifecycle(demo_emulator, segment, body, patch_status):
    with app_client(demo_emulator) as http:
        created = http.post(
            business_path(CONTOSO, segment), json={**body, "id": "mine", "createdDateTime": "x"}
        )
        assert created.status_code == 201, created.text
        item = created.json()
        assert item["id"] != "mine" and len(item["id"]) == 36  # read-only: Graph assigns a GUID
        assert item["createdDateTime"].endswith("Z")
        assert item["@odata.context"].endswith(f"/{segment}/$entity")
        assert created.headers["Location"].endswith(item["id"])
        patched = http.patch(business_path(CONTOSO, segment, item["id"]), json={"displayName": "Renamed"})
        assert patched.status_code == patch_status
        if patch_status == 200:
            assert patched.json()["displayName"] == "Renamed"
        else:
            assert patched.content == b""
        fetched = http.get(business_path(CONTOSO, segment, item["id"])).json()
        assert fetched["displayName"] == "Renamed"
        assert {k: v for k, v in fetched.items() if k not in ("displayName", "lastUpdatedDateTime")} == {
            k: v for k, v in item.items() if k not in ("displayName", "lastUpdatedDateTime")
        }
        assert http.delete(business_path(CONTOSO, segment, item["id"])).status_code == 204
        odata_error(http.get(business_path(CONTOSO, segment, item["id"])), 404, "ErrorItemNotFound")


@pytest.mark.parametrize(
    ("segment", "body"),
    [
        ("staffMembers", {"displayName": "No mail", "role": "guest"}),
        ("staffMembers", {"displayName": "Bad role", "emailAddress": "x@y.z", "role": "boss"}),
        ("customQuestions", {"answerInputType": "text"}),
        ("services", {"displayName": "Bad duration", "defaultDuration": "30 minutes"}),
        ("services", {"displayName": "Bad price", "defaultPrice": "ten"}),
        ("services", {"displayName": "Bad hours", "defaultReminders": [{"offset": "P1Y"}]}),
    ],
)
def test_invalid_items_are_refused_with_400(demo_emulator, segment, body):
    with app_client(demo_emulator) as http:
        odata_error(http.post(business_path(CONTOSO, segment), json=body), 400, "invalidRequest")


def test_service_durations_are_normalised_and_byid_members_empty_in_lists(demo_emulator):
    with app_client(demo_emulator) as http:
        created = http.post(
            business_path(CONTOSO, "services"),
            json={
                "displayName": "Long",
                "defaultDuration": "PT90M",
                "preBuffer": "PT0M",
                "defaultReminders": [{"offset": "PT1440M", "recipients": "customer", "message": "tomorrow"}],
                "schedulingPolicy": {"minimumLeadTime": "PT36H"},
            },
        ).json()
        listed = {s["id"]: s for s in http.get(business_path(CONTOSO, "services")).json()["value"]}
    assert (created["defaultDuration"], created["preBuffer"]) == ("PT1H30M", "PT0S")
    assert created["defaultReminders"][0]["offset"] == "P1D"
    assert created["schedulingPolicy"]["minimumLeadTime"] == "P1DT12H"
    assert listed[created["id"]]["defaultReminders"] == []
    assert listed[BENTO]["defaultReminders"] == []


def test_polymorphic_items_carry_odata_type(demo_emulator):
    with app_client(demo_emulator) as http:
        for segment, odata_type in [
            ("staffMembers", "#microsoft.graph.bookingStaffMember"),
            ("customers", "#microsoft.graph.bookingCustomer"),
            ("customQuestions", "#microsoft.graph.bookingCustomQuestion"),
        ]:
            rows = http.get(business_path(CONTOSO, segment)).json()["value"]
            assert rows and {r["@odata.type"] for r in rows} == {odata_type}


def test_evolved_staff_roles_need_the_prefer_header(demo_emulator):
    with app_client(demo_emulator) as http:
        created = http.post(
            business_path(CONTOSO, "staffMembers"),
            json={"displayName": "Sam", "emailAddress": "sam@contoso.com", "role": "teamMember"},
        ).json()
        plain = http.get(business_path(CONTOSO, "staffMembers", created["id"])).json()
        preferring = http.get(
            business_path(CONTOSO, "staffMembers", created["id"]),
            headers={"Prefer": "include-unknown-enum-members"},
        ).json()
    assert plain["role"] == "unknownFutureValue" and preferring["role"] == "teamMember"


def test_staff_members_are_capped_at_100(graph_emulator):
    business = graph_emulator.add_business({"displayName": "Big"})
    for n in range(100):
        graph_emulator.add_staff_member(
            business, {"displayName": f"S{n}", "emailAddress": f"s{n}@x.com", "role": "guest"}
        )
    with app_client(graph_emulator) as http:
        response = http.post(
            business_path(business, "staffMembers"),
            json={"displayName": "One more", "emailAddress": "o@x.com", "role": "guest"},
        )
    odata_error(response, 400)


def test_currencies_are_delegated_only(demo_emulator):
    with client(demo_emulator) as http:
        usd = http.get("/solutions/bookingCurrencies/usd").json()
        odata_error(http.get("/solutions/bookingCurrencies/XXX"), 404)
    assert (usd["id"], usd["symbol"]) == ("USD", "$")
    with app_client(demo_emulator) as http:
        odata_error(http.get("/solutions/bookingCurrencies"), 403, "ErrorAccessDenied")


def test_select_projects_members(demo_emulator):
    with app_client(demo_emulator) as http:
        rows = http.get(business_path(CONTOSO, "services"), params={"$select": "displayName"}).json()["value"]
    assert rows and all(set(r) == {"id", "displayName"} for r in rows)


def test_inspection_helpers_return_graph_json(demo_emulator):
    services = demo_emulator.items(CONTOSO.lower(), "SERVICES")
    bento = next(s for s in services if s["id"] == BENTO)
    assert bento["defaultReminders"], "items() returns the by-id form"
    services[0]["displayName"] = "mutated copy"
    assert demo_emulator.items(CONTOSO, "services")[0]["displayName"] != "mutated copy"
    demo_emulator.reset()
    assert demo_emulator.businesses() == []
