"""``client_from_settings`` builds the client and token provider that GRAPH_* settings describe."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from bookings.graph import (
    AppOnlyTokenProvider,
    DelegatedTokenProvider,
    business_path,
    client_from_settings,
    token_provider_from_settings,
)
from bookings.graph.auth import MemoryCacheStore
from tests.graph.conftest import CONTOSO


@pytest.fixture
def graph_settings(settings, demo_emulator, monkeypatch):
    """Settings pointing at the emulator; its test CA is trusted the standard way (SSL_CERT_FILE)."""
    monkeypatch.setenv("SSL_CERT_FILE", demo_emulator.ca_file)
    settings.GRAPH_BASE_URL = demo_emulator.base_url
    settings.GRAPH_AUTHORITY_HOST = demo_emulator.https_root_url
    settings.GRAPH_TENANT_ID = demo_emulator.tenant
    settings.GRAPH_CLIENT_ID = demo_emulator.client_id
    settings.GRAPH_CLIENT_SECRET = demo_emulator.client_secret
    settings.GRAPH_AUTH_MODE = "app"
    settings.GRAPH_TIMEOUT_SECONDS = 5
    settings.GRAPH_MAX_RETRIES = 2
    return settings


def test_app_mode_reads_a_configured_business_through_the_emulator(graph_settings):
    with client_from_settings() as graph:
        assert graph.get(business_path(CONTOSO))["id"] == CONTOSO


def test_delegated_mode_needs_the_connection_cache_store(graph_settings):
    graph_settings.GRAPH_AUTH_MODE = "delegated"
    with pytest.raises(ImproperlyConfigured, match="cache store"):
        token_provider_from_settings()
    provider = token_provider_from_settings(cache_store=MemoryCacheStore())
    assert isinstance(provider, DelegatedTokenProvider)


def test_app_mode_builds_an_app_only_provider(graph_settings):
    assert isinstance(token_provider_from_settings(), AppOnlyTokenProvider)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [("GRAPH_AUTH_MODE", "magic", "GRAPH_AUTH_MODE"), ("GRAPH_CLIENT_ID", "", "GRAPH_CLIENT_ID")],
)
def test_misconfiguration_is_reported_by_name(graph_settings, name, value, message):
    setattr(graph_settings, name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        client_from_settings()
