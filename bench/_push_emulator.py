"""The Graph emulator in a process of its own, for ``bench/push.py``.

Graph is a remote service: its work should not take the portal's CPU or GIL. So the benchmark
runs ``tests.graph_emulator.start_emulator(seed="demo")`` in a spawned child process and drives
it over a ``multiprocessing`` pipe with a few commands (set the latency, reset the throttle, count
a mailbox's items, read the most requests in flight, stop). The emulator's state lives in the
child for the whole run, so what the untimed set-up writes is there for the push and the checks.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from typing import Any


def _serve(conn) -> None:
    """Child process: a demo-seeded emulator answering commands until told to stop."""
    from tests.graph_emulator import start_emulator

    emulator = start_emulator(seed="demo")
    conn.send((emulator.base_url, emulator.delegated_token))
    try:
        while True:
            command, *args = conn.recv()
            if command == "stop":
                break
            if command == "latency":
                emulator.latency_ms = args[0]
                conn.send(None)
            elif command == "reset_throttle":
                emulator.throttle.reset()
                conn.send(None)
            elif command == "count":
                conn.send(len(emulator.items(*args)))
            elif command == "max_concurrency":
                conn.send(dict(emulator.max_concurrency))
            else:
                conn.send(ValueError(f"unknown command {command!r}"))
    finally:
        emulator.stop()
        conn.send("stopped")


class EmulatorProcess:
    """Handle on the emulator child: ``base_url``, ``delegated_token`` and the commands."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), daemon=True)
        self._process.start()
        child.close()
        self.base_url, self.delegated_token = self._conn.recv()

    def _call(self, *command: Any) -> Any:
        self._conn.send(command)
        answer = self._conn.recv()
        if isinstance(answer, Exception):
            raise answer
        return answer

    def set_latency(self, latency_ms: float) -> None:
        self._call("latency", latency_ms)

    def reset_throttle(self) -> None:
        self._call("reset_throttle")

    def count_items(self, mailbox: str, segment: str) -> int:
        return self._call("count", mailbox, segment)

    def max_concurrency(self) -> dict[str, int]:
        return self._call("max_concurrency")

    def stop(self) -> None:
        if self._process.is_alive():
            with contextlib.suppress(EOFError, BrokenPipeError, OSError):
                self._call("stop")
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=5)
        self._conn.close()
