"""Structured logs: one JSON object per line, each carrying the id of the request that caused it.

``LOG_FORMAT=json`` (the default when DEBUG is off) makes the console handler write one object per
record: ``time``, ``level``, ``logger``, ``message``, ``request_id``, whatever the call passed in
``extra=`` (``logger.info("pushed", extra={"business_id": …, "outbox_id": …})``) and ``exc_info``
as text. ``LOG_FORMAT=plain`` (``make run``) keeps one readable line per record.

``RequestIdMiddleware`` gives each request an id, taken from the caller's ``X-Request-ID`` when it
is a sane token (a proxy or load balancer that already named the request) or made up otherwise,
returns it in the response's ``X-Request-ID`` and logs one access line per request on
``portal.access``. ``RequestIdFilter`` copies the id onto every record logged while the request
runs, from whatever logger, so a booking's log lines can be picked out of a busy server's.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from celery import current_task
from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
# What a caller may name its request: a token, not free text that could forge log lines.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")

SECRET_PATH_PARTS = ("token", "key")

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
access_logger = logging.getLogger("portal.access")

# Attributes every LogRecord has; anything else on a record came from ``extra=`` and is emitted.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


def current_request_id() -> str | None:
    """The id of the request being served in this thread or task, if any."""
    return _request_id.get()


def loggable_path(request: HttpRequest) -> str:
    """The request's path with the secrets some paths carry replaced: a manage link's or calendar
    feed's ``token`` and allauth's e-mail and password-reset ``key`` each let their holder act."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    for name in SECRET_PATH_PARTS:
        secret = match.kwargs.get(name) if match else None
        if isinstance(secret, str) and secret:
            path = path.replace(secret, f"<{name}>")
    return path


def request_id_from(header: str | None) -> str:
    """The caller's id when it is a sane token, else a fresh one."""
    if header and VALID_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record (None outside a request), for both formats; in a Celery
    task also ``task_id`` and ``task_name``, as Celery's own formatter would have."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        if current_task and current_task.request.id and not hasattr(record, "task_id"):
            record.task_id = current_task.request.id
            record.task_name = current_task.name
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line; values JSON cannot hold are written as text."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or _request_id.get(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class RequestIdMiddleware:
    """Names each request (see the module docstring); first in MIDDLEWARE, so even a redirect or a
    refused host is logged with its id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            if access_logger.isEnabledFor(logging.INFO):
                path = loggable_path(request)
                access_logger.info(
                    "%s %s %s",
                    request.method,
                    path,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": path,
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    },
                )
            return response
        finally:
            _request_id.reset(token)


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """The LOGGING setting for ``json`` or ``plain`` console output at ``level``."""
    formatters = {
        "json": {"()": "portal.logging.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    }
    if log_format not in formatters:
        raise ValueError(f"LOG_FORMAT must be 'json' or 'plain', not {log_format!r}")
    loggers: dict[str, Any] = {
        # httpx logs every request; bookings.graph.client logs each Graph call once, with its ids.
        "django.request": {"level": "ERROR"},
        "httpx": {"level": "WARNING"},
        # axes says "login failed" at INFO for every customer's typo too; its lockouts are warnings.
        "axes": {"level": "WARNING"},
    }
    if log_format == "plain":  # runserver prints its own access lines; gunicorn's are turned off
        loggers["portal.access"] = {"level": "WARNING"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "portal.logging.RequestIdFilter"}},
        "formatters": {log_format: formatters[log_format]},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": loggers,
    }
