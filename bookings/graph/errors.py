"""Typed Microsoft Graph errors, parsed from OData error bodies.

Graph answers failures with ``{"error": {"code", "message", "innerError": {"request-id", …}}}``.
Callers branch on the exception class (what to do: retry later, re-authenticate, give up) and on
``code`` (Bookings' Exchange-style codes such as ``ErrorNonExistentMailbox``), never on ``message``,
which Microsoft rewords freely. ``request_id`` and ``client_request_id`` are what Microsoft support
asks for, so every error carries them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any


class GraphError(Exception):
    """A request to Graph failed; ``status`` is 0 when no HTTP response arrived."""

    status: int
    code: str
    message: str
    request_id: str | None
    client_request_id: str | None
    retry_after: float | None

    def __init__(
        self,
        message: str,
        *,
        status: int = 0,
        code: str = "",
        request_id: str | None = None,
        client_request_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.request_id = request_id
        self.client_request_id = client_request_id
        self.retry_after = retry_after

    def __str__(self) -> str:
        head = " ".join(part for part in (str(self.status) if self.status else "", self.code) if part)
        ids = f" (request-id {self.request_id})" if self.request_id else ""
        return f"{head}: {self.message}{ids}" if head else f"{self.message}{ids}"


class GraphAuthError(GraphError):
    """401/403: the token was refused or lacks a permission; also raised when re-sign-in is needed."""


class GraphNotFound(GraphError):
    """404: unknown business (``ErrorNonExistentMailbox``) or child item (``ErrorItemNotFound``)."""


class GraphThrottled(GraphError):
    """429 still answered after the client's retries; ``retry_after`` says when to try again."""


class GraphServerError(GraphError):
    """5xx after retries, or at once for a POST, which may have taken effect (look it up first)."""


class GraphTimeout(GraphError):
    """No response (timeout, reset, refused connection); the request may or may not have happened."""


class GraphValidationError(GraphError):
    """Any other 4xx (400, 409, 424, …): retrying the same request cannot fix it."""


def error_class_for(status: int) -> type[GraphError]:
    """The exception class for an HTTP status (0 meaning "no response")."""
    if status == 0:
        return GraphTimeout
    if status in (401, 403):
        return GraphAuthError
    if status == 404:
        return GraphNotFound
    if status == 429:
        return GraphThrottled
    if status >= 500:
        return GraphServerError
    return GraphValidationError


def header_value(headers: Mapping[str, str] | None, name: str) -> str | None:
    """A header from a plain dict (``$batch`` inner headers) or httpx headers, case-insensitively."""
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            return value
    return None


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date); None if absent."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _inner_value(inner: Any, key: str) -> str | None:
    """Look ``key`` up in ``innerError``, which Graph may nest (``innerError.innerError``)."""
    while isinstance(inner, dict):
        value = inner.get(key)
        if isinstance(value, str) and value:
            return value
        inner = inner.get("innerError") or inner.get("innererror")
    return None


def error_from_response(
    status: int,
    body: Any,
    headers: Mapping[str, str] | None = None,
    *,
    client_request_id: str | None = None,
    retry_after: float | None = None,
) -> GraphError:
    """Build the typed exception for an error response (a top-level one or a ``$batch`` inner one).

    ``body`` is the decoded JSON (or raw text when the body was not JSON). Headers win over
    ``innerError`` for ids, because Graph always sets the headers and sometimes omits the inner ones.
    """
    headers = headers or {}
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        code = error.get("code") if isinstance(error.get("code"), str) else ""
        message = error.get("message") if isinstance(error.get("message"), str) else ""
        inner = error.get("innerError") or error.get("innererror")
    else:
        code, message, inner = "", body[:500] if isinstance(body, str) else "", None
    return error_class_for(status)(
        message or f"HTTP {status}",
        status=status,
        code=code,
        request_id=header_value(headers, "request-id") or _inner_value(inner, "request-id"),
        client_request_id=(
            header_value(headers, "client-request-id")
            or _inner_value(inner, "client-request-id")
            or client_request_id
        ),
        retry_after=retry_after,
    )
