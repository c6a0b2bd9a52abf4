"""The user's seed document, step by step, with exactly its request bodies."""

import pytest

pytestmark = pytest.mark.django_db


def test_seed_walkthrough_creates_staffs_publishes_and_lists_contoso(api):
    created = api.post("bookingBusinesses", {"displayName": "Contoso"})
    assert created.status_code == 201, created.json()
    business_id = created.json()["id"]
    assert "@" in business_id

    staff = api.post(
        f"bookingBusinesses/{business_id}/staffMembers",
        {"displayName": "Dana Swope", "emailAddress": "danas@contoso.com", "role": "externalGuest"},
    )
    assert staff.status_code == 201, staff.json()
    assert staff.json()["role"] == "externalGuest"

    service = api.post(f"bookingBusinesses/{business_id}/services", {"displayName": "Bento"})
    assert service.status_code == 201, service.json()

    published = api.post(f"bookingBusinesses/{business_id}/publish")
    assert published.status_code == 204
    assert published.content == b""

    listed = api.get("bookingBusinesses")
    assert listed.status_code == 200
    assert {"id": business_id, "displayName": "Contoso"} in listed.json()["value"]

    business = api.get(f"bookingBusinesses/{business_id}").json()
    assert business["isPublished"] is True
    assert business["publicUrl"]
