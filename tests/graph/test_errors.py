"""OData error bodies become typed exceptions carrying code and request ids (contract §5.10, §6)."""

from datetime import UTC, datetime

import pytest

from bookings.graph.errors import (
    GraphAuthError,
    GraphError,
    GraphNotFound,
    GraphServerError,
    GraphThrottled,
    GraphTimeout,
    GraphValidationError,
    error_class_for,
    error_from_response,
    parse_retry_after,
)
from tests.conftest import example


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (0, GraphTimeout),
        (400, GraphValidationError),
        (401, GraphAuthError),
        (403, GraphAuthError),
        (404, GraphNotFound),
        (409, GraphValidationError),
        (424, GraphValidationError),
        (429, GraphThrottled),
        (500, GraphServerError),
        (503, GraphServerError),
        (504, GraphServerError),
    ],
)
def test_status_selects_the_exception_class(status, cls):
    assert error_class_for(status) is cls
    assert issubclass(cls, GraphError)


def test_nonexistent_mailbox_example_becomes_not_found_with_code_and_request_id():
    error = error_from_response(404, example("bookings-error-nonexistent-mailbox.response.json"))
    assert isinstance(error, GraphNotFound)
    assert error.code == "ErrorNonExistentMailbox"
    assert error.message == "The SMTP address has no mailbox associated with it."
    assert error.request_id == "55a69985-a706-4f27-a565-9ce6dee9f1d5"
    assert "ErrorNonExistentMailbox" in str(error)


def test_generic_500_example_keeps_its_empty_code():
    error = error_from_response(500, example("bookings-error-generic-500.response.json"))
    assert isinstance(error, GraphServerError)
    assert error.code == ""
    assert error.message == "An error has occurred."
    assert error.client_request_id == "98ae2691-5f4c-4f83-a7e5-8b025e07456e"


def test_headers_win_over_inner_error_and_the_sent_id_is_the_fallback():
    body = example("bookings-error-folder-not-found.response.json")
    error = error_from_response(403, body, {"Request-Id": "from-header"}, client_request_id="sent")
    assert isinstance(error, GraphAuthError)
    assert (error.code, error.request_id) == ("ErrorFolderNotFound", "from-header")
    assert error.client_request_id == "e1d97618-4b93-a013-e7e3-e4305cb609bb"
    bare = error_from_response(400, {"error": {"code": "BadRequest", "message": "no"}}, client_request_id="x")
    assert bare.client_request_id == "x"


def test_nested_inner_error_is_searched():
    body = {"error": {"code": "c", "message": "m", "innerError": {"innerError": {"request-id": "deep"}}}}
    assert error_from_response(400, body).request_id == "deep"


def test_non_json_body_is_kept_as_the_message():
    error = error_from_response(502, "<html>Bad gateway</html>", retry_after=3)
    assert isinstance(error, GraphServerError)
    assert (error.message, error.code, error.retry_after) == ("<html>Bad gateway</html>", "", 3)
    assert error_from_response(400, None).message == "HTTP 400"


def test_reauthentication_error_reads_naturally():
    assert str(GraphAuthError("reauthentication required")) == "reauthentication required"


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("7", 7.0),
        ("0.5", 0.5),
        ("-3", 0.0),
        (None, None),
        ("", None),
        ("soon", None),
        ("inf", None),
        ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),
    ],
)
def test_retry_after_accepts_seconds_and_http_dates(value, seconds):
    now = datetime(2015, 10, 21, 7, 28, tzinfo=UTC)
    assert parse_retry_after(value, now=now) == seconds
