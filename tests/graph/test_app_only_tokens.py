"""App-only tokens come from msal (client credentials) over TLS; a 401 refreshes once (DESIGN §7)."""

import pytest

from bookings.graph import AppOnlyTokenProvider, GraphAuthError, GraphClient, GraphTimeout, business_path
from tests.graph.conftest import CONTOSO, client_for, statuses


def _provider(emulator, **overrides) -> AppOnlyTokenProvider:
    options = {
        "client_id": emulator.client_id,
        "client_secret": emulator.client_secret,
        "authority": emulator.https_authority,
        "verify": emulator.ca_file,
        **overrides,
    }
    return AppOnlyTokenProvider(**options)


def token_requests(emulator) -> list[int]:
    return statuses(emulator, "POST", "/oauth2/v2.0/token")


def test_token_is_fetched_once_and_served_from_msal_cache(demo_emulator, naps):
    with GraphClient(demo_emulator.base_url, _provider(demo_emulator), sleep=naps) as graph:
        graph.get(business_path(CONTOSO))
        graph.get(business_path(CONTOSO, "services"))
    assert token_requests(demo_emulator) == [200]
    assert statuses(demo_emulator, "GET", "/.well-known/openid-configuration") == [200]


def test_expired_token_gets_401_then_a_fresh_token_and_the_request_succeeds(demo_emulator, naps):
    with GraphClient(demo_emulator.base_url, _provider(demo_emulator), sleep=naps) as graph:
        graph.get(business_path(CONTOSO))
        demo_emulator.expire_tokens()
        assert graph.get(business_path(CONTOSO, "services"))["value"]
    assert statuses(demo_emulator, "GET", "/services") == [401, 200]
    assert token_requests(demo_emulator) == [200, 200]
    assert naps == []  # a refresh is not a back-off


def test_wrong_secret_is_an_auth_error_carrying_the_oauth_code(demo_emulator, naps):
    provider = _provider(demo_emulator, client_secret="wrong")
    with (
        GraphClient(demo_emulator.base_url, provider, sleep=naps) as graph,
        pytest.raises(GraphAuthError) as raised,
    ):
        graph.get(business_path(CONTOSO))
    assert raised.value.code == "invalid_client"
    assert "AADSTS7000215" in raised.value.message


def test_a_refused_fresh_token_is_not_refreshed_forever(demo_emulator, naps):
    demo_emulator.expire_tokens()  # the static start-up token is dead and cannot be refreshed
    with client_for(demo_emulator, naps) as graph, pytest.raises(GraphAuthError) as raised:
        graph.get(business_path(CONTOSO))
    assert (raised.value.status, raised.value.code) == (401, "InvalidAuthenticationToken")
    assert statuses(demo_emulator, "GET", "/bookingBusinesses/") == [401, 401]


def test_authority_is_built_from_host_and_tenant(demo_emulator, naps):
    provider = _provider(
        demo_emulator,
        authority=None,
        authority_host=demo_emulator.https_root_url,
        tenant_id=demo_emulator.tenant,
    )
    assert provider.token().startswith("emu-app-")


def test_untrusted_certificate_is_refused(demo_emulator):
    provider = _provider(demo_emulator, verify=True)  # the public CA store does not know the test CA
    with pytest.raises(GraphTimeout, match=r"authority unreachable.*CERTIFICATE_VERIFY_FAILED"):
        provider.token()
