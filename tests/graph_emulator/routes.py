"""Graph's v1.0 Bookings surface: which path does what, with which status and envelope.

The router is transport-free — it takes a decoded :class:`Call` and returns a :class:`Reply` — so
the HTTP handler and the ``$batch`` runner share it, and faults/throttling stay outside it.
"""

from __future__ import annotations

import base64
import binascii
import copy
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import quote, urlencode

from . import appointments
from .odata import GraphError, bad_request, parse_datetime_offset, quoted_id
from .schema import EVOLVED_ROLES, KINDS
from .state import SEGMENTS, Store, item_missing, segment_name

INVALID_JSON = object()  # a body that did not parse: only an error if the route needs a body
MAX_TOP = 999
CURRENCIES = {
    "AED": "د.إ.",
    "AFN": "؋",
    "ALL": "Lekë",
    "AMD": "֏",
    "AUD": "$",
    "BRL": "R$",
    "CAD": "$",
    "CHF": "CHF",
    "CNY": "¥",
    "EUR": "€",
    "GBP": "£",
    "INR": "₹",
    "JPY": "¥",
    "MXN": "$",
    "NZD": "$",
    "SEK": "kr",
    "USD": "$",
    "YER": "ر.ي.",
    "ZAR": "R",
    "ZMW": "K",
}


class Settings(Protocol):
    """What the router reads from the emulator at request time (so tests can change it live)."""

    base_url: str
    root_url: str
    page_size: int


@dataclass
class Call:
    """One decoded Graph request (outer or inside a batch)."""

    method: str
    segments: list[str]
    raw_path: str
    query_raw: dict[str, str]
    body: Any
    token_kind: str
    prefer: str = ""

    @property
    def query(self) -> dict[str, str]:
        """Query options by lower-cased name (Graph matches ``$skipToken`` and ``$skiptoken``)."""
        return {k.lower(): v for k, v in self.query_raw.items()}


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


def mailbox_of(segments: list[str]) -> str | None:
    """The booking mailbox a request addresses (the unit of Bookings throttling), lower-cased."""
    lowered = [s.lower() for s in segments[:2]]
    if len(segments) >= 3 and lowered == ["solutions", "bookingbusinesses"]:
        return segments[2].lower()
    return None


def require_token(call: Call, kind: str, api: str) -> None:
    """Token-type gate: Bookings answers the wrong kind with a VASTT message (contract §2.1)."""
    if call.token_kind != kind:
        shown = "App" if call.token_kind == "app" else "User"
        raise GraphError(
            403, "ErrorAccessDenied", f"VASTT: Api {api} does not support the token type: {shown}"
        )


def method_not_allowed() -> GraphError:
    return GraphError(405, "BadRequest", "Specified HTTP method is not allowed for the request target.")


def unknown_segment(segment: str) -> GraphError:
    return GraphError(400, "BadRequest", f"Resource not found for the segment '{segment}'.")


