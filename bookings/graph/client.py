"""An httpx client for Microsoft Graph: auth, retries, paging, ``$batch`` and Bookings' concurrency cap.

Retry policy, and why:

* 429 is always retried, after ``Retry-After`` when Graph sends it: the request was refused, so
  sending it again cannot duplicate anything, whatever the method.
* 503/504 (and 500/502), timeouts and broken connections are retried only for idempotent methods
  (GET, PATCH, DELETE). For a POST they are ambiguous: Graph may have created the appointment and
  only the answer was lost. Sending it again could book the customer twice, so the client raises
  :class:`GraphServerError` / :class:`GraphTimeout` and the caller looks the item up before trying
  again (DESIGN §4.4). A connection that could not even be opened is retried for every method.
* 401 gets one retry with a force-refreshed token (Graph said the cached token is no longer good).

Bookings allows 4 concurrent requests per (app, booking mailbox); a fifth gets 429. Each HTTP attempt
holds slots of the mailboxes it addresses (``limits.py``): by default counted within this process, so
threads sharing the client keep at most ``per_mailbox_concurrency`` requests in flight per mailbox;
with ``slots=RedisMailboxSlots(...)`` the count is shared by every worker process. Requests for other
mailboxes proceed untouched.
"""

from __future__ import annotations

import logging
import math
import random
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import httpx

from .auth import TokenProvider
from .batch import BatchRequest, BatchResponse, failed_dependency, plan_chunks, slots_needed
from .errors import (
    GraphServerError,
    GraphTimeout,
    error_from_response,
    header_value,
    parse_retry_after,
)
from .limits import LocalMailboxSlots, MailboxSlots
from .paths import mailbox_of

