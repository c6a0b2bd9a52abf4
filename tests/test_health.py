"""``/health/``: the database and Redis asked live, Graph from its records; 503 only for what the
portal cannot work without, and nothing internal shown to anonymous callers."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.models import GraphConnection, SyncRun
from bookings.models.sync import SyncRunState
from bookings.views.health import overall
from tests.celery_worker import PrivateRedis, free_port

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def broker(tmp_path_factory) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path_factory.mktemp("health-redis")).start()
    yield server
    server.stop()


@pytest.fixture
def redis_up(settings, broker) -> None:
    settings.CELERY_BROKER_URL = broker.url(3)


@pytest.fixture
def redis_refusing(settings) -> None:
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"


def health(client, **extra):
    response = client.get("/health/", **extra)
    return response, response.json()


def test_all_up_is_ok_with_each_check_named(client, redis_up):
    response, body = health(client)
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "redis", "cache", "graph"}
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["redis"] == {"status": "ok"}
    assert body["checks"]["graph"] == {"status": "unknown"}  # never synced yet: not a fault


def test_redis_down_is_503_and_anonymous_callers_see_no_error_text(client, redis_refusing):
    response, body = health(client)
    assert response.status_code == 503
    assert body["status"] == "down"
    assert body["checks"]["redis"] == {"status": "down"}
    text = response.content.decode()
    assert "Connection" not in text and "127.0.0.1" not in text and "error" not in text


def test_staff_see_why(client, owner, redis_refusing):
    client.force_login(owner)
    _response, body = health(client)
    assert body["checks"]["redis"]["status"] == "down"
    assert "Connection" in body["checks"]["redis"]["error"]
    assert body["checks"]["cache"]["backend"] == "LocMemCache"


def test_a_redis_that_accepts_but_never_answers_is_down_within_seconds(client, settings):
    with socket.socket() as silent:  # the kernel completes the handshake; nobody ever replies
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        started = time.monotonic()
        response, body = health(client)
    assert response.status_code == 503
    assert body["checks"]["redis"] == {"status": "down"}
    assert time.monotonic() - started < 6


def test_a_broker_that_is_not_redis_is_skipped(client, settings):
    settings.CELERY_BROKER_URL = "memory://"
    response, body = health(client)
    assert response.status_code == 200
    assert body["checks"]["redis"] == {"status": "skipped"}


def test_with_tasks_run_in_process_as_make_run_does_redis_is_not_needed(client, settings, redis_refusing):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response, body = health(client)
    assert response.status_code == 200
    assert body["checks"]["redis"] == {"status": "skipped"}


def test_an_unhealthy_graph_connection_degrades_but_does_not_fail_the_probe(client, owner, redis_up):
    GraphConnection.objects.create(healthy=False, last_error="invalid_grant: AADSTS70008 token expired")
    response, body = health(client)
    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["checks"]["graph"] == {"status": "down"}
    assert "AADSTS" not in response.content.decode()

    client.force_login(owner)
    _response, body = health(client)
    assert "AADSTS70008" in body["checks"]["graph"]["details"]["error"]


def test_a_business_whose_last_sync_failed_degrades_graph(client, owner, redis_up):
    now = timezone.now()
    SyncRun.objects.create(
        business_graph_id="a@contoso.com",
        state=SyncRunState.FAILED,
        started_at=now - timedelta(minutes=20),
        finished_at=now - timedelta(minutes=19),
    )
    SyncRun.objects.create(
        business_graph_id="b@contoso.com",
        state=SyncRunState.FAILED,
        started_at=now - timedelta(minutes=20),
        finished_at=now - timedelta(minutes=19),
    )
    SyncRun.objects.create(  # b recovered since
        business_graph_id="b@contoso.com",
        state=SyncRunState.SUCCEEDED,
        started_at=now - timedelta(minutes=5),
        finished_at=now - timedelta(minutes=4),
    )
    SyncRun.objects.create(business_graph_id="a@contoso.com", state=SyncRunState.RUNNING, started_at=now)
    client.force_login(owner)

    response, body = health(client)

    assert response.status_code == 200
    assert body["status"] == "degraded"
    graph = body["checks"]["graph"]
    assert graph["status"] == "degraded"
    assert graph["details"]["failing_businesses"] == ["a@contoso.com"]


def test_graph_is_ok_when_every_business_last_synced_well(client, redis_up):
    SyncRun.objects.create(
        business_graph_id="a@contoso.com", state=SyncRunState.SUCCEEDED, finished_at=timezone.now()
    )
    _response, body = health(client)
    assert body == {
        "status": "ok",
        "checks": {
            "database": {"status": "ok"},
            "redis": {"status": "ok"},
            "cache": {"status": "ok"},
            "graph": {"status": "ok"},
        },
    }


def test_the_probe_is_cheap_no_session_no_caching_and_no_https_redirect(
    client, settings, redis_up, django_assert_max_num_queries
):
    settings.SECURE_SSL_REDIRECT = True
    with django_assert_max_num_queries(3):  # SELECT 1, the connection row, the last sync runs
        response, _body = health(client)
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert "no-cache" in response["Cache-Control"]
    assert client.get("/").status_code == 301  # everything else goes to https


def test_only_get_is_answered(client, redis_up):
    assert client.post("/health/").status_code == 405


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ({"database": "ok", "redis": "ok", "cache": "ok", "graph": "ok"}, ("ok", 200)),
        ({"database": "down", "redis": "ok", "cache": "ok", "graph": "unknown"}, ("down", 503)),
        ({"database": "ok", "redis": "down", "cache": "ok", "graph": "ok"}, ("down", 503)),
        ({"database": "ok", "redis": "skipped", "cache": "ok", "graph": "unknown"}, ("ok", 200)),
        ({"database": "ok", "redis": "ok", "cache": "down", "graph": "ok"}, ("degraded", 200)),
        ({"database": "ok", "redis": "ok", "cache": "ok", "graph": "degraded"}, ("degraded", 200)),
    ],
)
def test_overall_status(statuses, expected):
    assert overall({name: {"status": status} for name, status in statuses.items()}) == expected
