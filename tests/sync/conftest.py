"""What the pull-sync specs share: a Graph client on the emulator and ways to change the tenant.

The emulator is the real collaborator (a loopback HTTP server keeping Graph JSON itself); tests change
its state over HTTP where Graph allows it (PATCH, DELETE) and plant items directly only where Graph
itself would never accept them (a malformed item, a reappearing id).
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from bookings import booking
from bookings.booking import CustomerDetails
from bookings.graph.auth import StaticTokenProvider
from bookings.graph.client import GraphClient
from bookings.graph.paths import business_path
from bookings.models import Appointment, Business, OutboxItem, OutboxState, Service, StaffMember, SyncRun
from bookings.sync import pull_all, pull_business
from bookings.sync.push import PushSummary, push_due

CONTOSO = "Contosolunchdelivery@contoso.onmicrosoft.com"
FABRIKAM = "Fabrikam@contoso.onmicrosoft.com"
DANA = "8ee1c803-a1fa-406d-8259-7ab53233f148"
BENTO = "57da6774-a087-4d69-b0e6-6fb82c339976"
AGE_QUESTION = "3bc6fde0-4ad3-445d-ab17-0fc15dba0774"
SEGMENTS = ("services", "staffMembers", "customQuestions")


def emulator_client(emulator, *, token: str | None = None, **options: Any) -> GraphClient:
    """A client as production builds it (the owner's delegated token unless ``token`` says
    otherwise), with short waits so retries do not slow the suite."""
    options = {"timeout": 2, "backoff_base": 0.01, "backoff_cap": 0.05, **options}
    return GraphClient(emulator.base_url, StaticTokenProvider(token or emulator.delegated_token), **options)


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


# --- Pushing: what the outbox delivery specs share ---------------------------------------------------


@pytest.fixture
def worker_graph(demo_emulator) -> Iterator[GraphClient]:
    """A client as the worker's: long Retry-After waits go back to the outbox, not into a sleep."""
    with emulator_client(demo_emulator, max_inline_wait=5) as client:
        yield client


@pytest.fixture
def contoso(graph) -> Business:
    """Contoso as sync mirrors it from the emulated tenant."""
    sync_one(graph)
    return Business.objects.get(graph_id__iexact=CONTOSO)


def later(minutes: int = 60) -> Callable[[], datetime]:
    """A clock far enough ahead that every retry is due."""
    return lambda: timezone.now() + timedelta(minutes=minutes)


def new_booking(
    contoso: Business, *, hours_ahead: int = 30, email: str = "jordan@example.com"
) -> Appointment:
    """A booking of Bento with Dana, made as the owner would (it records its outbox items)."""
    start = (timezone.now() + timedelta(hours=hours_ahead)).replace(minute=0, second=0, microsecond=0)
    return booking.create_appointment(
        business=contoso,
        service=Service.objects.get(graph_id=BENTO),
        start=start,
        staff_members=[StaffMember.objects.get(graph_id=DANA)],
        customers=[CustomerDetails(name="Jordan Miller", email_address=email)],
    )


def push_until_quiet(graph: GraphClient, rounds: int = 10) -> PushSummary:
    """Push again and again with a clock past every backoff, as the sweeper would, until all is done."""
    total = PushSummary()
    for minutes in range(rounds):
        total.add(push_due(graph, clock=later(60 * (minutes + 1))))
        if not OutboxItem.objects.exclude(state=OutboxState.DONE).exists():
            break
    return total


def upstream_appointments(graph: GraphClient) -> list[dict]:
    return graph.list_all(business_path(CONTOSO, "appointments"))


def upstream_customers(graph: GraphClient, email: str) -> list[dict]:
    return [c for c in graph.list_all(business_path(CONTOSO, "customers")) if c.get("emailAddress") == email]
