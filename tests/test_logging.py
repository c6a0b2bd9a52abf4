"""Structured logs: one JSON object per line, each request named by an id that its response and
every line logged while serving it carry (portal/logging.py)."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from portal.logging import JsonFormatter, RequestIdFilter, logging_config

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """The root logger also writes here, exactly as the JSON console handler does."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def entries(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_record_is_one_json_object_on_one_line_with_its_extra_fields(json_lines):
    logging.getLogger("bookings.sync.push").warning(
        "pushed %s item(s)\nsecond line", 2, extra={"business_id": 7, "outbox_id": "o-1"}
    )

    [entry] = entries(json_lines)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "bookings.sync.push"
    assert entry["message"] == "pushed 2 item(s)\nsecond line"
    assert entry["business_id"] == 7 and entry["outbox_id"] == "o-1"
    assert entry["request_id"] is None  # not inside a request
    assert entry["time"].endswith("+00:00")
    assert len(json_lines.getvalue().splitlines()) == 1


def test_an_exception_is_written_as_text_inside_the_object(json_lines):
    try:
        raise ValueError("bad payload")
    except ValueError:
        logging.getLogger("bookings").exception("could not map", extra={"when": object()})

    [entry] = entries(json_lines)
    assert "ValueError: bad payload" in entry["exc_info"]
    assert entry["when"].startswith("<object object")  # what JSON cannot hold is written as text


def test_each_response_carries_a_fresh_request_id(client, db):
    first, second = client.get("/"), client.get("/")
    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_sane_request_id_from_the_caller_is_kept(client, db):
    assert client.get("/", HTTP_X_REQUEST_ID="lb-7f3a.2:9")["X-Request-ID"] == "lb-7f3a.2:9"


@pytest.mark.parametrize("sent", ["", "two words", "line\nbreak", "x" * 129, '"quoted"', "-leading-dash"])
def test_an_unusable_request_id_is_replaced(client, db, sent):
    returned = client.get("/", HTTP_X_REQUEST_ID=sent)["X-Request-ID"]
    assert returned != sent and len(returned) == 32


def test_every_line_logged_while_serving_a_request_carries_its_id(client, db, json_lines):
    response = client.get("/book/nowhere/", HTTP_X_REQUEST_ID="req-42")

    lines = entries(json_lines)
    assert response.status_code == 404
    assert lines and {line["request_id"] for line in lines} == {"req-42"}
    [access] = [line for line in lines if line["logger"] == "portal.access"]
    assert access["method"] == "GET" and access["path"] == "/book/nowhere/" and access["status"] == 404
    assert access["duration_ms"] >= 0


def test_secrets_in_paths_are_not_logged(client, db, json_lines):
    client.get("/booking/1:secret-signature/cancel/")
    client.get("/accounts/password/reset/key/1-set-password-key/")

    paths = [line["path"] for line in entries(json_lines) if line["logger"] == "portal.access"]
    assert paths == ["/booking/<token>/cancel/", "/accounts/password/reset/key/1-<key>/"]
    assert "secret-signature" not in json_lines.getvalue() and "set-password" not in json_lines.getvalue()


def test_the_format_is_json_or_plain_and_nothing_else():
    assert logging_config("json", "INFO")["handlers"]["console"]["formatter"] == "json"
    assert logging_config("plain", "INFO")["handlers"]["console"]["formatter"] == "plain"
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        logging_config("xml", "INFO")


def log_from_a_fresh_process(**environment: str) -> str:
    """What a process configured by portal.settings writes for one warning."""
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('bookings.outbox').warning('held', extra={'outbox_id': 5})"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOG_", "DJANGO_DEBUG"))}
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings", **environment})
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stderr.strip()


def test_without_debug_the_settings_log_json():
    entry = json.loads(log_from_a_fresh_process())
    assert entry["message"] == "held" and entry["outbox_id"] == 5 and entry["logger"] == "bookings.outbox"


def test_with_debug_as_make_run_sets_it_lines_are_plain_unless_json_is_asked_for():
    plain = log_from_a_fresh_process(DJANGO_DEBUG="1")
    assert plain.endswith("WARNING bookings.outbox [None] held")
    assert json.loads(log_from_a_fresh_process(DJANGO_DEBUG="1", LOG_FORMAT="json"))["message"] == "held"


def test_a_line_logged_in_a_celery_task_names_the_task(json_lines):
    from portal.celery import app

    @app.task(name="tests.log_something")
    def log_something() -> None:
        logging.getLogger("bookings.tasks").info("inside")

    log_something.apply(task_id="task-1")

    [entry] = [line for line in entries(json_lines) if line["message"] == "inside"]
    assert entry["task_id"] == "task-1" and entry["task_name"] == "tests.log_something"
