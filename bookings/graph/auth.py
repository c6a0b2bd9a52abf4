"""Access tokens for Graph, from msal.

Two ways in (DESIGN §7): *app-only* (client credentials) for background work where the tenant granted
application permissions, and *delegated* (an owner signs in once through the auth-code flow) for what
only delegated tokens may do. The delegated token cache holds a refresh token, i.e. standing access
to the tenant, so it is stored encrypted (Fernet) and only ever decrypted in memory.

msal talks to the authority through :class:`MsalHttpClient`, an httpx adapter, so token requests get
the same timeouts as Graph calls. msal accepts only ``https`` authorities; ``verify`` (a CA bundle
path) lets it trust a private CA such as the emulator's test CA instead of weakening that rule.
"""

from __future__ import annotations

import base64
import logging
import re
import ssl
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx
import msal
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .errors import GraphAuthError, GraphError, GraphServerError, GraphTimeout

logger = logging.getLogger(__name__)

GRAPH_SCOPES = ("https://graph.microsoft.com/.default",)
REAUTHENTICATION_REQUIRED = "reauthentication required"


class TokenProvider(Protocol):
    """Anything that hands out a bearer token for Graph."""

    def token(self, *, force_refresh: bool = False) -> str:
        """A valid access token; ``force_refresh`` skips any cache (Graph said the token is bad)."""
        ...


class StaticTokenProvider:
    """A fixed token, e.g. one printed by the emulator; refreshing cannot help it."""

    def __init__(self, token: str) -> None:
        self._token = token

    def token(self, *, force_refresh: bool = False) -> str:
        return self._token


# --- msal's HTTP ----------------------------------------------------------------------------------


@dataclass
class _MsalResponse:
    """The response shape msal expects (``msal.oauth2cli.http.Response``)."""

    status_code: int
    text: str
    headers: dict[str, str]
    raw: httpx.Response = field(repr=False)

    def raise_for_status(self) -> None:
        self.raw.raise_for_status()


def _ssl_verify(verify: bool | str) -> bool | ssl.SSLContext:
    """``True``, ``False`` or a CA bundle path (httpx wants the latter as an SSLContext)."""
    return ssl.create_default_context(cafile=verify) if isinstance(verify, str) else verify


class MsalHttpClient:
    """msal's ``http_client`` (``msal.oauth2cli.http.HttpClient``) over httpx.

    Tokens then travel through the same HTTP stack as Graph calls, with our timeout, and the
    server certificate can be checked against a private CA (``verify``: the emulator's test CA).
    """

    def __init__(self, *, timeout: float = 30, verify: bool | str = True) -> None:
        self._client = httpx.Client(timeout=timeout, verify=_ssl_verify(verify))

    def _send(self, method: str, url: str, **kwargs: Any) -> _MsalResponse:
        try:
            response = self._client.request(method, url, **kwargs)
        except httpx.TransportError as exc:
            raise GraphTimeout(f"authority unreachable ({exc.__class__.__name__}: {exc})") from exc
        return _MsalResponse(response.status_code, response.text, dict(response.headers), response)

    def get(self, url: str, params: Any = None, headers: Any = None, **kwargs: Any) -> _MsalResponse:
        return self._send("GET", url, params=params, headers=headers)

    def post(
        self, url: str, params: Any = None, data: Any = None, headers: Any = None, **kwargs: Any
    ) -> _MsalResponse:
        body = {"data": data} if isinstance(data, Mapping) else {"content": data}
        return self._send("POST", url, params=params, headers=headers, **body)

    def close(self) -> None:
        self._client.close()


def _authority_url(authority: str | None, tenant_id: str | None, authority_host: str) -> str:
    """``authority`` or ``<host>/<tenant>``; refused at once unless https (msal would refuse it later)."""
    if not authority and not tenant_id:
        raise ValueError("a Graph token provider needs a tenant id or an authority URL")
    url = (authority or f"{authority_host.rstrip('/')}/{tenant_id}").rstrip("/")
    if urlsplit(url).scheme != "https":
        raise ValueError(
            f"msal accepts only https authorities, not {url!r} "
            "(the emulator serves TLS on the same port: use its https_authority and verify=ca_file)"
        )
    return url


def _application(
    *,
    client_id: str,
    client_secret: str,
    authority: str,
    timeout: float,
    verify: bool | str,
    token_cache: msal.TokenCache,
) -> msal.ConfidentialClientApplication:
    """A confidential client; instance discovery is off because our authority is configured, not typed."""
    return msal.ConfidentialClientApplication(
        client_id,
        client_credential=client_secret,
        authority=authority,
        instance_discovery=False,
        http_client=MsalHttpClient(timeout=timeout, verify=verify),
        token_cache=token_cache,
    )


