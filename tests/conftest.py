"""Fixtures shared by the whole suite: an API client authenticated the way Graph clients are."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from bookings.models import ApiToken

pytest_plugins = ["tests.graph_emulator.pytest_plugin"]

# Microsoft's example bodies, copied verbatim from the shared Graph contract (see its INDEX.md) so
# that the suite runs from a clone alone.
EXAMPLES = Path(__file__).resolve().parent / "graph_examples"


def example(name: str) -> Any:
    """One of Microsoft's example bodies from the shared Graph contract."""
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


class GraphClient(APIClient):
    """An API client that sends JSON bodies and the ``Authorization: Bearer`` header."""

    base = "/api/v1.0/solutions"

    def _url(self, path: str) -> str:
        return path if path.startswith("/") else f"{self.base}/{path}"

    def get(self, path, data=None, **extra):
        return super().get(self._url(path), data, **extra)

    def post(self, path, data=None, format="json", **extra):
        return super().post(self._url(path), data, format=format, **extra)

    def patch(self, path, data=None, format="json", **extra):
        return super().patch(self._url(path), data, format=format, **extra)

    def delete(self, path, data=None, **extra):
        return super().delete(self._url(path), data, **extra)


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Pages render without ``collectstatic``: the manifest storage is for deployments."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts without cached slots from another (the cache is per process)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def no_push_on_commit(settings):
    """Tests that are not about delivery leave outbox rows alone instead of publishing to a broker;
    the delivery tests run ``sync.push`` themselves or turn this back on with a real worker."""
    settings.OUTBOX_PUSH_ON_COMMIT = False


@pytest.fixture(autouse=True)
def graph_limit_in_process(settings):
    """One test process talks to the emulator: the in-process mailbox limit is the whole truth. The
    specs of the shared Redis limit, and the worker processes of the delivery specs, set their own."""
    settings.GRAPH_CONCURRENCY_REDIS_URL = None


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs ~0.5 s per user; tests create hundreds of users and test no hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def owner(db):
    return get_user_model().objects.create_user("owner", "owner@example.com", "pw", is_staff=True)


def client_with_token(user) -> GraphClient:
    """A client that calls the API as ``user``, with a fresh bearer token."""
    _token, raw = ApiToken.objects.issue(user, "tests")
    client = GraphClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def api(owner) -> GraphClient:
    return client_with_token(owner)


@pytest.fixture
def anonymous(db) -> GraphClient:
    return GraphClient()
