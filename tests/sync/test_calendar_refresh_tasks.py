"""The beat task, the one-business task run after a push, and ``manage.py refresh_calendars``."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from bookings.models import Appointment, StaffBusyInterval
from bookings.tasks import refresh_business_calendar, refresh_calendars
from tests.sync import test_calendar_refresh as spec
from tests.sync.conftest import CONTOSO, FABRIKAM, sync_one
from tests.sync.test_calendar_refresh import book_upstream

graph = spec.graph
contoso = spec.contoso

pytestmark = pytest.mark.django_db


def soon() -> datetime:
    """Tomorrow, 15:00 UTC: inside the window of a refresh run now (tasks read the clock)."""
    return (timezone.now() + timedelta(days=1)).replace(hour=15, minute=0, second=0, microsecond=0)


def test_the_beat_task_refreshes_every_business_with_the_configured_app_token(graph_settings, graph, contoso):
    sync_one(graph, FABRIKAM)
    graph_id = book_upstream(graph, soon())

    summaries = refresh_calendars.run()

    assert [s["business_id"] for s in summaries] == [CONTOSO, FABRIKAM]
    assert all(s["error"] == "" and s["busy_error"] == "" for s in summaries)
    assert summaries[0]["created"] == 1 and summaries[0]["busy_intervals"] == 1
    assert Appointment.objects.get().graph_id == graph_id and StaffBusyInterval.objects.count() == 1


def test_the_one_business_task_refreshes_that_business_only(graph_settings, graph, contoso):
    sync_one(graph, FABRIKAM)
    book_upstream(graph, soon())

    summary = refresh_business_calendar.apply(args=[CONTOSO.lower()]).get()

    assert summary["business_id"] == CONTOSO and summary["created"] == 1
    assert refresh_business_calendar.run("nobody@contoso.onmicrosoft.com") is None


def test_beat_runs_the_refresh_every_interval():
    entry = django_settings.CELERY_BEAT_SCHEDULE["refresh-calendars"]

    assert entry["task"] == refresh_calendars.name
    assert entry["schedule"] == django_settings.CALENDAR_REFRESH_MINUTES * 60
    assert entry["options"]["expires"] == entry["schedule"]


def run_command(*args: str) -> str:
    stdout = StringIO()
    call_command("refresh_calendars", *args, stdout=stdout, stderr=StringIO())
    return stdout.getvalue()


def test_the_command_refreshes_and_prints_a_summary(demo_emulator, graph, contoso):
    book_upstream(graph, soon())

    out = run_command("--base-url", demo_emulator.base_url, "--token", demo_emulator.app_token)

    header, _rule, row = out.splitlines()[:3]
    assert header.split()[:4] == ["business", "state", "created", "updated"]
    assert row.split()[:3] == [CONTOSO, "ok", "1"]


def test_the_command_names_a_missing_busy_time_and_fails_for_a_failed_business(demo_emulator, graph, contoso):
    out = run_command(
        "--base-url", demo_emulator.base_url, "--token", demo_emulator.delegated_token, "--business", CONTOSO
    )
    assert "no busy time" in out and "403" in out

    demo_emulator.faults.add(method="GET", path=r"/calendarView$", status=404, times=None)
    with pytest.raises(CommandError, match="1 of 1 calendar refreshes failed"):
        run_command("--base-url", demo_emulator.base_url, "--token", demo_emulator.app_token)
    with pytest.raises(CommandError, match="No active business"):
        run_command("--base-url", demo_emulator.base_url, "--token", "x", "--business", "who@example.com")
