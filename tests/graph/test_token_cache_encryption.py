"""The delegated token cache is encrypted at rest; without a signed-in account, re-sign-in is required."""

import pytest
from cryptography.fernet import Fernet, InvalidToken

from bookings.graph import GraphAuthError, token_cache_cipher
from bookings.graph.auth import (
    AppOnlyTokenProvider,
    DelegatedTokenProvider,
    MemoryCacheStore,
    cache_cipher,
    derive_cache_key,
)


def test_derived_key_is_a_fernet_key_bound_to_the_secret():
    key = derive_cache_key("s3cret")
    assert key == derive_cache_key("s3cret") != derive_cache_key("other")
    Fernet(key)  # a valid key


def test_several_keys_rotate_first_encrypts_all_decrypt():
    old, new = Fernet.generate_key(), Fernet.generate_key()
    blob = cache_cipher(old).encrypt(b"cache")
    rotated = cache_cipher(f"{new.decode()},{old.decode()}")
    assert rotated.decrypt(blob) == b"cache"
    assert cache_cipher(new).decrypt(rotated.encrypt(b"x")) == b"x"
    with pytest.raises(InvalidToken):
        cache_cipher(new).decrypt(blob)


def test_settings_key_wins_over_the_derived_one(settings):
    settings.GRAPH_TOKEN_CACHE_KEY = ""
    blob = token_cache_cipher().encrypt(b"x")
    assert cache_cipher(derive_cache_key(settings.SECRET_KEY)).decrypt(blob) == b"x"
    settings.GRAPH_TOKEN_CACHE_KEY = Fernet.generate_key().decode()
    assert cache_cipher(settings.GRAPH_TOKEN_CACHE_KEY).decrypt(token_cache_cipher().encrypt(b"y")) == b"y"


def _provider(store, authority="https://127.0.0.1:9/contoso"):
    # An authority nobody listens on: these cases must be decided without contacting it.
    return DelegatedTokenProvider(
        client_id="c",
        client_secret="s",
        authority=authority,
        store=store,
        cipher=cache_cipher(Fernet.generate_key()),
    )


def test_empty_store_means_reauthentication_required():
    with pytest.raises(GraphAuthError, match="reauthentication required"):
        _provider(MemoryCacheStore()).token()


def test_undecryptable_store_means_reauthentication_required():
    store = MemoryCacheStore(Fernet(Fernet.generate_key()).encrypt(b"{}"))
    with pytest.raises(GraphAuthError, match="reauthentication required"):
        _provider(store).token(force_refresh=True)
    assert store.blob is not None  # an unreadable cache is left for the owner, not overwritten


@pytest.mark.parametrize(
    "authority", ["http://127.0.0.1:8123/contoso", "http://login.example.com/contoso", "ftp://x/y"]
)
def test_only_https_authorities_are_accepted(authority):
    with pytest.raises(ValueError, match="https"):
        _provider(MemoryCacheStore(), authority=authority)


def test_an_authority_or_a_tenant_is_required():
    with pytest.raises(ValueError, match="tenant"):
        AppOnlyTokenProvider(client_id="c", client_secret="s")
    provider = AppOnlyTokenProvider(client_id="c", client_secret="s", tenant_id="contoso")
    assert provider is not None