# OAuth errors that mean "this grant or app is no good": only a person can fix them. Anything else
# (temporarily_unavailable, server_error, …) is the authority having a bad moment: retry later.
_GRANT_ERRORS = frozenset(
    {"invalid_grant", "interaction_required", "login_required", "consent_required", "invalid_client"}
    | {"unauthorized_client", "invalid_scope", "invalid_request", "invalid_tenant"}
)


def _token_failure(result: Mapping[str, Any] | None, message: str | None = None) -> GraphError:
    """The exception for a failed msal call; ``message`` replaces the authority's description."""
    result = result or {}
    error = str(result.get("error") or "")
    cls = GraphAuthError if not error or error in _GRANT_ERRORS else GraphServerError
    return cls(
        message or str(result.get("error_description") or error or "token request failed"),
        status=401 if cls is GraphAuthError else 0,
        code=error,
        request_id=result.get("correlation_id"),
    )


@contextmanager
def _authority_errors() -> Iterator[None]:
    """msal raises (rather than returns) when the authority answers 5xx: that is a server error."""
    try:
        yield
    except msal.exceptions.MsalServiceError as exc:
        status = re.search(r"HTTP Error: (\d{3})", str(exc))
        raise GraphServerError(
            f"authority error ({exc})", status=int(status.group(1)) if status else 0, code="authorityError"
        ) from exc


class _MsalProvider:
    """What both providers share: the app registration, msal's cache, and the application built
    lazily from them (msal fetches the authority's discovery document on construction)."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        cache: msal.TokenCache,
        tenant_id: str | None = None,
        authority: str | None = None,
        authority_host: str = "https://login.microsoftonline.com",
        scopes: Sequence[str] = GRAPH_SCOPES,
        timeout: float = 30,
        verify: bool | str = True,
    ) -> None:
        self._authority = _authority_url(authority, tenant_id, authority_host)
        self._client_id = client_id
        self._client_secret = client_secret
        self._scopes = list(scopes)
        self._timeout = timeout
        self._verify = verify
        self._cache = cache
        self._app: msal.ConfidentialClientApplication | None = None
        self._lock = threading.Lock()

    def _application(self) -> msal.ConfidentialClientApplication:
        if self._app is None:
            self._app = _application(
                client_id=self._client_id,
                client_secret=self._client_secret,
                authority=self._authority,
                timeout=self._timeout,
                verify=self._verify,
                token_cache=self._cache,
            )
        return self._app


# --- app-only ---------------------------------------------------------------------------------------


class AppOnlyTokenProvider(_MsalProvider):
    """Client-credentials tokens; msal's in-memory cache serves them until shortly before expiry."""

    def __init__(self, *, client_id: str, client_secret: str, **registration: Any) -> None:
        super().__init__(
            client_id=client_id, client_secret=client_secret, cache=msal.TokenCache(), **registration
        )

    def token(self, *, force_refresh: bool = False) -> str:
        with self._lock:
            app = self._application()
            if force_refresh:
                # msal refuses force_refresh for client credentials; forgetting the cached access
                # tokens has the same effect and keeps the silent-cache path for every other call.
                for entry in list(self._cache.search(msal.TokenCache.CredentialType.ACCESS_TOKEN)):
                    self._cache.remove_at(entry)
            with _authority_errors():
                result = app.acquire_token_for_client(self._scopes)
        if not result or "access_token" not in result:
            raise _token_failure(result)
        return result["access_token"]


# --- delegated --------------------------------------------------------------------------------------


class CacheStore(Protocol):
    """Where the encrypted token cache lives (e.g. the GraphConnection row)."""

    def load(self) -> bytes | None: ...

    def save(self, blob: bytes) -> None: ...


class MemoryCacheStore:
    """A cache store in process memory (tests, one-off scripts)."""

    def __init__(self, blob: bytes | None = None) -> None:
        self.blob = blob

    def load(self) -> bytes | None:
        return self.blob

    def save(self, blob: bytes) -> None:
        self.blob = blob


