"""A GraphClient talking real HTTP to the emulator, with a sleep that records and barely waits."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from bookings.graph import GraphClient, StaticTokenProvider
from tests.graph_emulator import Emulator
from tests.graph_emulator.demo import CONTOSO, FABRIKAM

__all__ = ["CONTOSO", "FABRIKAM", "Naps", "client_for"]


class Naps(list):
    """The injected ``sleep``: remembers each requested delay, really waits at most 10 ms of it."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)
        time.sleep(min(seconds, 0.01))


def client_for(emulator: Emulator, naps: Naps, *, token: str | None = None, **options) -> GraphClient:
    options = {"timeout": 5, "sleep": naps, **options}
    return GraphClient(emulator.base_url, StaticTokenProvider(token or emulator.delegated_token), **options)


@pytest.fixture
def naps() -> Naps:
    return Naps()


@pytest.fixture
def graph(demo_emulator: Emulator, naps: Naps) -> Iterator[GraphClient]:
    """A client on the demo tenant, signed in with the emulator's delegated token."""
    with client_for(demo_emulator, naps) as client:
        yield client


def statuses(emulator: Emulator, method: str, pattern: str) -> list[int]:
    """Statuses the emulator answered to ``method`` requests whose decoded path contains ``pattern``."""
    return [r.status for r in emulator.requests if r.method == method and pattern in r.path]
