"""Microsoft Graph client: msal token providers, an httpx client with retries, paging and ``$batch``.

``client_from_settings()`` is the one place that turns the ``GRAPH_*`` settings into a client.
"""

from __future__ import annotations

from cryptography.fernet import MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .auth import (
    AppOnlyTokenProvider,
    CacheStore,
    DelegatedTokenProvider,
    StaticTokenProvider,
    TokenProvider,
    cache_cipher,
    derive_cache_key,
)
from .batch import BatchRequest, BatchResponse
from .client import GraphClient
from .errors import (
    GraphAuthError,
    GraphError,
    GraphNotFound,
    GraphServerError,
    GraphThrottled,
    GraphTimeout,
    GraphValidationError,
)
from .limits import LocalMailboxSlots, MailboxBusy, MailboxSlots, RedisMailboxSlots
from .paths import business_path

__all__ = [
    "AppOnlyTokenProvider",
    "BatchRequest",
    "BatchResponse",
    "CacheStore",
    "DelegatedTokenProvider",
    "GraphAuthError",
    "GraphClient",
    "GraphError",
    "GraphNotFound",
    "GraphServerError",
    "GraphThrottled",
    "GraphTimeout",
    "GraphValidationError",
    "LocalMailboxSlots",
    "MailboxBusy",
    "RedisMailboxSlots",
    "StaticTokenProvider",
    "TokenProvider",
    "business_path",
    "client_from_settings",
    "mailbox_slots_from_settings",
    "token_cache_cipher",
    "token_provider_from_settings",
]


def token_cache_cipher() -> MultiFernet:
    """The cipher for the delegated token cache: ``GRAPH_TOKEN_CACHE_KEY``, else derived from SECRET_KEY."""
    return cache_cipher(settings.GRAPH_TOKEN_CACHE_KEY or derive_cache_key(settings.SECRET_KEY))


def token_provider_from_settings(*, cache_store: CacheStore | None = None) -> TokenProvider:
    """The token provider ``GRAPH_AUTH_MODE`` asks for ("app" or "delegated").

    Delegated mode needs ``cache_store``: where the signed-in owner's encrypted token cache lives
    (the GraphConnection row); without a sign-in there is nothing to refresh.
    """
    mode = settings.GRAPH_AUTH_MODE
    common = {
        "client_id": settings.GRAPH_CLIENT_ID,
        "client_secret": settings.GRAPH_CLIENT_SECRET,
        "tenant_id": settings.GRAPH_TENANT_ID,
        "authority_host": settings.GRAPH_AUTHORITY_HOST,
        "timeout": settings.GRAPH_TIMEOUT_SECONDS,
    }
    if not (settings.GRAPH_CLIENT_ID and settings.GRAPH_TENANT_ID):
        raise ImproperlyConfigured("GRAPH_CLIENT_ID and GRAPH_TENANT_ID must be set to reach Graph")
    if mode == "app":
        return AppOnlyTokenProvider(**common)
    if mode == "delegated":
        if cache_store is None:
            raise ImproperlyConfigured("GRAPH_AUTH_MODE=delegated needs the connection's token cache store")
        return DelegatedTokenProvider(store=cache_store, cipher=token_cache_cipher(), **common)
    raise ImproperlyConfigured(f"GRAPH_AUTH_MODE must be 'app' or 'delegated', not {mode!r}")


def client_from_settings(
    *, cache_store: CacheStore | None = None, token_provider: TokenProvider | None = None
) -> GraphClient:
    """A GraphClient for ``GRAPH_BASE_URL`` with the token provider ``GRAPH_AUTH_MODE`` asks for.

    With ``GRAPH_CONCURRENCY_REDIS_URL`` set, the per-mailbox limit is shared by every worker.
    """
    return GraphClient(
        settings.GRAPH_BASE_URL,
        token_provider or token_provider_from_settings(cache_store=cache_store),
        timeout=settings.GRAPH_TIMEOUT_SECONDS,
        max_retries=settings.GRAPH_MAX_RETRIES,
        max_inline_wait=settings.GRAPH_MAX_INLINE_WAIT_SECONDS,
        slots=mailbox_slots_from_settings(),
    )


def mailbox_slots_from_settings() -> MailboxSlots | None:
    """The shared Redis limiter ``GRAPH_CONCURRENCY_*`` describe; None for the client's in-process one."""
    url = settings.GRAPH_CONCURRENCY_REDIS_URL
    if not url or settings.CELERY_TASK_ALWAYS_EAGER:  # no worker processes: this one is all there is
        return None
    return RedisMailboxSlots(
        url,
        lease_seconds=settings.GRAPH_CONCURRENCY_LEASE_SECONDS,
        max_wait=settings.GRAPH_CONCURRENCY_MAX_WAIT_SECONDS or None,
        # httpx's timeout bounds each phase of a request (connect, send, receive): three of them,
        # and a second to spare, is the longest a request whose lease Redis forgot can still run.
        restart_fence_seconds=3 * settings.GRAPH_TIMEOUT_SECONDS + 1,
    )
