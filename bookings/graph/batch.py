"""The requests and responses of Graph's JSON batching (``POST /$batch``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .errors import GraphError, error_from_response, header_value, parse_retry_after

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
