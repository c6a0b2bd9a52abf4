"""What every kind of a business's items shares (staff members, services, custom questions,
customers, appointments): paging, lookup by either id, isolation between businesses, deletion."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from tests.api.graph_assertions import Resource, all_pages, assert_odata_error
from tests.factories import (
    AppointmentFactory,
    CustomerFactory,
    CustomQuestionFactory,
    ServiceFactory,
    StaffMemberFactory,
)

pytestmark = pytest.mark.django_db

ODD_GRAPH_ID = "AAMkADc7zF4J0AAA8v/Kn+AA=="


@dataclass(frozen=True)
class Kind:
    resource: Resource
    factory: Any
    change: dict[str, Any]  # a valid PATCH body

    def make(self, business=None, **fields):
        return self.factory(**({"business": business} if business else {}), **fields)


KINDS = [
    pytest.param(Kind(Resource("staffMembers"), StaffMemberFactory, {"displayName": "x"}), id="staffMembers"),
    pytest.param(Kind(Resource("services"), ServiceFactory, {"displayName": "x"}), id="services"),
    pytest.param(
        Kind(Resource("customQuestions"), CustomQuestionFactory, {"displayName": "x"}), id="customQuestions"
    ),
    pytest.param(Kind(Resource("customers"), CustomerFactory, {"displayName": "x"}), id="customers"),
    pytest.param(
        Kind(Resource("appointments"), AppointmentFactory, {"appointmentLabel": "x"}), id="appointments"
    ),
]


@pytest.mark.parametrize("kind", KINDS)
def test_lists_page_with_top_and_an_absolute_next_link_to_follow(api, business, kind):
    made = [kind.make(business) for _ in range(5)]

    first = api.get(kind.resource.path(business), {"$top": "2"}).json()
    items, pages = all_pages(api, f"{kind.resource.path(business)}?$top=2")

    assert len(first["value"]) == 2
    assert first["@odata.nextLink"].startswith("http://testserver/api/v1.0/solutions/bookingBusinesses/")
    assert pages == 3
    assert sorted(item["id"] for item in items) == sorted(str(record.pk) for record in made)


@pytest.mark.parametrize("kind", KINDS)
def test_lists_leave_out_items_of_other_businesses_and_deleted_items(api, business, kind):
    kept = kind.make(business)
    kind.make(business, is_active=False)
    kind.make()

    assert [item["id"] for item in api.get(kind.resource.path(business)).json()["value"]] == [str(kept.pk)]


@pytest.mark.parametrize("kind", KINDS)
def test_an_item_is_found_by_graphs_id_too(api, business, kind):
    record = kind.make(business, graph_id="3bc6fde0-4ad3-445d-ab17-0fc15dba0774")

    assert kind.resource.read(api, business, "3bc6fde0-4ad3-445d-ab17-0fc15dba0774")["id"] == str(record.pk)


@pytest.mark.parametrize("kind", KINDS)
def test_a_graph_id_with_slash_plus_and_equals_is_found_when_percent_encoded(api, business, kind):
    record = kind.make(business, graph_id=ODD_GRAPH_ID)

    assert kind.resource.read(api, business, ODD_GRAPH_ID)["id"] == str(record.pk)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_an_unknown_id_is_item_not_found(api, business, kind, method):
    path = kind.resource.path(business, uuid.uuid4())
    response = api.patch(path, kind.change) if method == "patch" else getattr(api, method)(path)

    assert_odata_error(response, 404, code="ErrorItemNotFound")


@pytest.mark.parametrize("kind", KINDS)
def test_an_item_of_another_business_is_not_found_and_left_alone(api, business, kind):
    elsewhere = kind.make()
    path = kind.resource.path(business, elsewhere.pk)

    assert_odata_error(api.get(path), 404, code="ErrorItemNotFound")
    assert_odata_error(api.patch(path, kind.change), 404, code="ErrorItemNotFound")
    assert_odata_error(api.delete(path), 404, code="ErrorItemNotFound")
    elsewhere.refresh_from_db()
    assert elsewhere.is_active
    assert "x" not in {getattr(elsewhere, "display_name", ""), getattr(elsewhere, "appointment_label", "")}


@pytest.mark.parametrize("kind", KINDS)
def test_delete_answers_204_and_the_item_is_gone(api, business, kind):
    record = kind.make(business)
    path = kind.resource.path(business, record.pk)

    response = api.delete(path)

    assert response.status_code == 204
    assert response.content == b""
    assert_odata_error(api.get(path), 404, code="ErrorItemNotFound")
    assert api.get(kind.resource.path(business)).json()["value"] == []
    assert_odata_error(api.delete(path), 404, code="ErrorItemNotFound")
    record.refresh_from_db()
    assert record.is_active is False  # deactivated: history keeps pointing at it


@pytest.mark.parametrize("kind", KINDS)
def test_items_of_an_unknown_business_are_a_nonexistent_mailbox(api, kind):
    response = api.get(f"bookingBusinesses/nobody@contoso.onmicrosoft.com/{kind.resource.segment}")

    assert_odata_error(response, 404, code="ErrorNonExistentMailbox")
