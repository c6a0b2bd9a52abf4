"""Every API failure as a Graph OData error body, in one place.

Graph clients branch on ``error.code``, so each failure maps to one stable code. Nothing reaches
the client as DRF's ``{"detail": …}`` or as Django's HTML error page.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response

logger = logging.getLogger(__name__)


class ODataError(exceptions.APIException):
    """An API failure with Graph's error code; raise it (or a subclass) from views."""

    status_code = status.HTTP_400_BAD_REQUEST
    code = "invalidRequest"
    default_detail = "The request is invalid."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        status_code: int | None = None,
        details: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(message or self.default_detail)
        if code:
            self.code = code
        if status_code:
            self.status_code = status_code
        self.details = details or []


class BusinessNotFound(ODataError):
    # Bookings is Exchange-backed: an unknown business id is an unknown mailbox.
    status_code = status.HTTP_404_NOT_FOUND
    code = "ErrorNonExistentMailbox"
    default_detail = "The SMTP address has no mailbox associated with it."


class ItemNotFound(ODataError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "ErrorItemNotFound"
    default_detail = "The specified object was not found in the store."


class PayloadTooLarge(ODataError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    code = "requestTooLarge"
    default_detail = "The request body is too large."


class AccessDenied(ODataError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "ErrorAccessDenied"
    default_detail = "Access is denied."


class Conflict(ODataError):
    status_code = status.HTTP_409_CONFLICT
    code = "conflict"


_CODES_BY_EXCEPTION: list[tuple[type[Exception], int, str]] = [
    (exceptions.NotAuthenticated, 401, "InvalidAuthenticationToken"),
    (exceptions.AuthenticationFailed, 401, "InvalidAuthenticationToken"),
    (exceptions.PermissionDenied, 403, "accessDenied"),
    (exceptions.NotFound, 404, "itemNotFound"),
    (exceptions.MethodNotAllowed, 405, "notSupported"),
    (exceptions.NotAcceptable, 406, "notSupported"),
    (exceptions.UnsupportedMediaType, 415, "invalidRequest"),
    (exceptions.ParseError, 400, "BadRequest"),
    (exceptions.Throttled, 429, "activityLimitReached"),
]


def error_body(code: str, message: str, details: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """Graph's error object, with the ``innerError`` Graph adds for support requests."""
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    error["innerError"] = {
        "date": timezone.now().strftime("%Y-%m-%dT%H:%M:%S"),
        "request-id": str(uuid.uuid4()),
    }
    return {"error": error}


def flatten_validation_errors(detail: Any, target: str = "") -> list[dict[str, str]]:
    """Turn DRF's nested error structure into OData ``details`` entries naming the JSON member."""
    if isinstance(detail, dict):
        items: list[dict[str, str]] = []
        for key, value in detail.items():
            name = "" if key in ("non_field_errors", "__all__") else str(key)
            joined = (
                f"{target}{name}"
                if name.startswith("[")
                else f"{target}.{name}"
                if target and name
                else name or target
            )
            items += flatten_validation_errors(value, joined)
        return items
    if isinstance(detail, list):
        items = []
        for index, value in enumerate(detail):
            nested = isinstance(value, dict | list)
            items += flatten_validation_errors(value, f"{target}[{index}]" if nested else target)
        return items
    return [{"code": "invalidValue", "message": str(detail), "target": target}]


def _validation_response(detail: Any) -> Response:
    details = flatten_validation_errors(detail)
    first = details[0] if details else {"message": "The request is invalid.", "target": ""}
    message = f"{first['target']}: {first['message']}" if first["target"] else first["message"]
    return Response(error_body("invalidRequest", message, details), status=status.HTTP_400_BAD_REQUEST)


def odata_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's exception handler, answering with OData error bodies only."""
    headers: dict[str, str] = {}
    if isinstance(exc, exceptions.APIException):
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, ODataError):
        return Response(
            error_body(exc.code, str(exc.detail), exc.details), status=exc.status_code, headers=headers
        )
    if isinstance(exc, exceptions.ValidationError):
        return _validation_response(exc.detail)
    if isinstance(exc, DjangoValidationError):
        return _validation_response(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, Http404):
        return Response(error_body("itemNotFound", "The resource was not found."), status=404)
    if isinstance(exc, IntegrityError):
        logger.info("integrity error answered with 409: %s", exc)
        return Response(
            error_body("conflict", "The change conflicts with the current state of the resource."), status=409
        )
    if isinstance(exc, DataError):
        # A value the database cannot hold slipped past validation: the request's fault, not ours.
        logger.warning("data error answered with 400: %s", exc)
        return Response(error_body("invalidRequest", "A value in the request cannot be stored."), status=400)
    for exception_type, status_code, code in _CODES_BY_EXCEPTION:
        if isinstance(exc, exception_type):
            message = str(exc.detail) if isinstance(exc, exceptions.APIException) else str(exc)
            return Response(error_body(code, message), status=status_code, headers=headers)
    if isinstance(exc, exceptions.APIException):
        return Response(
            error_body("invalidRequest", str(exc.detail)), status=exc.status_code, headers=headers
        )
    logger.exception("unexpected error in API view", exc_info=exc)
    return Response(error_body("generalException", "An error has occurred."), status=500)


@csrf_exempt  # it changes nothing; a PATCH to no endpoint is Graph's 404, not the CSRF page's 403
def api_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """Django-level 404 for paths under the API that match no endpoint."""
    segment = request.path.rstrip("/").rsplit("/", 1)[-1][:100]
    return JsonResponse(
        error_body("itemNotFound", f"Resource not found for the segment '{segment}'."), status=404
    )