def derive_cache_key(secret: str) -> bytes:
    """A Fernet key derived from a secret (``SECRET_KEY``), bound to this one purpose by HKDF."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"bookings.graph.token-cache").derive(
        secret.encode()
    )
    return base64.urlsafe_b64encode(key)


def cache_cipher(keys: str | bytes | Sequence[str | bytes]) -> MultiFernet:
    """A cipher for the token cache; with several keys the first encrypts and all decrypt (rotation)."""
    if isinstance(keys, str | bytes):
        keys = [k for k in (keys.split(",") if isinstance(keys, str) else [keys]) if k]
    return MultiFernet([Fernet(k.strip() if isinstance(k, str) else k) for k in keys])


class DelegatedTokenProvider(_MsalProvider):
    """Delegated tokens from a signed-in owner's cache, refreshed silently with its refresh token.

    The cache is read from ``store`` on first use, again before a forced refresh (another worker may
    have rotated the refresh token meanwhile), and written back whenever msal changed it. When no
    account is cached or the refresh token is refused, :class:`GraphAuthError` ("reauthentication
    required") tells the caller to mark the connection unhealthy and hold outgoing work.
    """

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        store: CacheStore,
        cipher: MultiFernet | Fernet,
        **registration: Any,
    ) -> None:
        super().__init__(
            client_id=client_id,
            client_secret=client_secret,
            cache=msal.SerializableTokenCache(),
            **registration,
        )
        self._store = store
        self._cipher = cipher
        self._loaded = False

    def _load(self) -> None:
        blob = self._store.load()
        state = None
        if blob:
            try:
                state = self._cipher.decrypt(blob).decode()
            except InvalidToken:
                logger.warning("Graph token cache cannot be decrypted (key changed?); sign-in required")
        self._cache.deserialize(state)
        self._loaded = True

    def _save(self) -> None:
        if self._cache.has_state_changed:
            self._store.save(self._cipher.encrypt(self._cache.serialize().encode()))

    def _silent(self, force_refresh: bool) -> dict[str, Any] | None:
        if next(iter(self._cache.search(msal.TokenCache.CredentialType.ACCOUNT)), None) is None:
            return None  # nobody signed in: no need to contact the authority to know that
        app = self._application()
        accounts = app.get_accounts()
        if not accounts:
            return None
        return app.acquire_token_silent_with_error(
            self._scopes, account=accounts[0], force_refresh=force_refresh
        )

    def token(self, *, force_refresh: bool = False) -> str:
        with self._lock:
            fresh = force_refresh or not self._loaded
            if fresh:
                self._load()
            with _authority_errors():
                result = self._silent(force_refresh)
                if (not result or "access_token" not in result) and not fresh:
                    self._load()  # another process may hold a newer refresh token
                    result = self._silent(force_refresh)
            self._save()
        if not result or "access_token" not in result:
            error = (result or {}).get("error")
            if error:
                logger.warning("Graph silent refresh failed: %s", error)
            if error and error not in _GRANT_ERRORS:
                raise _token_failure(result)  # the authority's bad moment, not a revoked grant
            raise _token_failure(result, REAUTHENTICATION_REQUIRED)
        return result["access_token"]

    def start_sign_in(
        self, redirect_uri: str, *, login_hint: str | None = None, response_mode: str | None = None
    ) -> dict[str, Any]:
        """Begin the owner's sign-in: keep the flow (in the session), redirect to ``flow["auth_uri"]``.

        msal recommends ``response_mode="form_post"``; the callback view must then accept a
        cross-site POST, whose session cookie a ``SameSite=Lax`` policy withholds, hence the choice.
        """
        with self._lock:
            return self._application().initiate_auth_code_flow(
                self._scopes, redirect_uri=redirect_uri, login_hint=login_hint, response_mode=response_mode
            )

    def finish_sign_in(self, flow: dict[str, Any], auth_response: Mapping[str, str]) -> dict[str, Any]:
        """Redeem the code the authority redirected back with; store the cache; return the id claims."""
        with self._lock:
            # One connection, one account: the new sign-in replaces whatever was cached.
            self._cache.deserialize(None)
            self._loaded = False  # until the new tokens are stored, the store stays the truth
            try:
                with _authority_errors():
                    result = self._application().acquire_token_by_auth_code_flow(flow, dict(auth_response))
            except (ValueError, RuntimeError) as exc:  # msal: state or nonce mismatch, a replayed flow
                raise GraphAuthError(f"sign-in refused: {exc}", status=401, code="invalid_sign_in") from exc
            if "access_token" not in result:
                raise _token_failure(result)
            self._save()
            self._loaded = True
        return dict(result.get("id_token_claims") or {})

    def sign_out(self) -> None:
        """Forget every cached account (the stored cache becomes empty)."""
        with self._lock:
            self._load()
            app = self._application()
            for account in app.get_accounts():
                app.remove_account(account)
            self._save()
