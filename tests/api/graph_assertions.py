"""Assertions shared by the API specification tests: Graph's response shapes and OData errors."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

METADATA = "http://testserver/api/v1.0/solutions/$metadata"


# Members an example shows under a beta or documentation-only name; v1.0 sends the other.
RENAMED_IN_V1 = {"start": "startDateTime", "end": "endDateTime"}
# Members in one Microsoft sample only, inside calendarView's customers[]; not in v1.0 metadata.
NOT_IN_V1 = {"smsNotificationsEnabled"}
# Members only Microsoft 365 fills (the Teams link exists once Graph has the appointment) or that
# echo what a client sent (v1.0 ignores an address's ``type``): null here is data, not shape.
NULL_UNTIL_GIVEN = {"joinWebUrl", "type"}


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def assert_same_shape(ours: Any, microsoft: Any, path: str = "$") -> None:
    """Every member of Microsoft's example is in ours, with the same JSON type where Microsoft's
    value is not null; nested objects (and the first item of arrays) are compared alike. Members
    Microsoft does not show may be added. ``@odata.type`` must match on entities and on
    ``customers[]`` items (polymorphic sets); nested complex values may leave it out."""
    member = path.rsplit(".", 1)[-1]
    if microsoft is None or (ours is None and member in NULL_UNTIL_GIVEN):
        return
    assert json_type(ours) == json_type(microsoft), f"{path}: ours is {ours!r}, Microsoft's is {microsoft!r}"
    if isinstance(microsoft, dict):
        for key, theirs in microsoft.items():
            if key == "@odata.type":
                if path in ("$", "$.value[0]") or path.endswith("customers[0]"):
                    assert ours.get(key) == theirs, f"{path}: @odata.type {ours.get(key)!r}, not {theirs!r}"
                continue
            if "@odata." in key and key != "@odata.context":
                continue  # annotations such as "priceType@odata.type" are not members
            if key in NOT_IN_V1 and path.endswith("]"):
                continue
            name = key if key in ours else RENAMED_IN_V1.get(key, key)
            assert name in ours, f"{path}.{key} is missing (Microsoft's example has {theirs!r})"
            if key != "@odata.context":
                assert_same_shape(ours[name], theirs, f"{path}.{name}")
    elif isinstance(microsoft, list) and microsoft and ours:
        assert_same_shape(ours[0], microsoft[0], f"{path}[0]")


def business_context(business_id: str, segment: str) -> str:
    """The ``@odata.context`` Graph writes for a business's navigation, id percent-encoded."""
    return f"{METADATA}#bookingBusinesses('{quote(business_id, safe='')}')/{segment}"


def assert_odata_error(response, status: int, *, code: str | None = None, member: str | None = None) -> dict:
    """An OData error body (never DRF's ``detail``) with ``status``, and, when given, the error
    ``code`` and the JSON ``member`` the error is about (in the message and the details' targets)."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    body = response.json()
    assert list(body) == ["error"], body
    error = body["error"]
    assert isinstance(error["code"], str) and error["code"], error
    assert isinstance(error["message"], str) and error["message"], error
    if code is not None:
        assert error["code"] == code, error
    if member is not None:
        targets = [detail["target"] for detail in error.get("details", [])]
        assert error["message"].startswith(member) or any(t.startswith(member) for t in targets), error
    return error


def relative(next_link: str) -> str:
    """``@odata.nextLink`` is absolute; the test client wants the path and query."""
    parts = urlsplit(next_link)
    assert parts.scheme in ("http", "https") and parts.netloc, next_link
    return f"{parts.path}?{parts.query}"


def all_pages(api, path: str) -> tuple[list[dict], int]:
    """Follow ``@odata.nextLink`` until it is absent; return every item and the number of pages."""
    items, pages, url = [], 0, path
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.json()
        body = response.json()
        items += body["value"]
        pages += 1
        url = relative(body["@odata.nextLink"]) if "@odata.nextLink" in body else None
        assert pages < 100, "paging does not end"
    return items, pages


class Resource:
    """Paths and the happy-path calls for one kind of a business's items (``staffMembers``, …)."""

    def __init__(self, segment: str) -> None:
        self.segment = segment

    def path(self, business, item_id=None) -> str:
        path = f"bookingBusinesses/{business.graph_id}/{self.segment}"
        return f"{path}/{quote(str(item_id), safe='')}" if item_id is not None else path

    def create(self, api, business, body) -> dict:
        response = api.post(self.path(business), body)
        assert response.status_code == 201, response.json()
        return response.json()

    def read(self, api, business, item_id) -> dict:
        response = api.get(self.path(business, item_id))
        assert response.status_code == 200, response.json()
        return response.json()
