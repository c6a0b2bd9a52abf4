"""``manage.py sync_graph``: a progress bar on stderr, a summary table, non-zero exit on failure."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.core.management.base import OutputWrapper

from bookings.management.commands.sync_graph import ProgressBar
from bookings.models import Business, SyncRun
from tests.sync.conftest import CONTOSO, FABRIKAM, plant

pytestmark = pytest.mark.django_db


def run_command(*args: str) -> tuple[str, str]:
    stdout, stderr = StringIO(), StringIO()
    call_command("sync_graph", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def emulator_options(emulator) -> list[str]:
    return ["--base-url", emulator.base_url, "--token", emulator.delegated_token]


def test_syncs_the_named_businesses_shows_progress_and_prints_a_summary(demo_emulator):
    out, err = run_command(*emulator_options(demo_emulator), "--business", CONTOSO, "--business", FABRIKAM)

    assert Business.objects.count() == 2
    assert set(SyncRun.objects.values_list("trigger", "state")) == {("command", "succeeded")}
    lines = out.splitlines()
    assert lines[0].split() == [
        "business",
        "state",
        "created",
        "updated",
        "deactivated",
        "unchanged",
        "skipped",
        "errors",
    ]
    contoso = next(line for line in lines if line.startswith(CONTOSO)).split()
    # created: the business, 3 staff members, 2 custom questions and 4 services
    assert contoso[:3] == [CONTOSO, "succeeded", "10"] and contoso[-1] == "0"
    bar = err.splitlines()
    assert bar[0].startswith("[......") and bar[0].endswith("0/2")
    assert bar[-1].startswith("[######") and "2/2" in bar[-1]


def test_without_business_options_every_listed_business_is_synced(demo_emulator, settings):
    settings.BOOKINGS_BUSINESS_IDS = []

    out, _err = run_command(*emulator_options(demo_emulator))

    assert CONTOSO in out and FABRIKAM in out and Business.objects.count() == 2


def test_reported_items_are_listed_under_the_summary(demo_emulator):
    bad = plant(demo_emulator, CONTOSO, "services", {"displayName": "Broken", "defaultDuration": "soon"})

    out, _err = run_command(*emulator_options(demo_emulator), "--business", CONTOSO)

    assert "partial" in out
    assert f"error: {CONTOSO} services {bad}: Skipped: defaultDuration" in out


def test_a_failed_business_makes_the_command_fail_after_the_summary(demo_emulator):
    stdout, stderr = StringIO(), StringIO()

    with pytest.raises(CommandError, match="1 of 2 business syncs failed"):
        call_command(
            "sync_graph",
            *emulator_options(demo_emulator),
            "--business",
            "nobody@contoso.onmicrosoft.com",
            "--business",
            FABRIKAM,
            stdout=stdout,
            stderr=stderr,
        )

    rows = [line.split() for line in stdout.getvalue().splitlines()]
    assert ["nobody@contoso.onmicrosoft.com", "failed", "0", "0", "0", "0", "0", "1"] in rows
    assert any(line[:2] == ["error:", "nobody@contoso.onmicrosoft.com"] for line in rows)
    assert Business.objects.filter(graph_id=FABRIKAM).exists()


def test_base_url_and_token_go_together():
    with pytest.raises(CommandError, match="go together"):
        run_command("--base-url", "http://127.0.0.1:1/v1.0")


class Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_bar_is_redrawn_in_place_without_error_colours():
    screen = Terminal()
    bar = ProgressBar(OutputWrapper(screen))

    for done in range(3):
        bar(done, 2, None)

    assert screen.getvalue() == (
        "\r\x1b[K[" + "." * 30 + "] 0/2"
        "\r\x1b[K[" + "#" * 15 + "." * 15 + "] 1/2"
        "\r\x1b[K[" + "#" * 30 + "] 2/2\n"
    )


def test_without_base_url_it_reaches_graph_the_way_the_settings_say(graph_settings):
    out, _err = run_command()

    assert CONTOSO in out and FABRIKAM in out
    assert set(SyncRun.objects.values_list("trigger", "state")) == {("command", "succeeded")}
