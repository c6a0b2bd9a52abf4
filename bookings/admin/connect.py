"""Connecting the portal to Microsoft 365, from the admin.

Delegated mode (``GRAPH_AUTH_MODE=delegated``): "Connect Microsoft 365" starts msal's auth-code flow
(kept in the owner's session), the authority sends the browser back to :func:`finish_sign_in`, and
the owner's encrypted token cache lands on the GraphConnection row. App-only mode: the page shows the
settings in use (never the secret) and "Test connection" proves them. Whatever the authority or
Graph answers, the owner gets a message, never a server error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import msal
from cryptography.fernet import InvalidToken
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from ..graph import (
    DelegatedTokenProvider,
    GraphError,
    TokenProvider,
    business_path,
    client_from_settings,
    token_cache_cipher,
    token_provider_from_settings,
)
from ..graph.paths import BUSINESSES
from ..models import GraphConnection
from ..models.sync import ConnectionTokenCacheStore, GraphAuthMode

FLOW_KEY = "graph_sign_in_flow"
# What can go wrong reaching the authority or Graph: a message for the owner, not a 500.
GRAPH_PROBLEMS = (ImproperlyConfigured, GraphError, ValueError)


def _require_change(request: HttpRequest) -> None:
    if not request.user.has_perm("bookings.change_graphconnection"):
        raise PermissionDenied


def _back() -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("admin:graph_connection"))


def is_delegated() -> bool:
    return settings.GRAPH_AUTH_MODE == GraphAuthMode.DELEGATED


@dataclass(frozen=True)
class Setting:
    name: str
    value: str


def settings_in_use() -> list[Setting]:
    """The Graph settings the portal runs with, as the owner may see them: the secret only as set or not."""
    ids = settings.BOOKINGS_BUSINESS_IDS
    return [
        Setting(
            "Sign-in mode (GRAPH_AUTH_MODE)", dict(GraphAuthMode.choices).get(settings.GRAPH_AUTH_MODE, "?")
        ),
        Setting("Tenant (GRAPH_TENANT_ID)", settings.GRAPH_TENANT_ID or "not set"),
        Setting("Application (client) id (GRAPH_CLIENT_ID)", settings.GRAPH_CLIENT_ID or "not set"),
        Setting("Client secret (GRAPH_CLIENT_SECRET)", "set" if settings.GRAPH_CLIENT_SECRET else "not set"),
        Setting("Authority (GRAPH_AUTHORITY_HOST)", settings.GRAPH_AUTHORITY_HOST),
        Setting("Graph (GRAPH_BASE_URL)", settings.GRAPH_BASE_URL),
        Setting("Businesses (BOOKINGS_BUSINESS_IDS)", ", ".join(ids) if ids else "not set"),
    ]


def connected_account(token_cache: bytes | memoryview | None) -> str | None:
    """Who signed in, read from the encrypted delegated token cache; None when nobody (or unreadable)."""
    if not token_cache:
        return None
    try:
        state = token_cache_cipher().decrypt(bytes(token_cache)).decode()
    except (InvalidToken, ValueError):
        return None
    cache = msal.SerializableTokenCache()
    cache.deserialize(state)
    for account in cache.search(msal.TokenCache.CredentialType.ACCOUNT):
        return str(account.get("username") or account.get("name") or account.get("home_account_id"))
    return None


@require_GET
def connection_page(request: HttpRequest) -> TemplateResponse:
    connection = GraphConnection.current()
    context = {
        **admin.site.each_context(request),
        "title": "Microsoft 365 connection",
        "connection": connection,
        "delegated": is_delegated(),
        "account": connected_account(connection.token_cache),
        "settings_in_use": settings_in_use(),
        "may_change": request.user.has_perm("bookings.change_graphconnection"),
    }
    return TemplateResponse(request, "admin/graph_connection.html", context)


def _delegated_provider() -> DelegatedTokenProvider:
    provider = token_provider_from_settings(cache_store=ConnectionTokenCacheStore())
    if not isinstance(provider, DelegatedTokenProvider):
        raise ImproperlyConfigured("signing in needs GRAPH_AUTH_MODE=delegated")
    return provider


@require_POST
def start_sign_in(request: HttpRequest) -> HttpResponse:
    """Start msal's auth-code flow; the flow (state, nonce, PKCE verifier) waits in the session."""
    _require_change(request)
    try:
        flow = _delegated_provider().start_sign_in(
            request.build_absolute_uri(reverse("admin:graph_callback"))
        )
    except GRAPH_PROBLEMS as error:
        messages.error(request, f"Cannot start signing in to Microsoft 365: {error}")
        return _back()
    request.session[FLOW_KEY] = flow
    return HttpResponseRedirect(flow["auth_uri"])


