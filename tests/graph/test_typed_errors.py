"""Graph's error responses surface as typed exceptions with the OData code and request ids."""

import pytest

from bookings.graph import (
    GraphAuthError,
    GraphNotFound,
    GraphServerError,
    GraphValidationError,
    business_path,
)
from tests.graph.conftest import CONTOSO, client_for


def test_unknown_business_is_not_found_with_the_exchange_code(demo_emulator, graph):
    with pytest.raises(GraphNotFound) as raised:
        graph.get(business_path("nobody@contoso.onmicrosoft.com", "services"))
    error = raised.value
    assert (error.status, error.code) == (404, "ErrorNonExistentMailbox")
    assert error.request_id
    sent = [r.client_request_id for r in demo_emulator.requests if "nobody@" in r.path]
    assert error.client_request_id == sent[-1]


def test_unknown_child_item_is_not_found(graph):
    with pytest.raises(GraphNotFound) as raised:
        graph.get(business_path(CONTOSO, "services", "00000000-0000-0000-0000-000000000000"))
    assert raised.value.code


def test_invalid_create_is_a_validation_error_and_not_retried(demo_emulator, graph):
    with pytest.raises(GraphValidationError) as raised:
        graph.post(business_path(CONTOSO, "staffMembers"), {"displayName": "No e-mail, no role"})
    assert raised.value.status == 400
    assert len([r for r in demo_emulator.requests if r.method == "POST"]) == 1


def test_app_token_on_a_delegated_only_endpoint_is_an_auth_error(demo_emulator, naps):
    app_only = client_for(demo_emulator, naps, token=demo_emulator.app_token)
    with app_only, pytest.raises(GraphAuthError) as raised:
        app_only.get("solutions/bookingBusinesses")
    assert raised.value.status == 403
    assert raised.value.code == "ErrorAccessDenied"


def test_persistent_500_on_a_read_ends_as_server_error_with_empty_code(demo_emulator, naps):
    demo_emulator.faults.add(method="GET", path=r"/services$", status=500, times=None)
    with client_for(demo_emulator, naps, max_retries=2) as graph, pytest.raises(GraphServerError) as raised:
        graph.get(business_path(CONTOSO, "services"))
    assert (raised.value.status, raised.value.code) == (500, "")
    assert raised.value.message == "An error has occurred."
    assert len(naps) == 2
