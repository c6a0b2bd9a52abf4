"""``python -m tests.graph_emulator`` prints its one ready line, serves, and stops on SIGTERM."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def test_cli_prints_its_line_serves_and_stops():
    with subprocess.Popen(
        [sys.executable, "-m", "tests.graph_emulator", "--port", "0", "--seed", "demo", "--latency-ms", "1"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        _talk_to(process)
    assert process.returncode == 0


def _talk_to(process: subprocess.Popen) -> None:
    try:
        line = process.stdout.readline()
        match = re.fullmatch(
            r"EMULATOR (http://127\.0\.0\.1:\d+/v1\.0) delegated-token=(\S+) app-token=(\S+)\n", line
        )
        assert match, (line, process.stderr.read() if process.poll() is not None else "")
        base_url, delegated, app = match.groups()
        listed = httpx.get(
            f"{base_url}/solutions/bookingBusinesses", headers={"Authorization": f"Bearer {delegated}"}
        )
        assert [b["displayName"] for b in listed.json()["value"]] == ["Contoso Lunch Delivery", "Fabrikam"]
        services = httpx.get(
            f"{base_url}/solutions/bookingBusinesses/Fabrikam%40contoso.onmicrosoft.com/services",
            headers={"Authorization": f"Bearer {app}"},
        )
        assert services.status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    assert process.stdout.read() == ""  # exactly one line
