"""The requests and responses of Graph's JSON batching (``POST /$batch``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .errors import GraphError, error_from_response, header_value, parse_retry_after
from .paths import mailbox_of

# Graph takes at most 20 requests in one batch.
BATCH_LIMIT = 20


@dataclass(frozen=True)
class BatchRequest:
    """One request inside ``$batch``; ``url`` is relative to the version root (a ``paths`` path)."""

    id: str
    method: str
    url: str
    body: dict | None = None
    depends_on: tuple[str, ...] = ()

    def to_graph(self) -> dict[str, Any]:
        url = "/" + self.url.lstrip("/")
        item: dict[str, Any] = {"id": self.id, "method": self.method.upper(), "url": url}
        if self.body is not None:
            item["body"] = self.body
            item["headers"] = {"Content-Type": "application/json"}
        if self.depends_on:
            item["dependsOn"] = list(self.depends_on)
        return item


@dataclass(frozen=True)
class BatchResponse:
    """One inner response of ``$batch``."""

    id: str
    status: int
    headers: dict
    body: Any

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def error(self) -> GraphError | None:
        """The typed error this response stands for, or None when it succeeded."""
        if self.ok:
            return None
        retry_after = parse_retry_after(header_value(self.headers, "Retry-After"))
        return error_from_response(self.status, self.body, self.headers, retry_after=retry_after)


def failed_dependency(request: BatchRequest, failed: Sequence[str]) -> BatchResponse:
    """A 424 made up by the client for a request whose prerequisite failed in an earlier chunk."""
    message = f"not sent: request(s) {', '.join(failed)} it depends on failed"
    return BatchResponse(request.id, 424, {}, {"error": {"code": "FailedDependency", "message": message}})


# --- Planning: chunks and lanes ---------------------------------------------------------------------
#
# Graph runs a batch's independent requests in parallel and each counts against its mailbox's 4 in
# flight; a request with ``dependsOn`` starts only once its prerequisite has finished. So a batch's
# concurrency per mailbox is its number of *lanes*: chains of requests each waiting for the one
# before. Twenty requests in 4 lanes of 5 keep a mailbox's 4 places busy for 5 latencies with one
# round trip, where 5 batches of 4 would pay 5 round trips.


def in_lanes(requests: Sequence[BatchRequest], per_mailbox: int) -> list[BatchRequest]:
    """``requests`` (independent of each other) chained so that at most ``per_mailbox`` of one
    mailbox run at once: each mailbox's n-th request depends on its (n - per_mailbox)-th. The price
    is that a failed request fails its lane's later ones with 424 (not sent)."""
    seen: dict[str | None, list[str]] = {}
    chained = []
    for request in requests:
        same = seen.setdefault(mailbox_of(request.url), [])
        before = (same[-per_mailbox],) if len(same) >= per_mailbox else ()
        chained.append(replace(request, depends_on=before))
        same.append(request.id)
    return chained


@dataclass
class _Lanes:
    """Lanes of one chunk: which lane each request runs in, the mailboxes each lane touches."""

    lane_of: dict[str, int] = field(default_factory=dict)
    continued: set[str] = field(default_factory=set)
    mailboxes: list[set[str]] = field(default_factory=list)
    size: int = 0

    def lane_for(self, request: BatchRequest) -> int | None:
        """The lane ``request`` continues: that of its only prerequisite, if no other request has
        continued it yet (a second dependent of one request may run beside the first)."""
        if len(request.depends_on) == 1:
            before = request.depends_on[0]
            if before in self.lane_of and before not in self.continued:
                return self.lane_of[before]
        return None

    def count(self, mailbox: str) -> int:
        return sum(mailbox in lane for lane in self.mailboxes)

    def add(self, request: BatchRequest, mailbox: str | None, lane: int | None) -> None:
        if lane is None:
            lane = len(self.mailboxes)
            self.mailboxes.append(set())
        else:
            self.continued.add(request.depends_on[0])
        if mailbox:
            self.mailboxes[lane].add(mailbox)
        self.lane_of[request.id] = lane
        self.size += 1


def plan_chunks(requests: Sequence[BatchRequest], per_mailbox: int) -> list[list[BatchRequest]]:
    """``requests`` cut, in order, into chunks Graph accepts: at most 20 requests and at most
    ``per_mailbox`` lanes (requests that may run at once) per mailbox. A request may depend only on
    earlier ones; ValueError otherwise, or for a duplicate id."""
    seen: set[str] = set()
    chunks: list[list[BatchRequest]] = [[]]
    lanes = _Lanes()
    for request in requests:
        if request.id in seen:
            raise ValueError(f"duplicate $batch request id {request.id!r}")
        missing = [dep for dep in request.depends_on if dep not in seen]
        if missing:
            raise ValueError(f"$batch request {request.id!r} depends on later or unknown {missing}")
        seen.add(request.id)
        mailbox = mailbox_of(request.url)
        lane = lanes.lane_for(request)
        widens = mailbox is not None and (lane is None or mailbox not in lanes.mailboxes[lane])
        if lanes.size == BATCH_LIMIT or (widens and lanes.count(mailbox) == per_mailbox):
            chunks.append([])
            lanes, lane = _Lanes(), None
        chunks[-1].append(request)
        lanes.add(request, mailbox, lane)
    return [chunk for chunk in chunks if chunk]


def slots_needed(requests: Sequence[BatchRequest]) -> Counter[str]:
    """Places in flight one chunk takes per mailbox: its lanes there (see ``plan_chunks``)."""
    lanes = _Lanes()
    for request in requests:
        lanes.add(request, mailbox_of(request.url), lanes.lane_for(request))
    return Counter(mailbox for lane in lanes.mailboxes for mailbox in lane)
