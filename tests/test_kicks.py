"""``kicks.kick``: one worker task per burst of changes, run when the burst's window closes."""

from __future__ import annotations

import time

import pytest
from celery import Task
from django.core.cache import cache

from bookings.kicks import kick


class RecordingTask(Task):
    """A Celery task that keeps what it was asked to publish instead of publishing it."""

    name = "tests.recording"
    fail_next = False

    def __init__(self) -> None:
        self.published: list[tuple[tuple, dict]] = []

    def apply_async(self, args=None, kwargs=None, **options):
        if self.fail_next:
            self.fail_next = False
            raise ConnectionError("broker down")
        self.published.append((tuple(args or ()), options))


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.KICK_WINDOW_SECONDS = 1
    cache.clear()


def test_changes_within_one_window_share_one_task_run_when_the_window_closes():
    task = RecordingTask()

    for _ in range(5):
        kick(task, "business-1", key="push:business-1")

    assert task.published == [(("business-1",), {"countdown": 1})]


def test_each_key_has_its_own_window():
    task = RecordingTask()

    kick(task, "business-1", key="push:business-1")
    kick(task, "business-2", key="push:business-2")

    assert [args for args, _options in task.published] == [("business-1",), ("business-2",)]


def test_a_change_after_the_window_closed_kicks_again():
    task = RecordingTask()
    kick(task, "business-1", key="push:business-1")

    time.sleep(1.1)
    kick(task, "business-1", key="push:business-1")

    assert len(task.published) == 2


def test_a_kick_the_broker_refused_is_tried_again_by_the_next_change():
    task = RecordingTask()
    task.fail_next = True

    with pytest.raises(ConnectionError):
        kick(task, "business-1", key="push:business-1")
    kick(task, "business-1", key="push:business-1")

    assert len(task.published) == 1


def test_without_a_window_every_change_kicks_at_once(settings):
    settings.KICK_WINDOW_SECONDS = 0
    task = RecordingTask()

    kick(task, "business-1", key="push:business-1")
    kick(task, "business-1", key="push:business-1")

    assert task.published == [(("business-1",), {}), (("business-1",), {})]
