"""Playwright drives Debian's Chromium (``playwright install`` cannot download browsers here)."""

from __future__ import annotations

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from it are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "..", "test-artifacts")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        pytest.fail("Chromium not found: install Debian's 'chromium' package or set CHROMIUM")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": ["--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }


def assert_accessible(page, name: str) -> None:
    """No serious or critical axe-core violation; a full-page screenshot is kept for people to look at."""
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, f"{name}.png"), full_page=True)
    violations = Axe().run(page).response["violations"]
    bad = [
        (v["id"], v["help"], [node["target"] for node in v["nodes"]])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, bad
