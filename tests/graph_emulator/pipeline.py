"""What happens to every request, in Graph's order: authentication, injected faults, the
per-mailbox concurrency limit, latency, routing — then the response headers Graph always sends.

Shared by top-level requests and the requests inside a ``$batch``, so both are authenticated,
faulted and throttled by the same code. Transport actions (reset the connection, hold it) are
returned as an :class:`Outcome` for the HTTP layer to carry out.
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import parse_qsl, unquote, urlsplit

from . import batch
from .faults import FaultRule
from .odata import JSON_CONTENT_TYPE, GraphError, error_body
from .routes import INVALID_JSON, Call, Reply, mailbox_of

if TYPE_CHECKING:
    from .server import Emulator


class RequestRecord(NamedTuple):
    """One line of ``emulator.requests``; status 0 means no response was sent (reset, timeout,
    lost response)."""

    method: str
    path: str
    status: int
    client_request_id: str | None


@dataclass
class Incoming:
    method: str
    target: str  # path and query exactly as sent
    headers: dict[str, str]  # lower-case names
    body: bytes
    root: str  # scheme://host the client used


@dataclass
class Outcome:
    reply: Reply | None
    action: str | None = None  # "reset" or "hold"
    hold_seconds: float = 0.0


def seconds(value: float) -> str:
    """A ``Retry-After`` value; whole seconds as HTTP expects, fractions only if configured so."""
    return str(int(value)) if float(value).is_integer() else str(value)


FAULT_ERRORS = {
    429: (
        "TooManyRequests",
        "The request has been throttled. Retry after the time in the Retry-After header.",
    ),
    500: ("", "An error has occurred."),
    502: ("BadGateway", "The gateway did not receive a response in time."),
    503: ("serviceNotAvailable", "The service is temporarily unavailable. Retry later."),
    504: ("gatewayTimeout", "The gateway did not receive a timely response from the service."),
}


class Pipeline:
    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self._log_lock = threading.Lock()
        self.log: list[RequestRecord] = []

    def record(self, method: str, path: str, status: int, client_request_id: str | None) -> None:
        with self._log_lock:
            self.log.append(RequestRecord(method, path, status, client_request_id))

    # --- entry point --------------------------------------------------------------------------

    def handle(self, incoming: Incoming) -> Outcome:
        path, _, query = incoming.target.partition("?")
        segments = [unquote(s) for s in path.split("/") if s]
        decoded = "/" + "/".join(segments)
        shown = decoded + (f"?{query}" if query else "")
        crid = incoming.headers.get("client-request-id")
        if segments and segments[0].lower() == "v1.0":
            outcome = self._graph(incoming, segments, path, query, crid)
        elif self.emulator.identity.is_identity_path(segments):
            outcome = self._identity(incoming, segments, query)
        else:
            error = GraphError(404, "UnknownEndpoint", f"The emulator does not serve {decoded}.")
            outcome = Outcome(self._error_reply(error, crid))
        self.record(incoming.method, shown, outcome.reply.status if outcome.action is None else 0, crid)
        return outcome

    def _identity(self, incoming: Incoming, segments: list[str], query: str) -> Outcome:
        rule = self.emulator.faults.take(incoming.method, "/" + "/".join(segments))
        early = self._transport_fault(rule, inner=False)
        if early is not None:
            return early
        if rule and rule.status:
            return Outcome(
                Reply(rule.status, {"error": "temporarily_unavailable"}, self._retry_headers(rule))
            )
        self._sleep(rule, graph=False)
        reply = self.emulator.identity.handle(
            incoming.method, segments, query, incoming.headers, incoming.body, incoming.root
        )
        if rule and rule.lose_response:
            return Outcome(None, "reset")
        reply.headers.setdefault("Content-Type", "application/json; charset=utf-8")
        return Outcome(reply)

    # --- Graph ----------------------------------------------------------------------------------

    def _graph(
        self, incoming: Incoming, segments: list[str], path: str, query: str, crid: str | None
    ) -> Outcome:
        try:
            kind = self.emulator.tokens.check(incoming.headers.get("authorization"))
        except GraphError as error:
            return Outcome(self._error_reply(error, crid))
        body = _parse(incoming.body)
        if [s.lower() for s in segments[1:]] == ["$batch"] and incoming.method == "POST":
            return self._batch(incoming, body, kind, crid)
        call = Call(
            incoming.method, segments[1:], path, dict(parse_qsl(query, keep_blank_values=True)), body, kind
        )
        call.prefer = incoming.headers.get("prefer", "")
        return self._run(call, crid, inner=False)

    def _run(self, call: Call, crid: str | None, *, inner: bool) -> Outcome:
        """Faults, throttling, latency and routing for one Graph call (top-level or inner)."""
        emulator = self.emulator
        rule = emulator.faults.take(call.method, "/v1.0/" + "/".join(call.segments))
        early = self._transport_fault(rule, inner)
        if early is not None:
            return early
        status = rule.status if rule and rule.status else emulator.chaos.roll()
        try:
            if status:
                self._sleep(rule)
                raise GraphError(
                    status,
                    *FAULT_ERRORS.get(status, ("generalException", "An error has occurred.")),
                    self._retry_headers(rule, status),
                )
            mailbox = mailbox_of(call.segments)
            if mailbox is not None and not emulator.throttle.enter(mailbox):
                code, message = FAULT_ERRORS[429]
                raise GraphError(429, code, message, {"Retry-After": seconds(emulator.retry_after)})
            try:
                self._sleep(rule)
                reply = emulator.router.dispatch(call)
            finally:
                if mailbox is not None:
                    emulator.throttle.leave(mailbox)
        except GraphError as error:
            reply = self._error_reply(error, crid)
        if rule and rule.lose_response:
            return Outcome(self._gateway_timeout(crid)) if inner else Outcome(None, "reset")
        return Outcome(self._finish(reply, crid))

    def _transport_fault(self, rule: FaultRule | None, inner: bool) -> Outcome | None:
        """Resets and timeouts happen on the wire; inside a batch Graph reports them as 504."""
        if rule is None or not (rule.reset or rule.timeout):
            return None
        if inner:
            self._sleep(rule)
            return Outcome(self._gateway_timeout(None))
        if rule.timeout:
            return Outcome(None, "hold", rule.hold_seconds)
        self._sleep(rule)
        return Outcome(None, "reset")

    def _batch(self, incoming: Incoming, body: Any, kind: str, crid: str | None) -> Outcome:
        rule = self.emulator.faults.take("POST", "/v1.0/$batch")
        early = self._transport_fault(rule, inner=False)
        if early is not None:
            return early
        try:
            if rule and rule.status:
                code, message = FAULT_ERRORS.get(rule.status, ("generalException", "An error has occurred."))
                raise GraphError(rule.status, code, message, self._retry_headers(rule, rule.status))
            requests = batch.validate(None if body is INVALID_JSON else body)
        except GraphError as error:
            return Outcome(self._error_reply(error, crid))

        def execute(request: dict[str, Any]) -> dict[str, Any]:
            return self._inner(request, kind, crid)

        responses = batch.run(requests, execute)
        return Outcome(self._finish(Reply(200, {"responses": responses}), crid))

    def _inner(self, request: dict[str, Any], kind: str, outer_crid: str | None) -> dict[str, Any]:
        headers = {k.lower(): str(v) for k, v in (request.get("headers") or {}).items()}
        crid = headers.get("client-request-id") or outer_crid
        url = request["url"]
        parts = urlsplit(url if "://" in url else "/" + url.lstrip("/"))
        path = parts.path
        if path.lower().startswith("/v1.0/"):
            path = path[5:]
        segments = [unquote(s) for s in path.split("/") if s]
        call = Call(
            request["method"].upper(),
            segments,
            "/v1.0" + path,
            dict(parse_qsl(parts.query, keep_blank_values=True)),
            request.get("body"),
            kind,
            headers.get("prefer", ""),
        )
        reply = self._run(call, crid, inner=True).reply
        assert reply is not None
        shown = "/v1.0/" + "/".join(segments) + (f"?{parts.query}" if parts.query else "")
        self.record(call.method, shown, reply.status, crid)
        result: dict[str, Any] = {"id": request["id"], "status": reply.status, "headers": {}}
        for name in ("Location", "Retry-After", "Content-Type", "Cache-Control", "OData-Version"):
            if name in reply.headers:
                result["headers"][name] = reply.headers[name]
        if reply.body is not None:
            result["body"] = reply.body
        return result

    # --- responses ------------------------------------------------------------------------------

    def _error_reply(self, error: GraphError, crid: str | None) -> Reply:
        request_id = str(uuid.uuid4())
        body = error_body(error.code, error.message, request_id, crid)
        if error.status == 429:
            body["error"]["innerError"]["code"] = "activityLimitReached"
        return self._finish(Reply(error.status, body, dict(error.headers)), crid, request_id)

    def _gateway_timeout(self, crid: str | None) -> Reply:
        return self._error_reply(GraphError(504, *FAULT_ERRORS[504]), crid)

    def _finish(self, reply: Reply, crid: str | None, request_id: str | None = None) -> Reply:
        request_id = request_id or reply.headers.get("request-id") or str(uuid.uuid4())
        reply.headers.setdefault("request-id", request_id)
        reply.headers.setdefault("client-request-id", crid or request_id)
        reply.headers.setdefault("Cache-Control", "no-cache")
        if isinstance(reply.body, dict):
            reply.headers.setdefault("Content-Type", JSON_CONTENT_TYPE)
            reply.headers.setdefault("OData-Version", "4.0")
        return reply

    def _retry_headers(self, rule: FaultRule | None, status: int | None = None) -> dict[str, str]:
        configured = rule.retry_after if rule else None
        if configured is None and (status in (429, 503) or (rule and rule.status in (429, 503))):
            configured = self.emulator.retry_after
        return {"Retry-After": seconds(configured)} if configured is not None else {}

    def _sleep(self, rule: FaultRule | None, graph: bool = True) -> None:
        """Injected latency; the global ``latency_ms`` models Graph's, not the token endpoint's."""
        delay = (self.emulator.latency_ms if graph else 0) + (rule.latency_ms if rule else 0)
        if delay > 0:
            self.emulator.stopping.wait(delay / 1000)


def _parse(body: bytes) -> Any:
    if not body.strip():
        return None
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return INVALID_JSON
