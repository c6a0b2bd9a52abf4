"""Delegated tokens: an encrypted msal cache, refreshed silently with its refresh token (DESIGN §7)."""

import json
import ssl
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from cryptography.fernet import Fernet

from bookings.graph import GraphAuthError, GraphClient, GraphServerError, business_path
from bookings.graph.auth import (
    DelegatedTokenProvider,
    MemoryCacheStore,
    cache_cipher,
)
from tests.graph.conftest import CONTOSO, statuses

REDIRECT_URI = "http://localhost:8000/admin/graph/callback"
# The portal keeps msal's query response mode on purpose (see DelegatedTokenProvider.start_sign_in).
pytestmark = pytest.mark.filterwarnings("ignore:response_mode='form_post' is recommended")


@pytest.fixture
def cipher():
    return cache_cipher(Fernet.generate_key())


def signed_in_store(emulator, cipher) -> MemoryCacheStore:
    """The store after an owner's sign-in: the auth-code flow through the emulator's /authorize
    (which signs in at once and redirects back, like a browser would arrive at our callback)."""
    store = MemoryCacheStore()
    provider = provider_for(emulator, store, cipher)
    flow = provider.start_sign_in(REDIRECT_URI)
    with httpx.Client(verify=ssl.create_default_context(cafile=emulator.ca_file)) as browser:
        redirect = browser.get(flow["auth_uri"])
    assert redirect.status_code == 302, redirect.text
    claims = provider.finish_sign_in(flow, dict(parse_qsl(urlsplit(redirect.headers["Location"]).query)))
    assert claims["preferred_username"].endswith("@contoso.onmicrosoft.com")
    return store


def provider_for(emulator, store, cipher) -> DelegatedTokenProvider:
    return DelegatedTokenProvider(
        client_id=emulator.client_id,
        client_secret=emulator.client_secret,
        authority=emulator.https_authority,
        verify=emulator.ca_file,
        store=store,
        cipher=cipher,
    )


def token_requests(emulator) -> list[int]:
    return statuses(emulator, "POST", "/oauth2/v2.0/token")


def test_cached_token_is_used_without_contacting_the_token_endpoint(demo_emulator, cipher, naps):
    store = signed_in_store(demo_emulator, cipher)
    with GraphClient(demo_emulator.base_url, provider_for(demo_emulator, store, cipher), sleep=naps) as graph:
        assert graph.list_all("solutions/bookingBusinesses")  # a delegated-only endpoint
    assert token_requests(demo_emulator) == [200]  # the sign-in only


def test_expired_token_is_refreshed_silently_and_the_new_cache_is_stored_encrypted(
    demo_emulator, cipher, naps
):
    store = signed_in_store(demo_emulator, cipher)
    signed_in_blob = store.blob
    with GraphClient(demo_emulator.base_url, provider_for(demo_emulator, store, cipher), sleep=naps) as graph:
        graph.get(business_path(CONTOSO))
        demo_emulator.expire_tokens()
        assert graph.get(business_path(CONTOSO, "services"))["value"]

    assert statuses(demo_emulator, "GET", "/services") == [401, 200]
    assert token_requests(demo_emulator) == [200, 200]  # sign-in, then one refresh_token grant
    assert store.blob != signed_in_blob
    assert b"emu-refresh-" not in store.blob and b"RefreshToken" not in store.blob
    cache = json.loads(cipher.decrypt(store.blob))
    assert next(rt["secret"] for rt in cache["RefreshToken"].values()).startswith("emu-refresh-")


def test_another_worker_reads_the_stored_cache(demo_emulator, cipher):
    store = signed_in_store(demo_emulator, cipher)
    first = provider_for(demo_emulator, store, cipher).token(force_refresh=True)
    second = provider_for(demo_emulator, store, cipher).token()
    assert first == second  # the refreshed token was saved and found by the second process


def test_revoked_refresh_token_means_reauthentication_required(demo_emulator, cipher):
    store = signed_in_store(demo_emulator, cipher)
    cache = json.loads(cipher.decrypt(store.blob))
    for entry in cache["RefreshToken"].values():
        entry["secret"] = "revoked"
    store.save(cipher.encrypt(json.dumps(cache).encode()))

    with pytest.raises(GraphAuthError, match="reauthentication required") as raised:
        provider_for(demo_emulator, store, cipher).token(force_refresh=True)
    assert raised.value.code == "invalid_grant"


def test_authority_outage_is_not_mistaken_for_a_revoked_grant(demo_emulator, cipher):
    store = signed_in_store(demo_emulator, cipher)
    demo_emulator.faults.add(method="POST", path=r"/oauth2/v2.0/token$", status=503)
    with pytest.raises(GraphServerError) as raised:
        provider_for(demo_emulator, store, cipher).token(force_refresh=True)
    assert raised.value.status == 503
    assert store.blob is not None and provider_for(demo_emulator, store, cipher).token()  # still signed in


def test_sign_out_empties_the_stored_cache(demo_emulator, cipher):
    store = signed_in_store(demo_emulator, cipher)
    provider = provider_for(demo_emulator, store, cipher)
    provider.sign_out()
    assert json.loads(cipher.decrypt(store.blob)).get("Account") in ({}, None)
    with pytest.raises(GraphAuthError, match="reauthentication required"):
        provider_for(demo_emulator, store, cipher).token()


def test_sign_in_flow_starts_at_the_authority_and_rejects_a_forged_state(demo_emulator, cipher):
    provider = provider_for(demo_emulator, MemoryCacheStore(), cipher)
    flow = provider.start_sign_in(REDIRECT_URI, login_hint="owner@contoso.onmicrosoft.com")
    assert flow["auth_uri"].startswith(f"{demo_emulator.https_authority}/oauth2/v2.0/authorize?")
    assert "login_hint=owner%40contoso.onmicrosoft.com" in flow["auth_uri"]
    with pytest.raises(GraphAuthError, match="sign-in refused"):
        provider.finish_sign_in(flow, {"code": demo_emulator.issue_auth_code(), "state": "forged"})
