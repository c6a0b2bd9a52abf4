"""Bearer tokens and a small Microsoft identity platform (v2.0) look-alike, so msal can obtain
tokens from the emulator: OIDC discovery, instance discovery, ``/oauth2/v2.0/token`` (client
credentials, refresh token, authorization code) and an auto-consenting ``/authorize``.

Access tokens are opaque random strings the emulator remembers with their kind (app or delegated)
and expiry: Graph's clients must not read tokens, and opaque strings keep them from trying.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from .odata import GraphError
from .routes import Reply

APP, DELEGATED = "app", "delegated"
RESERVED_SCOPES = {"openid", "profile", "offline_access"}


@dataclass
class AccessToken:
    kind: str
    expires_at: float | None  # None: valid until expire_tokens() (the printed start-up tokens)
    revoked: bool = False


class Tokens:
    """Every token the emulator issued; thread-safe."""

    def __init__(
        self, lifetime: int, delegated_token: str | None = None, app_token: str | None = None
    ) -> None:
        self.lifetime = lifetime
        self._lock = threading.Lock()
        self._access: dict[str, AccessToken] = {}
        self._refresh: set[str] = set()
        self._codes: dict[str, dict[str, str]] = {}
        self.delegated_token = delegated_token or self._new(DELEGATED)
        self.app_token = app_token or self._new(APP)
        self.restore_static()

    @staticmethod
    def _new(kind: str) -> str:
        return f"emu-{kind}-{secrets.token_urlsafe(24)}"

    def restore_static(self) -> None:
        """Make the start-up tokens valid again (``reset()``), without a time limit."""
        with self._lock:
            self._access[self.delegated_token] = AccessToken(DELEGATED, None)
            self._access[self.app_token] = AccessToken(APP, None)

    def issue(self, kind: str) -> str:
        token = self._new(kind)
        with self._lock:
            self._access[token] = AccessToken(kind, time.time() + self.lifetime)
        return token

    def issue_refresh(self) -> str:
        token = f"emu-refresh-{secrets.token_urlsafe(32)}"
        with self._lock:
            self._refresh.add(token)
        return token

    def knows_refresh(self, token: str) -> bool:
        with self._lock:
            return token in self._refresh

    def issue_code(self, **request: str) -> str:
        """A code remembering what the authorize request asked for (``nonce``, PKCE challenge)."""
        code = f"emu-code-{secrets.token_urlsafe(24)}"
        with self._lock:
            self._codes[code] = request
        return code

    def redeem_code(self, code: str) -> dict[str, str] | None:
        """Authorization codes are single-use, as in Entra ID."""
        with self._lock:
            return self._codes.pop(code, None)

    def expire_all(self) -> None:
        """Every access token issued so far stops working; refresh tokens keep working."""
        with self._lock:
            for token in self._access.values():
                token.revoked = True

    def check(self, authorization: str | None) -> str:
        """The kind of the bearer token in an ``Authorization`` header, or Graph's 401."""
        scheme, _, token = (authorization or "").strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise unauthorized("Access token is empty.")
        with self._lock:
            found = self._access.get(token.strip())
        if found is None:
            raise unauthorized("IDX14100: JWT is not well formed, there are no dots (.).")
        if found.revoked or (found.expires_at is not None and found.expires_at <= time.time()):
            raise unauthorized("Lifetime validation failed, the token is expired.")
        return found.kind


def unauthorized(message: str) -> GraphError:
    header = 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"'
    return GraphError(401, "InvalidAuthenticationToken", message, {"WWW-Authenticate": header})


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


