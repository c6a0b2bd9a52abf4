"""What the owner's-admin specs share: the portal configured for the emulated tenant, and signing in
to Microsoft 365 through the admin as an owner's browser would (the emulator's /authorize consents at
once and redirects back to the portal's callback)."""

from __future__ import annotations

import ssl
from urllib.parse import urlsplit

import httpx
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.sync.conftest import CONTOSO, FABRIKAM, graph_settings  # noqa: F401 (a fixture)

__all__ = ["CONTOSO", "FABRIKAM", "authorize", "messages_of"]


def messages_of(response) -> list[str]:
    return [f"{message.level_tag}: {message.message}" for message in get_messages(response.wsgi_request)]


def authorize(emulator, auth_uri: str) -> str:
    """Visit the authority's authorize URL; the callback path and query it redirects the browser to."""
    with httpx.Client(verify=ssl.create_default_context(cafile=emulator.ca_file)) as browser:
        answer = browser.get(auth_uri)
    assert answer.status_code == 302, answer.text
    location = urlsplit(answer.headers["Location"])
    return f"{location.path}?{location.query}"


@pytest.fixture
def delegated(graph_settings):  # noqa: F811
    graph_settings.GRAPH_AUTH_MODE = "delegated"
    graph_settings.BOOKINGS_BUSINESS_IDS = []
    return graph_settings


def connect(client, emulator):
    """Press "Connect Microsoft 365" and come back from the authority: the callback's response."""
    started = client.post(reverse("admin:graph_connect"))
    assert started.status_code == 302, messages_of(started)
    return client.get(authorize(emulator, started["Location"]), follow=True)
