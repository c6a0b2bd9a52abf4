"""pytest fixtures for the Graph emulator; registered in ``tests/conftest.py`` with
``pytest_plugins = ["tests.graph_emulator.pytest_plugin"]``.

Function scope on purpose: every test gets its own server on a free port, so state, fault rules,
token expiry and throttling counters never leak between tests (start-up costs about a millisecond).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .server import Emulator, start_emulator


@pytest.fixture
def graph_emulator() -> Iterator[Emulator]:
    """An empty emulated tenant (add businesses with ``add_business`` or ``seed_demo()``)."""
    emulator = start_emulator()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def demo_emulator() -> Iterator[Emulator]:
    """The demo tenant: Contoso Lunch Delivery (Microsoft's sample ids) and Fabrikam."""
    emulator = start_emulator(seed="demo")
    try:
        yield emulator
    finally:
        emulator.stop()