class Router:
    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    def dispatch(self, call: Call) -> Reply:
        segs = call.segments
        low = [s.lower() for s in segs]
        if not segs or low[0] != "solutions":
            raise unknown_segment(segs[0] if segs else "")
        if len(segs) == 1:
            raise unknown_segment("solutions")
        if low[1] == "bookingcurrencies":
            return self._currencies(call, segs[2:])
        if low[1] != "bookingbusinesses":
            raise unknown_segment(segs[1])
        if len(segs) == 2:
            return self._businesses(call)
        business_id = segs[2]
        rest, rest_low = segs[3:], low[3:]
        if not rest:
            return self._business(call, business_id)
        if len(rest) == 1 and rest_low[0] in ("publish", "unpublish"):
            self._expect(call, "POST")
            self.store.publish(business_id, rest_low[0] == "publish")
            return Reply(204)
        if len(rest) == 1 and rest_low[0] == "getstaffavailability":
            self._expect(call, "POST")
            require_token(call, "app", "Business.GetStaffAvailability")
            with self.store.lock:
                value = appointments.staff_availability(self.store.business(business_id), self._body(call))
            return Reply(
                200,
                {
                    "@odata.context": self._metadata("Collection(microsoft.graph.staffAvailabilityItem)"),
                    "value": value,
                },
            )
        if rest_low[0] == "calendarview":
            if len(rest) == 1:
                return self._calendar_view(call, business_id)
            rest = ["appointments", *rest[1:]]  # SDK-visible alias of the appointment item (§2.2)
        segment = segment_name(rest[0])
        if len(rest) == 1:
            return self._collection(call, business_id, segment)
        if len(rest) == 2 and rest[1] == "$count":
            self._expect(call, "GET")
            return Reply(
                200, str(len(self.store.items(business_id, segment))), {"Content-Type": "text/plain"}
            )
        if len(rest) == 2:
            return self._item(call, business_id, segment, rest[1])
        if len(rest) == 3 and segment == "appointments" and rest[2].lower() == "cancel":
            self._expect(call, "POST")
            body = self._body(call, optional=True) or {}
            message = body.get("cancellationMessage") if isinstance(body, dict) else None
            self.store.cancel_appointment(business_id, rest[1], message)
            return Reply(204)
        raise unknown_segment(rest[-1])

    # --- businesses and currencies -------------------------------------------------------------

    def _businesses(self, call: Call) -> Reply:
        if call.method == "GET":
            require_token(call, "delegated", "Business.List")
            rows = self.store.list_businesses(call.query.get("query"))
            return Reply(200, {"@odata.context": self._metadata("bookingBusinesses"), "value": rows})
        if call.method == "POST":
            require_token(call, "delegated", "Business.Create")
            created = self.store.create_business(self._body(call))
            return Reply(
                201, self._entity(created, "bookingBusinesses/$entity", call), self._location(created["id"])
            )
        raise method_not_allowed()

    def _business(self, call: Call, business_id: str) -> Reply:
        if call.method == "GET":
            with self.store.lock:
                data = copy.deepcopy(self.store.business(business_id).data)
            return Reply(200, self._entity(data, "bookingBusinesses/$entity", call))
        if call.method == "PATCH":
            self.store.patch_business(business_id, self._body(call))
            return Reply(204)
        if call.method == "DELETE":
            require_token(call, "delegated", "Business.Delete")
            self.store.delete_business(business_id)
            return Reply(204)
        raise method_not_allowed()

    def _currencies(self, call: Call, rest: list[str]) -> Reply:
        self._expect(call, "GET")
        require_token(call, "delegated", "Currency.Get")
        if not rest:
            rows = [{"id": code, "symbol": symbol} for code, symbol in CURRENCIES.items()]
            return Reply(200, {"@odata.context": self._metadata("bookingCurrencies"), "value": rows})
        if len(rest) == 1 and rest[0].upper() in CURRENCIES:
            code = rest[0].upper()
            body = {
                "@odata.context": self._metadata("bookingCurrencies/$entity"),
                "id": code,
                "symbol": CURRENCIES[code],
            }
            return Reply(200, body)
        if len(rest) == 1:
            raise item_missing()
        raise unknown_segment(rest[-1])

    # --- items -------------------------------------------------------------------------------------

    def _collection(self, call: Call, business_id: str, segment: str) -> Reply:
        if call.method == "GET":
            rows = self.store.items(business_id, segment)
            return self._page(call, rows, self._business_context(business_id, segment), segment)
        if call.method == "POST":
            created = self.store.create_item(business_id, segment, self._body(call))
            context = self._business_context(business_id, f"{segment}/$entity")
            location = self._location(business_id, segment, created["id"])
            return Reply(201, self._render(call, segment, created, context), location)
        raise method_not_allowed()

    def _item(self, call: Call, business_id: str, segment: str, item_id: str) -> Reply:
        context = self._business_context(business_id, f"{segment}/$entity")
        if call.method == "GET":
            return Reply(
                200, self._render(call, segment, self.store.get_item(business_id, segment, item_id), context)
            )
        if call.method == "PATCH":
            updated = self.store.patch_item(business_id, segment, item_id, self._body(call))
            kind = KINDS.get(segment.lower())
            if kind is not None and kind.patch_returns_entity:
                return Reply(200, self._render(call, segment, updated, context))
            return Reply(204)
        if call.method == "DELETE":
            self.store.delete_item(business_id, segment, item_id)
            return Reply(204)
        raise method_not_allowed()

    def _calendar_view(self, call: Call, business_id: str) -> Reply:
        self._expect(call, "GET")
        raw_start = call.query.get("start") or call.query.get("startdatetime")
        raw_end = call.query.get("end") or call.query.get("enddatetime")
        if not raw_start or not raw_end:
            raise bad_request("The 'start' and 'end' query parameters are required.", code="BadRequest")
        start = parse_datetime_offset(raw_start, "start")
        end = parse_datetime_offset(raw_end, "end")
        rows = appointments.calendar_view(self.store.items(business_id, "appointments"), start, end)
        return self._page(call, rows, self._business_context(business_id, "calendarView"), "appointments")

    # --- rendering ----------------------------------------------------------------------------

    def _render(
        self, call: Call, segment: str, item: dict[str, Any], context: str | None, listed: bool = False
    ) -> dict[str, Any]:
        """One item as Graph writes it: list or byId members, evolvable enums, ``$select``."""
        if listed:
            if segment == "appointments":
                item = appointments.for_list(item)
            kind = KINDS.get(segment.lower())
            if kind is not None:
                item = {**item, **copy.deepcopy(kind.byid_only)}
        if (
            segment == "staffMembers"
            and item.get("role") in EVOLVED_ROLES
            and "include-unknown-enum-members" not in call.prefer.lower()
        ):
            item = {**item, "role": "unknownFutureValue"}
        select = [s.strip() for s in call.query.get("$select", "").split(",") if s.strip()]
        if select:
            item = {k: v for k, v in item.items() if k in select or k in ("id", "@odata.type")}
        if context is None:
            return item
        head = {"@odata.type": item["@odata.type"]} if "@odata.type" in item else {}
        return {**head, "@odata.context": context, **item}

    def _entity(self, data: dict[str, Any], fragment: str, call: Call) -> dict[str, Any]:
        select = [s.strip() for s in call.query.get("$select", "").split(",") if s.strip()]
        if select:
            data = {k: v for k, v in data.items() if k in select or k == "id"}
        return {"@odata.context": self._metadata(fragment), **data}

    def _page(self, call: Call, rows: list[dict[str, Any]], context: str, segment: str) -> Reply:
        """A page of a collection with an absolute ``@odata.nextLink`` carrying an opaque ``$skiptoken``."""
        query = call.query
        if "$filter" in query:
            raise bad_request("This filter query is not supported.", code="BadRequest")
        size = self.settings.page_size
        if "$top" in query:
            size = _small_int(query["$top"], "$top")
            if not 0 < size <= MAX_TOP:
                raise bad_request(f"$top must be between 1 and {MAX_TOP}.", code="BadRequest")
        offset = _small_int(query["$skip"], "$skip") if "$skip" in query else 0
        if "$skiptoken" in query:
            offset = _read_skiptoken(query["$skiptoken"])
        page = rows[offset : offset + size]
        body: dict[str, Any] = {"@odata.context": context}
        if query.get("$count", "").lower() == "true":
            body["@odata.count"] = len(rows)
        body["value"] = [self._render(call, segment, row, None, listed=True) for row in page]
        if offset + size < len(rows):
            kept = {k: v for k, v in call.query_raw.items() if k.lower() not in ("$skiptoken", "$skip")}
            kept["$skiptoken"] = _skiptoken(offset + size)
            body["@odata.nextLink"] = f"{self.settings.root_url}{call.raw_path}?{urlencode(kept, safe='$:,')}"
        return Reply(200, body)

    # --- helpers ------------------------------------------------------------------------------

    def _metadata(self, fragment: str) -> str:
        return f"{self.settings.base_url}/solutions/$metadata#{fragment}"

    def _business_context(self, business_id: str, fragment: str) -> str:
        with self.store.lock:
            canonical = self.store.business(business_id).id
        return self._metadata(f"bookingBusinesses('{quoted_id(canonical)}')/{fragment}")

    def _location(self, business_id: str, *parts: str) -> dict[str, str]:
        path = "/".join(quote(p, safe="") for p in (business_id, *parts))
        return {"Location": f"{self.settings.base_url}/solutions/bookingBusinesses/{path}"}

    @staticmethod
    def _expect(call: Call, method: str) -> None:
        if call.method != method:
            raise method_not_allowed()

    @staticmethod
    def _body(call: Call, optional: bool = False) -> Any:
        if call.body is INVALID_JSON:
            raise bad_request(
                "Unable to read JSON request payload. Please ensure Content-Type header is set "
                "and payload is of valid JSON format.",
                code="BadRequest",
            )
        if call.body is None and not optional:
            raise bad_request("Empty Payload. JSON content expected.", code="BadRequest")
        return call.body


def _small_int(raw: str, name: str) -> int:
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9):
        raise bad_request(f"Invalid value '{raw[:20]}' for query option {name}.", code="BadRequest")
    return int(raw)


def _skiptoken(offset: int) -> str:
    """Opaque to clients (they must follow nextLink verbatim); an offset underneath."""
    return base64.urlsafe_b64encode(f"emulator-page:{offset}".encode()).decode().rstrip("=")


def _read_skiptoken(token: str) -> int:
    try:
        decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        prefix, _, number = decoded.partition(":")
        if prefix != "emulator-page":
            raise ValueError(decoded)
        return _small_int(number, "$skiptoken")
    except (ValueError, binascii.Error, UnicodeDecodeError, GraphError):
        raise bad_request("The $skiptoken is invalid.", code="BadRequest") from None


__all__ = ["INVALID_JSON", "SEGMENTS", "Call", "Reply", "Router", "mailbox_of"]
