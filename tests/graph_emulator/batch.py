"""JSON batching (``POST /v1.0/$batch``): validation of the envelope, ``dependsOn`` ordering,
424 for dependents of a failed request, and parallel execution of independent requests.

Independent requests run concurrently on purpose: that is how Graph runs them, and it is what
makes a batch of more than 4 requests to one booking mailbox meet inner 429s (contract §5.12).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from .odata import bad_request

MAX_REQUESTS = 20
InnerResult = dict[str, Any]  # {"id", "status", "headers", "body"?}


def validate(body: Any) -> list[dict[str, Any]]:
    """The inner requests of a well-formed batch; a malformed batch is a 400 for the whole call."""
    if not isinstance(body, dict) or not isinstance(body.get("requests"), list):
        raise bad_request(
            "The batch request body must be an object with a 'requests' array.", code="BadRequest"
        )
    requests = body["requests"]
    if not requests:
        raise bad_request("A batch request must contain at least one request.", code="BadRequest")
    if len(requests) > MAX_REQUESTS:
        raise bad_request(
            f"The batch contains {len(requests)} requests; the limit is {MAX_REQUESTS}.", code="BadRequest"
        )
    seen: set[str] = set()
    for request in requests:
        if not isinstance(request, dict):
            raise bad_request("Each batch request must be an object.", code="BadRequest")
        request_id = request.get("id")
        if not isinstance(request_id, str) or not request_id:
            raise bad_request("Each batch request needs a non-empty string 'id'.", code="BadRequest")
        if request_id in seen:
            raise bad_request(f"Batch request id '{request_id}' is used more than once.", code="BadRequest")
        seen.add(request_id)
        if not isinstance(request.get("method"), str) or not isinstance(request.get("url"), str):
            raise bad_request(
                f"Batch request '{request_id}' needs a 'method' and a 'url'.", code="BadRequest"
            )
        headers = request.get("headers") or {}
        if not isinstance(headers, dict):
            raise bad_request(
                f"Batch request '{request_id}': 'headers' must be an object.", code="BadRequest"
            )
        if "body" in request and "content-type" not in {k.lower() for k in headers}:
            raise bad_request(
                f"Write request id : {request_id} does not contain Content-Type header or body.",
                code="BadRequest",
            )
    for request in requests:
        depends = request.get("dependsOn") or []
        if not isinstance(depends, list) or any(d not in seen or d == request["id"] for d in depends):
            raise bad_request(
                f"Batch request '{request['id']}' depends on an unknown request.", code="BadRequest"
            )
    _refuse_cycles(requests)
    return requests


def _refuse_cycles(requests: list[dict[str, Any]]) -> None:
    remaining = {r["id"]: set(r.get("dependsOn") or []) for r in requests}
    while remaining:
        free = [rid for rid, deps in remaining.items() if not deps & remaining.keys()]
        if not free:
            raise bad_request("The dependsOn of the batch requests form a cycle.", code="BadRequest")
        for rid in free:
            del remaining[rid]


def run(
    requests: list[dict[str, Any]], execute: Callable[[dict[str, Any]], InnerResult]
) -> list[InnerResult]:
    """Run in waves: every request whose prerequisites are done runs (concurrently) in the next
    wave; a request whose prerequisite did not succeed is answered 424 without running.
    Responses come back in completion order, which need not be the request order."""
    results: dict[str, InnerResult] = {}
    order: list[InnerResult] = []
    lock = threading.Lock()
    pending = list(requests)
    while pending:
        ready = [r for r in pending if all(d in results for d in r.get("dependsOn") or [])]
        pending = [r for r in pending if r not in ready]
        runnable = []
        for request in ready:
            failed = [d for d in request.get("dependsOn") or [] if not 200 <= results[d]["status"] < 300]
            if failed:
                result = failed_dependency(request["id"], failed[0])
                results[request["id"]] = result
                order.append(result)
            else:
                runnable.append(request)

        def work(request: dict[str, Any]) -> None:
            result = execute(request)
            with lock:
                results[request["id"]] = result
                order.append(result)

        threads = [threading.Thread(target=work, args=(r,), daemon=True) for r in runnable[1:]]
        for thread in threads:
            thread.start()
        if runnable:
            work(runnable[0])
        for thread in threads:
            thread.join()
    return order


def failed_dependency(request_id: str, prerequisite: str) -> InnerResult:
    return {
        "id": request_id,
        "status": 424,
        "headers": {"Content-Type": "application/json"},
        "body": {
            "error": {
                "code": "FailedDependency",
                "message": f"The request {request_id} depends on request {prerequisite}, which failed.",
            }
        },
    }
