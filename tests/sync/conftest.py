"""What the pull-sync specs share: a Graph client on the emulator and ways to change the tenant.

The emulator is the real collaborator (a loopback HTTP server keeping Graph JSON itself); tests change
its state over HTTP where Graph allows it (PATCH, DELETE) and plant items directly only where Graph
itself would never accept them (a malformed item, a reappearing id).
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from bookings.graph.auth import StaticTokenProvider
from bookings.graph.client import GraphClient
from bookings.graph.paths import business_path
from bookings.models import SyncRun
from bookings.sync import pull_all, pull_business

CONTOSO = "Contosolunchdelivery@contoso.onmicrosoft.com"
FABRIKAM = "Fabrikam@contoso.onmicrosoft.com"
DANA = "8ee1c803-a1fa-406d-8259-7ab53233f148"
BENTO = "57da6774-a087-4d69-b0e6-6fb82c339976"
AGE_QUESTION = "3bc6fde0-4ad3-445d-ab17-0fc15dba0774"
SEGMENTS = ("services", "staffMembers", "customQuestions")


def emulator_client(emulator, **options: Any) -> GraphClient:
    """A client as production builds it, with short waits so retries do not slow the suite."""
    options = {"timeout": 2, "backoff_base": 0.01, "backoff_cap": 0.05, **options}
    return GraphClient(emulator.base_url, StaticTokenProvider(emulator.delegated_token), **options)


@pytest.fixture
def graph(demo_emulator) -> Iterator[GraphClient]:
    with emulator_client(demo_emulator) as client:
        yield client


@pytest.fixture
def graph_settings(settings, demo_emulator, monkeypatch):
    """The portal configured (app-only unless a test says otherwise) for the emulated tenant, as in production
    (msal takes its token from the emulator over TLS; its test CA is trusted through SSL_CERT_FILE)."""
    monkeypatch.setenv("SSL_CERT_FILE", demo_emulator.ca_file)
    settings.GRAPH_BASE_URL = demo_emulator.base_url
    settings.GRAPH_AUTHORITY_HOST = demo_emulator.https_root_url
    settings.GRAPH_TENANT_ID = demo_emulator.tenant
    settings.GRAPH_CLIENT_ID = demo_emulator.client_id
    settings.GRAPH_CLIENT_SECRET = demo_emulator.client_secret
    settings.GRAPH_AUTH_MODE = "app"
    settings.BOOKINGS_BUSINESS_IDS = [CONTOSO, FABRIKAM]
    return settings


def sync(client: GraphClient, *business_ids: str) -> list[SyncRun]:
    return pull_all(client, business_ids=list(business_ids) or None, trigger="manual")


def sync_one(client: GraphClient, business_id: str = CONTOSO) -> SyncRun:
    return pull_business(client, business_id, trigger="manual")


def plant(emulator, business_id: str, segment: str, item: dict[str, Any]) -> str:
    """Put an item into the emulated tenant as is, bypassing the validation a POST would get."""
    item = {"id": str(uuid.uuid4()), **copy.deepcopy(item)}
    with emulator.state.lock:
        emulator.state.business(business_id).items[segment][item["id"]] = item
    return item["id"]


def delete_upstream(client: GraphClient, business_id: str, segment: str, item_id: str) -> None:
    client.delete(business_path(business_id, segment, item_id))


def all_counts(run: SyncRun, name: str) -> int:
    return run.totals()[name]