def sign_in_refusal(flow: Mapping[str, Any] | None, answer: Mapping[str, str]) -> str | None:
    """Why the authority's answer cannot be redeemed, before asking msal; None when it may be.

    An ``error`` (consent denied, say) comes with the authority's description; a missing flow means
    the sign-in was not started in this session (or was already finished).
    """
    if answer.get("error"):
        reason = answer.get("error_description") or answer["error"]
        return f"Microsoft 365 did not connect: {reason}"
    if not flow:
        return "No sign-in was waiting in this session (it was finished or started elsewhere). Start again."
    if not answer.get("code"):
        return "Microsoft 365 sent no authorization code back. Start again."
    return None


@require_GET
def finish_sign_in(request: HttpRequest) -> HttpResponse:
    """The authority's redirect: redeem the code, keep the encrypted cache, mark the connection healthy.

    The flow leaves the session whatever happens: a code or state is good for one attempt only.
    """
    _require_change(request)
    flow = request.session.pop(FLOW_KEY, None)
    answer = request.GET.dict()
    refusal = sign_in_refusal(flow, answer)
    if refusal:
        messages.error(request, refusal)
        return _back()
    try:
        claims = _delegated_provider().finish_sign_in(flow, answer)
    except GRAPH_PROBLEMS as error:
        reason = error.message if isinstance(error, GraphError) else str(error)  # the words, not the codes
        messages.error(request, f"Microsoft 365 did not connect: {reason}. The connection is unchanged.")
        return _back()
    GraphConnection.current()
    GraphConnection.objects.filter(id=GraphConnection.SINGLETON_ID).update(
        healthy=True, last_error="", auth_mode=GraphAuthMode.DELEGATED
    )
    who = claims.get("preferred_username") or claims.get("name") or "the signed-in account"
    messages.success(request, f"Connected to Microsoft 365 as {who}.")
    return _back()


def probe(client: Any, provider: TokenProvider) -> str:
    """One cheap Graph call proving the connection works; what it found, for the owner."""
    if is_delegated():
        count = len(client.list_all(BUSINESSES))
        return f"it lists {count} booking business{'' if count == 1 else 'es'}"
    if settings.BOOKINGS_BUSINESS_IDS:
        business = client.get(business_path(settings.BOOKINGS_BUSINESS_IDS[0]))
        return f"it reads {business.get('displayName') or settings.BOOKINGS_BUSINESS_IDS[0]}"
    provider.token()
    return "it issued an app-only token (set BOOKINGS_BUSINESS_IDS to choose businesses)"


@require_POST
def test_connection(request: HttpRequest) -> HttpResponse:
    """Call Graph now and record the outcome as the connection's health."""
    _require_change(request)
    GraphConnection.current()
    rows = GraphConnection.objects.filter(id=GraphConnection.SINGLETON_ID)
    try:
        provider = token_provider_from_settings(cache_store=ConnectionTokenCacheStore())
        with client_from_settings(token_provider=provider) as client:
            found = probe(client, provider)
    except GRAPH_PROBLEMS as error:
        rows.update(healthy=False, last_error=str(error))
        messages.error(request, f"Microsoft Graph could not be reached: {error}")
    else:
        rows.update(healthy=True, last_error="")
        messages.success(request, f"The connection works: {found}.")
    return _back()
