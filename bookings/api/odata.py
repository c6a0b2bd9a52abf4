"""OData conventions of Graph responses: ``@odata.context``, ``value`` envelopes, paging, ``$count``."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from rest_framework.request import Request

from .errors import ODataError

MAX_PAGE_SIZE = 1000
PREFER_UNKNOWN_ENUMS = "include-unknown-enum-members"


def metadata_url(request: Request) -> str:
    return request.build_absolute_uri("/api/v1.0/solutions/$metadata")


def business_segment(business_id: str) -> str:
    """``bookingBusinesses('Contoso%40contoso.com')``, percent-encoded as Graph writes it."""
    return f"bookingBusinesses('{quote(business_id, safe='')}')"


def context_url(request: Request, fragment: str) -> str:
    return f"{metadata_url(request)}#{fragment}"


def prefers_unknown_enum_members(request: Request) -> bool:
    prefer = request.headers.get("Prefer", "")
    return any(part.strip().lower() == PREFER_UNKNOWN_ENUMS.lower() for part in prefer.split(","))


@dataclass(frozen=True)
class PageRequest:
    offset: int
    size: int
    include_count: bool


def _skiptoken(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def _read_skiptoken(token: str) -> int:
    try:
        decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        kind, _, number = decoded.partition(":")
        if kind != "o" or not _is_small_number(number):
            raise ValueError
        return int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ODataError("The $skiptoken is invalid.", code="BadRequest") from None


def _is_small_number(raw: str) -> bool:
    """ASCII digits only ("²".isdigit() is true, int("²") fails), and few enough for any database."""
    return raw.isascii() and raw.isdigit() and len(raw) <= 9


def _non_negative_int(raw: str, name: str) -> int:
    if not _is_small_number(raw):
        raise ODataError(f"Invalid value '{raw[:20]}' for query option {name}.", code="BadRequest")
    return int(raw)


def read_page_request(request: Request) -> PageRequest:
    """Read ``$top``, ``$skip``, ``$skiptoken`` and ``$count``; refuse ``$filter``, which Bookings
    does not support (use calendarView for date ranges)."""
    params = request.query_params
    if "$filter" in params:
        raise ODataError("This filter query is not supported.", code="BadRequest")
    size = settings.API_PAGE_SIZE
    if "$top" in params:
        size = _non_negative_int(params["$top"], "$top")
        if not 0 < size <= MAX_PAGE_SIZE:
            raise ODataError(f"$top must be between 1 and {MAX_PAGE_SIZE}.", code="BadRequest")
    offset = _non_negative_int(params["$skip"], "$skip") if "$skip" in params else 0
    if "$skiptoken" in params:
        offset = _read_skiptoken(params["$skiptoken"])
    count = params.get("$count", "false").lower()
    if count not in ("true", "false"):
        raise ODataError("$count must be true or false.", code="BadRequest")
    return PageRequest(offset=offset, size=size, include_count=count == "true")


def collection_body(
    request: Request,
    *,
    fragment: str,
    items: list[dict[str, Any]],
    page: PageRequest,
    has_more: bool,
    total: int | None = None,
) -> dict[str, Any]:
    """A collection response; ``@odata.nextLink`` is an absolute URL to follow verbatim."""
    body: dict[str, Any] = {"@odata.context": context_url(request, fragment)}
    if total is not None:
        body["@odata.count"] = total
    body["value"] = items
    if has_more:
        params = {k: v for k, v in request.query_params.items() if k not in ("$skip", "$skiptoken")}
        params["$skiptoken"] = _skiptoken(page.offset + page.size)
        body["@odata.nextLink"] = request.build_absolute_uri(request.path) + "?" + urlencode(params, safe="$")
    return body


def entity_body(
    request: Request, fragment: str, data: dict[str, Any], odata_type: str | None = None
) -> dict[str, Any]:
    """A single entity with its context (and ``@odata.type`` first, as Graph orders it)."""
    head: dict[str, Any] = {}
    if odata_type:
        head["@odata.type"] = odata_type
    head["@odata.context"] = context_url(request, f"{fragment}/$entity")
    data = {k: v for k, v in data.items() if k != "@odata.type"}
    return {**head, **data}
