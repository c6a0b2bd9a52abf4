"""Real processes for tests that need them: a private Redis and Celery worker/beat subprocesses.

A worker started here is an ordinary ``celery -A portal worker`` in its own session (process group),
so ``kill()`` is a real crash of the main process and its pool children at once (SIGKILL, no
shutdown code runs), and its Redis is one the test owns: it can be shut down and started again
without touching the machine's Redis on 6379.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(condition, timeout: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise TimeoutError(f"{what} not ready after {timeout:g} s\n{tail}")


class PrivateRedis:
    """``redis-server`` on a free loopback port, without persistence: a restart loses everything,
    as a crashed Redis without AOF does."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> PrivateRedis:
        self.starts += 1
        log = self.directory / f"redis-{self.starts}.log"
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.directory)),
            ],
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _wait(self.ping, 10, f"redis-server on port {self.port}", log)
        return self

    def ping(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.2).ping())
        except redis.RedisError:
            return False

    def shutdown(self) -> None:
        """Stop at once and forget every key (``SHUTDOWN NOSAVE``)."""
        if self.process is None:
            return
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"], capture_output=True)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.shutdown()
        self.start()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None


class CeleryProcess:
    """One ``celery -A portal <args>`` subprocess, its output in ``log``."""

    def __init__(self, args: list[str], env: Mapping[str, str], log: Path) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", *args],
            cwd=ROOT,
            env=dict(env),
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill() reaches the pool children too
        )

    def wait_for(self, text: str, timeout: float = 60) -> None:
        def seen() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.log.name} exited with {self.process.returncode}\n{self.output()}")
            return text in self.log.read_text(errors="replace")

        _wait(seen, timeout, f"{self.log.name} ({text!r})", self.log)

    def output(self, tail: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-tail:] if self.log.exists() else ""

    def kill(self) -> None:
        """SIGKILL the whole process group: a worker crash, tasks in hand and all."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self, timeout: float = 10) -> None:
        """Warm shutdown, then SIGKILL whatever is left."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=timeout)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        self.kill()


def worker(env: Mapping[str, str], log: Path, *, name: str, concurrency: int = 2) -> CeleryProcess:
    """A prefork worker, started and answering (its "ready" line logged)."""
    process = CeleryProcess(
        [
            *("worker", "--pool=prefork", "-c", str(concurrency), "--loglevel=INFO"),
            *("-n", f"{name}@%h", "--without-gossip", "--without-mingle"),
        ],
        env,
        log,
    )
    process.wait_for(" ready.")
    return process


def beat(env: Mapping[str, str], log: Path, schedule: Path) -> CeleryProcess:
    process = CeleryProcess(["beat", "--loglevel=INFO", "-s", str(schedule)], env, log)
    process.wait_for("beat: Starting")
    return process