class Identity:
    """The token endpoints of the emulated tenant; ``root`` is the scheme+host the caller used
    (http, or https through the TLS listener), echoed in discovery documents."""

    USER_OID = "4fd9e1a1-7b36-4bd6-9a3e-2d0a6d1f6c11"
    USER_NAME = "Megan Bowen"

    def __init__(self, tokens: Tokens, *, tenant: str, client_id: str, client_secret: str) -> None:
        self.tokens = tokens
        self.tenant = tenant
        self.tenant_id = str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{tenant}.onmicrosoft.com"))
        self.client_id = client_id
        self.client_secret = client_secret

    def is_identity_path(self, segments: list[str]) -> bool:
        low = [s.lower() for s in segments]
        return len(low) >= 2 and (
            low[1:3] == ["oauth2", "v2.0"] or ".well-known" in low[1:3] or low[1] == "discovery"
        )

    def handle(
        self, method: str, segments: list[str], query: str, headers: dict[str, str], body: bytes, root: str
    ) -> Reply:
        tenant, low = segments[0], [s.lower() for s in segments[1:]]
        if low == ["discovery", "instance"]:
            return Reply(200, self._instance_discovery(query, root))
        if not self._known_tenant(tenant):
            return _oauth_error(400, "invalid_tenant", f"AADSTS90002: Tenant '{tenant}' not found.", 90002)
        if low in (["v2.0", ".well-known", "openid-configuration"], [".well-known", "openid-configuration"]):
            return Reply(200, self.openid_configuration(root, tenant))
        if low == ["discovery", "v2.0", "keys"]:
            return Reply(200, {"keys": []})
        if low == ["oauth2", "v2.0", "authorize"] and method == "GET":
            return self._authorize(query)
        if low == ["oauth2", "v2.0", "token"] and method == "POST":
            form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
            return self._token(form, headers.get("authorization"), root)
        return _oauth_error(
            404, "invalid_request", "AADSTS900561: The endpoint only accepts POST requests.", 900561
        )

    def _known_tenant(self, tenant: str) -> bool:
        known = {self.tenant, f"{self.tenant}.onmicrosoft.com", self.tenant_id, "common", "organizations"}
        return tenant.lower() in {k.lower() for k in known}

    def openid_configuration(self, root: str, tenant: str) -> dict[str, Any]:
        base = f"{root}/{tenant}"
        return {
            "issuer": f"{root}/{self.tenant_id}/v2.0",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
            "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
            "jwks_uri": f"{base}/discovery/v2.0/keys",
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "response_modes_supported": ["query", "fragment", "form_post"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "tenant_region_scope": "NA",
            "cloud_instance_name": "microsoftonline.com",
            "msgraph_host": "graph.microsoft.com",
        }

    def _instance_discovery(self, query: str, root: str) -> dict[str, Any]:
        params = dict(parse_qsl(query))
        endpoint = params.get("authorization_endpoint", f"{root}/{self.tenant}/oauth2/v2.0/authorize")
        tenant = (
            endpoint.split("://", 1)[-1].split("/")[1] if "/" in endpoint.split("://", 1)[-1] else self.tenant
        )
        host = root.split("://", 1)[-1]
        return {
            "tenant_discovery_endpoint": f"{root}/{tenant}/v2.0/.well-known/openid-configuration",
            "api-version": "1.1",
            "metadata": [{"preferred_network": host, "preferred_cache": host, "aliases": [host]}],
        }

    def _authorize(self, query: str) -> Reply:
        """Auto-consent: redirect straight back with a code, as if the user had signed in."""
        params = dict(parse_qsl(query))
        if params.get("client_id") != self.client_id or not params.get("redirect_uri"):
            return _oauth_error(400, "unauthorized_client", "AADSTS700016: Application not found.", 700016)
        remembered = {
            k: params[k] for k in ("nonce", "code_challenge", "code_challenge_method") if k in params
        }
        answer = {"code": self.tokens.issue_code(**remembered)}
        if "state" in params:
            answer["state"] = params["state"]
        separator = "&" if "?" in params["redirect_uri"] else "?"
        return Reply(302, None, {"Location": f"{params['redirect_uri']}{separator}{urlencode(answer)}"})

    def _token(self, form: dict[str, str], authorization: str | None, root: str) -> Reply:
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if authorization and authorization.lower().startswith("basic "):
            try:
                client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
            except (ValueError, binascii.Error):
                return _oauth_error(
                    401, "invalid_client", "AADSTS7000215: Invalid client secret provided.", 7000215
                )
        if client_id != self.client_id:
            return _oauth_error(
                400, "unauthorized_client", f"AADSTS700016: Application '{client_id}' not found.", 700016
            )
        if secret is not None and secret != self.client_secret:
            return _oauth_error(
                401, "invalid_client", "AADSTS7000215: Invalid client secret provided.", 7000215
            )
        grant = form.get("grant_type")
        scope = form.get("scope", "")
        if grant == "client_credentials":
            if secret is None:
                return _oauth_error(
                    401, "invalid_client", "AADSTS7000218: client_secret is required.", 7000218
                )
            if not scope.endswith("/.default"):
                message = (
                    "AADSTS1002012: The provided value for scope is not valid. "
                    "Client credential flows must have a scope value with /.default suffixed."
                )
                return _oauth_error(400, "invalid_scope", message, 1002012)
            return self._answer(self.tokens.issue(APP), scope, None, root)
        if grant == "refresh_token":
            if not self.tokens.knows_refresh(form.get("refresh_token", "")):
                return _oauth_error(
                    400, "invalid_grant", "AADSTS70008: The refresh token has expired or is invalid.", 70008
                )
            return self._answer(self.tokens.issue(DELEGATED), scope, self.tokens.issue_refresh(), root)
        if grant == "authorization_code":
            request = self.tokens.redeem_code(form.get("code", ""))
            if request is None:
                return _oauth_error(
                    400,
                    "invalid_grant",
                    "AADSTS54005: The authorization code was already redeemed or is invalid.",
                    54005,
                )
            if not _pkce_ok(request, form.get("code_verifier")):
                message = (
                    "AADSTS501481: The Code_Verifier does not match the code_challenge "
                    "supplied in the authorization request."
                )
                return _oauth_error(400, "invalid_grant", message, 501481)
            refresh = self.tokens.issue_refresh()
            return self._answer(self.tokens.issue(DELEGATED), scope, refresh, root, request.get("nonce"))
        return _oauth_error(
            400, "unsupported_grant_type", f"AADSTS70003: The grant type {grant!r} is not supported.", 70003
        )

    def _answer(
        self, access: str, scope: str, refresh: str | None, root: str, nonce: str | None = None
    ) -> Reply:
        lifetime = self.tokens.lifetime
        body: dict[str, Any] = {
            "token_type": "Bearer",
            "scope": scope,
            "expires_in": lifetime,
            "ext_expires_in": lifetime,
            "access_token": access,
        }
        if refresh:
            body["refresh_token"] = refresh
            body["id_token"] = self._id_token(root, nonce)
            body["client_info"] = _b64url(json.dumps({"uid": self.USER_OID, "utid": self.tenant_id}).encode())
        return Reply(200, body, {"Cache-Control": "no-store", "Pragma": "no-cache"})

    def _id_token(self, root: str, nonce: str | None) -> str:
        """An unsigned JWT: msal reads its claims (to name the account) but does not verify it."""
        now = int(time.time())
        claims = {
            "aud": self.client_id,
            "iss": f"{root}/{self.tenant_id}/v2.0",
            "iat": now,
            "nbf": now,
            "exp": now + self.tokens.lifetime,
            "name": self.USER_NAME,
            "oid": self.USER_OID,
            "preferred_username": f"meganb@{self.tenant}.onmicrosoft.com",
            "sub": self.USER_OID,
            "tid": self.tenant_id,
            "ver": "2.0",
        }
        if nonce:
            claims["nonce"] = nonce  # msal's auth code flow checks it against what it sent
        header = _b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
        return f"{header}.{_b64url(json.dumps(claims).encode())}."


def _pkce_ok(request: dict[str, str], verifier: str | None) -> bool:
    """RFC 7636: the verifier must hash to the challenge the authorize request carried."""
    challenge = request.get("code_challenge")
    if not challenge:
        return True
    if not verifier:
        return False
    if request.get("code_challenge_method", "plain").upper() == "S256":
        return _b64url(hashlib.sha256(verifier.encode()).digest()) == challenge
    return verifier == challenge


def _oauth_error(status: int, error: str, description: str, code: int) -> Reply:
    body = {
        "error": error,
        "error_description": description,
        "error_codes": [code],
        "timestamp": time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime()),
        "trace_id": str(uuid.uuid4()),
        "correlation_id": str(uuid.uuid4()),
    }
    return Reply(status, body, {"Cache-Control": "no-store"})
