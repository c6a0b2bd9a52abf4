"""Every request is logged with method, path, status and both request ids, never with the token."""

import logging

import pytest

from bookings.graph import business_path
from tests.graph.conftest import CONTOSO


def test_each_attempt_is_logged_with_its_ids_and_without_the_token(demo_emulator, graph, caplog):
    demo_emulator.faults.add(method="GET", path=r"/services$", status=503)
    with caplog.at_level(logging.INFO, logger="bookings.graph"):
        graph.get(business_path(CONTOSO, "services"))

    lines = [r.getMessage() for r in caplog.records if r.name.startswith("bookings.graph")]
    sent = [r for r in demo_emulator.requests if r.path.endswith("/services")]
    assert len(lines) == len(sent) == 2
    for line, request in zip(lines, sent, strict=True):
        assert line.startswith("Graph GET solutions/bookingBusinesses/")
        assert f"-> {request.status} " in line
        assert f"client-request-id={request.client_request_id}" in line
        assert "request-id=None" not in line
    assert len({r.client_request_id for r in sent}) == 2  # a fresh id per attempt
    everything = caplog.text + "".join(lines)
    assert demo_emulator.delegated_token not in everything


def test_the_token_is_never_sent_to_another_origin(graph):
    with pytest.raises(ValueError, match="refusing"):
        graph.get("https://graph.example.net/v1.0/solutions/bookingBusinesses?$skiptoken=x")
