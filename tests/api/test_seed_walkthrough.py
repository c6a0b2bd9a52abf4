"""The user's seed document, step by step, over real HTTP, with exactly its request bodies.

The seed was written for the retired ``/beta/bookingBusinesses`` root; v1.0 (and the portal) serve
the same operations under ``/v1.0/solutions/bookingBusinesses``.
"""

import httpx
import pytest

from bookings.models import ApiToken

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def graph(live_server, owner):
    _token, raw = ApiToken.objects.issue(owner, "seed walkthrough")
    with httpx.Client(
        base_url=f"{live_server.url}/api/v1.0/solutions",
        headers={"Authorization": f"Bearer {raw}"},
        timeout=10,
    ) as client:
        yield client


def test_seed_walkthrough_creates_staffs_publishes_and_lists_contoso(graph):
    created = graph.post("/bookingBusinesses", json={"displayName": "Contoso"})
    assert created.status_code == 201, created.text
    business_id = created.json()["id"]
    assert "@" in business_id

    staff = graph.post(
        f"/bookingBusinesses/{business_id}/staffMembers",
        json={"displayName": "Dana Swope", "emailAddress": "danas@contoso.com", "role": "externalGuest"},
    )
    assert staff.status_code == 201, staff.text
    assert staff.json()["role"] == "externalGuest"

    service = graph.post(f"/bookingBusinesses/{business_id}/services", json={"displayName": "Bento"})
    assert service.status_code == 201, service.text

    published = graph.post(f"/bookingBusinesses/{business_id}/publish")
    assert published.status_code == 204
    assert published.content == b""

    listed = graph.get("/bookingBusinesses")
    assert listed.status_code == 200
    assert {"id": business_id, "displayName": "Contoso"} in listed.json()["value"]

    business = graph.get(f"/bookingBusinesses/{business_id}").json()
    assert business["isPublished"] is True
    assert business["publicUrl"]
    assert [
        member["displayName"]
        for member in graph.get(f"/bookingBusinesses/{business_id}/staffMembers").json()["value"]
    ] == ["Dana Swope"]
    assert [
        item["displayName"]
        for item in graph.get(f"/bookingBusinesses/{business_id}/services").json()["value"]
    ] == ["Bento"]