logger = logging.getLogger(__name__)

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})
TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})
# Failures that happen before a byte of the request left: safe to retry even for a POST.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class GraphClient:
    """A thread-safe Graph client over one pooled ``httpx.Client``; paths are relative to ``base_url``."""

    def __init__(
        self,
        base_url: str,
        token_provider: TokenProvider,
        *,
        timeout: float = 30,
        max_retries: int = 5,
        per_mailbox_concurrency: int = 4,
        backoff_base: float = 0.5,
        backoff_cap: float = 30,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        max_inline_wait: float | None = None,
        slots: MailboxSlots | None = None,
    ) -> None:
        """``slots`` limits requests in flight per mailbox (its ``limit`` replaces
        ``per_mailbox_concurrency``); the default counts within this process only."""
        self.base_url = base_url.rstrip("/") + "/"
        self._origin = urlsplit(self.base_url)[:2]
        self._tokens = token_provider
        self._max_retries = max_retries
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._sleep = sleep
        self._max_inline_wait = max_inline_wait
        self._slots = slots if slots is not None else LocalMailboxSlots(per_mailbox_concurrency)
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=httpx.Timeout(timeout),
            transport=transport,
            headers={"Accept": "application/json"},
            follow_redirects=False,
        )

    # --- plumbing -------------------------------------------------------------------------------

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter: spreads retries of many workers over the window."""
        return random.uniform(0, min(self._backoff_cap, self._backoff_base * 2**attempt))

    def _url(self, path: str, params: dict | None) -> str:
        target = urlsplit(path)
        if target.scheme and target[:2] != self._origin:
            # A nextLink is followed verbatim, but the bearer token only ever goes to Graph's origin.
            raise ValueError(f"refusing to send the Graph token to {target.netloc}")
        if not params:
            return path
        query = urlencode(params, doseq=True, quote_via=quote, safe="$")
        return f"{path}{'&' if '?' in path else '?'}{query}"

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        json: Any = None,
        idempotent: bool | None = None,
        slots: Mapping[str, int] | None = None,
    ) -> httpx.Response:
        """Send one logical request, with the retries the module docstring describes."""
        method = method.upper()
        url = self._url(path, params)
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        if slots is None:
            slots = {name: 1} if (name := mailbox_of(url)) else {}
        log_path = url.split("?", 1)[0]
        attempt, refreshed, force_refresh = 0, False, False
        while True:
            token = self._tokens.token(force_refresh=force_refresh)
            force_refresh = False
            client_request_id = str(uuid.uuid4())
            headers = {"Authorization": f"Bearer {token}", "client-request-id": client_request_id}
            started = time.monotonic()
            try:
                with self._slots.hold(slots):
                    response = self._http.request(method, url, json=json, headers=headers)
            except httpx.TransportError as exc:
                _log(method, log_path, f"no response ({exc.__class__.__name__})", started, client_request_id)
                if (idempotent or isinstance(exc, _NOT_SENT)) and attempt < self._max_retries:
                    self._sleep(self._backoff(attempt))
                    attempt += 1
                    continue
                raise GraphTimeout(
                    f"no response from Graph ({exc.__class__.__name__})", client_request_id=client_request_id
                ) from exc
            status, request_id = response.status_code, response.headers.get("request-id")
            _log(method, log_path, str(status), started, client_request_id, request_id)
            if status < 400:
                return response
            if status == 401 and not refreshed:
                refreshed = force_refresh = True  # once: a fresh token that is refused stays refused
                continue
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            retryable = status == 429 or (status in TRANSIENT_STATUSES and idempotent)
            if retry_after is not None and retry_after > (self._max_inline_wait or math.inf):
                retryable = False  # a long wait is the caller's to schedule (the outbox), not a thread's
            if retryable and attempt < self._max_retries:
                self._sleep(retry_after if retry_after is not None else self._backoff(attempt))
                attempt += 1
                continue
            raise error_from_response(
                status,
                _decode(response),
                response.headers,
                client_request_id=client_request_id,
                retry_after=retry_after,
            )

    # --- verbs ----------------------------------------------------------------------------------

    def get(self, path: str, params: dict | None = None) -> dict:
        """GET one resource (or one page of a collection) as a JSON object."""
        return _object(self._request("GET", path, params=params)) or {}

    def iter_collection(self, path: str, params: dict | None = None) -> Iterator[dict]:
        """Every item of a collection, following ``@odata.nextLink`` verbatim until it is absent.

        Bookings' docs never show a nextLink, but Graph may page any collection, and pages may be
        empty; a nextLink pointing back at a page already read is refused instead of looping.
        """
        url, query, seen = path, params, set()
        while True:
            page = self.get(url, query)
            if not isinstance(items := page.get("value"), list):
                raise GraphServerError(f"no 'value' array in a page of {url}", code="InvalidResponse")
            yield from items
            url, query = page.get("@odata.nextLink"), None
            if not url:
                return
            if url in seen:
                raise GraphServerError(f"paging loop at {url}", code="InvalidResponse")
            seen.add(url)

    def list_all(self, path: str, params: dict | None = None) -> list[dict]:
        """Every item of a collection as a list (all pages read)."""
        return list(self.iter_collection(path, params))

    def post(self, path: str, json: dict | None = None) -> dict | None:
        """POST (create or action); the created entity, or None for 204. Not retried when ambiguous."""
        return _object(self._request("POST", path, json=json))

    def patch(self, path: str, json: dict) -> dict | None:
        """PATCH only the given properties; None for 204 (most resources), the entity for 200."""
        return _object(self._request("PATCH", path, json=json))

    def delete(self, path: str) -> None:
        """DELETE a resource (204)."""
        self._request("DELETE", path)

    # --- $batch ---------------------------------------------------------------------------------

    def batch(self, requests: Sequence[BatchRequest]) -> dict[str, BatchResponse]:
        """Run requests through ``$batch`` in order, in chunks; one response per request id.

        A chunk holds at most 20 requests and at most ``per_mailbox_concurrency`` lanes per mailbox
        (``batch.plan_chunks``: Graph runs independent inner requests in parallel and throttles
        each, so more would only buy inner 429s; a chain of ``dependsOn`` runs one at a time). A
        request may depend on any *earlier* one: within a chunk Graph honours ``dependsOn`` (424 if a
        prerequisite fails); across chunks the client does, answering 424 itself without sending.
        Inner 429s (and 503/504 of idempotent requests) are resent with the dependents they failed.
        """
        results: dict[str, BatchResponse] = {}
        for chunk in plan_chunks(requests, self._slots.limit):
            self._run_chunk(chunk, results)
        return results

    def _run_chunk(self, chunk: list[BatchRequest], results: dict[str, BatchResponse]) -> None:
        pending, attempt = chunk, 0
        while pending:
            sent: list[BatchRequest] = []
            for request in pending:  # prerequisites come first, so `results` already holds the rest
                in_round = {r.id for r in sent}
                failed = [d for d in request.depends_on if d not in in_round and not results[d].ok]
                if failed:
                    results[request.id] = failed_dependency(request, failed)
                else:
                    sent.append(
                        replace(request, depends_on=tuple(d for d in request.depends_on if d in in_round))
                    )
            if not sent:
                return
            responses = self._send_batch(sent)
            retry: dict[str, BatchResponse] = {}
            for request in sent:
                response = responses.get(request.id) or BatchResponse(request.id, 0, {}, None)
                transient = response.status == 429 or (
                    response.status in (0, *TRANSIENT_STATUSES)
                    and request.method.upper() in IDEMPOTENT_METHODS
                )
                blocked = response.status == 424 and any(d in retry for d in request.depends_on)
                wait = parse_retry_after(header_value(response.headers, "Retry-After"))
                if wait is not None and wait > (self._max_inline_wait or math.inf):
                    transient = False  # as for single requests: a long wait is the caller's to schedule
                if (transient or blocked) and attempt < self._max_retries:
                    retry[request.id] = response
                else:
                    results[request.id] = response
            originals = {r.id: r for r in chunk}
            pending = [originals[request_id] for request_id in retry]
            if pending:
                waits = [parse_retry_after(header_value(r.headers, "Retry-After")) for r in retry.values()]
                known = [w for w in waits if w is not None]
                self._sleep(max(known) if known else self._backoff(attempt))
                attempt += 1

    def _send_batch(self, requests: list[BatchRequest]) -> dict[str, BatchResponse]:
        # Resending the whole $batch is safe only if every inner request is idempotent.
        idempotent = all(r.method.upper() in IDEMPOTENT_METHODS for r in requests)
        slots = slots_needed(requests)
        body = {"requests": [r.to_graph() for r in requests]}
        response = self._request("POST", "$batch", json=body, idempotent=idempotent, slots=slots)
        items = (_object(response) or {}).get("responses") or []
        return {
            item["id"]: BatchResponse(
                item["id"], int(item.get("status") or 0), item.get("headers") or {}, item.get("body")
            )
            for item in items
            if isinstance(item, dict) and isinstance(item.get("id"), str)
        }

    # --- lifetime -------------------------------------------------------------------------------

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> GraphClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _log(
    method: str,
    path: str,
    outcome: str,
    started: float,
    crid: str,
    request_id: str | None = None,
) -> None:
    """One INFO line per attempt, with the ids Microsoft support asks for; never the token."""
    elapsed = (time.monotonic() - started) * 1000
    logger.info(
        "Graph %s %s -> %s in %.0f ms client-request-id=%s request-id=%s",
        *(method, path, outcome, elapsed, crid, request_id),
    )


def _decode(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


def _object(response: httpx.Response) -> dict | None:
    """The JSON object a successful response carries; None for an empty body (204)."""
    body = _decode(response)
    if body is None or isinstance(body, dict):
        return body
    raise GraphServerError(
        f"expected a JSON object, got {type(body).__name__}",
        status=response.status_code,
        code="InvalidResponse",
    )
