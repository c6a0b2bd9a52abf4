"""Bearer tokens (401 without a valid one; app vs delegated gates) and the OAuth endpoints msal
talks to: discovery, client credentials, authorization code and refresh token."""

from __future__ import annotations

import ssl
from urllib.parse import parse_qs, urlsplit

import httpx
import msal
import pytest

from .support import CONTOSO, FABRIKAM, app_client, business_path, client, odata_error

GRAPH_DEFAULT = "https://graph.microsoft.com/.default"


def _token_url(emulator) -> str:
    return f"{emulator.authority}/oauth2/v2.0/token"


def _client_credentials(emulator, **form) -> httpx.Response:
    data = {
        "grant_type": "client_credentials",
        "client_id": emulator.client_id,
        "client_secret": emulator.client_secret,
        "scope": GRAPH_DEFAULT,
    }
    return httpx.post(_token_url(emulator), data={**data, **form})


@pytest.mark.parametrize("authorization", [None, "Bearer", "Bearer not-a-token", "Basic dXNlcjpwdw=="])
def test_graph_refuses_requests_without_a_valid_bearer_token(demo_emulator, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = httpx.get(f"{demo_emulator.base_url}{business_path(CONTOSO)}", headers=headers)
    odata_error(response, 401, "InvalidAuthenticationToken")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("method", "path", "api"),
    [
        ("GET", "/solutions/bookingBusinesses", "Business.List"),
        ("POST", "/solutions/bookingBusinesses", "Business.Create"),
        ("DELETE", business_path(FABRIKAM), "Business.Delete"),
        ("GET", "/solutions/bookingCurrencies/USD", "Currency.Get"),
    ],
)
def test_app_tokens_are_refused_on_delegated_only_endpoints(demo_emulator, method, path, api):
    with app_client(demo_emulator) as http:
        response = http.request(method, path, json={"displayName": "Nope"} if method == "POST" else None)
    error = odata_error(response, 403, "ErrorAccessDenied")
    assert error["message"] == f"VASTT: Api {api} does not support the token type: App"


def test_expired_tokens_get_401_until_reset(demo_emulator):
    demo_emulator.expire_tokens()
    for http in (client(demo_emulator), app_client(demo_emulator)):
        with http:
            error = odata_error(http.get(business_path(CONTOSO)), 401, "InvalidAuthenticationToken")
            assert "expired" in error["message"]
    demo_emulator.reset()
    demo_emulator.seed_demo()
    with client(demo_emulator) as http:
        assert http.get(business_path(CONTOSO)).status_code == 200


def test_client_credentials_issue_an_app_token(demo_emulator):
    answer = _client_credentials(demo_emulator)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600 and "refresh_token" not in body
    with client(demo_emulator, body["access_token"]) as http:
        assert http.get(business_path(CONTOSO, "services")).status_code == 200
        odata_error(http.get("/solutions/bookingBusinesses"), 403)  # it is an app token


def test_client_credentials_errors(demo_emulator):
    assert _client_credentials(demo_emulator, client_secret="wrong").json()["error"] == "invalid_client"
    assert _client_credentials(demo_emulator, client_id="someone-else").status_code == 400
    assert _client_credentials(demo_emulator, scope="Bookings.Read.All").json()["error"] == "invalid_scope"
    assert (
        _client_credentials(demo_emulator, grant_type="password").json()["error"] == "unsupported_grant_type"
    )
    basic = httpx.post(
        _token_url(demo_emulator),
        data={"grant_type": "client_credentials", "scope": GRAPH_DEFAULT},
        auth=(demo_emulator.client_id, demo_emulator.client_secret),
    )
    assert basic.status_code == 200


def test_tokens_expire_after_their_lifetime(demo_emulator):
    demo_emulator.token_lifetime = 0
    token = _client_credentials(demo_emulator).json()["access_token"]
    with client(demo_emulator, token) as http:
        odata_error(http.get(business_path(CONTOSO)), 401, "InvalidAuthenticationToken")


def test_authorization_code_then_refresh_token(demo_emulator):
    form = {
        "client_id": demo_emulator.client_id,
        "client_secret": demo_emulator.client_secret,
        "scope": "Bookings.Read.All offline_access",
    }
    code = demo_emulator.issue_auth_code()
    first = httpx.post(
        _token_url(demo_emulator),
        data={
            **form,
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "http://localhost/cb",
        },
    )
    assert first.status_code == 200, first.text
    assert {"access_token", "refresh_token", "id_token", "client_info", "expires_in"} <= set(first.json())
    reused = httpx.post(
        _token_url(demo_emulator), data={**form, "grant_type": "authorization_code", "code": code}
    )
    assert reused.json()["error"] == "invalid_grant"

    demo_emulator.expire_tokens()
    with client(demo_emulator, first.json()["access_token"]) as http:
        odata_error(http.get("/solutions/bookingBusinesses"), 401)
    refreshed = httpx.post(
        _token_url(demo_emulator),
        data={**form, "grant_type": "refresh_token", "refresh_token": first.json()["refresh_token"]},
    )
    assert refreshed.status_code == 200
    assert refreshed.json()["refresh_token"] != first.json()["refresh_token"]
    with client(demo_emulator, refreshed.json()["access_token"]) as http:
        assert http.get("/solutions/bookingBusinesses").status_code == 200  # a delegated token
    bad = httpx.post(
        _token_url(demo_emulator), data={**form, "grant_type": "refresh_token", "refresh_token": "stolen"}
    )
    assert (bad.status_code, bad.json()["error"]) == (400, "invalid_grant")


def test_discovery_documents_use_the_callers_scheme(demo_emulator):
    plain = httpx.get(f"{demo_emulator.authority}/v2.0/.well-known/openid-configuration").json()
    assert plain["token_endpoint"] == _token_url(demo_emulator)
    secure = httpx.get(
        f"{demo_emulator.https_authority}/v2.0/.well-known/openid-configuration",
        verify=ssl.create_default_context(cafile=demo_emulator.ca_file),
    ).json()
    assert secure["token_endpoint"].startswith("https://") and secure["authorization_endpoint"].startswith(
        "https://"
    )
    assert (
        httpx.get(f"{demo_emulator.root_url}/elsewhere/v2.0/.well-known/openid-configuration").status_code
        == 400
    )
    instance = httpx.get(
        f"{demo_emulator.root_url}/common/discovery/instance",
        params={
            "authorization_endpoint": "https://127.0.0.1/contoso/oauth2/v2.0/authorize",
            "api-version": "1.0",
        },
    ).json()
    assert (
        instance["tenant_discovery_endpoint"]
        == f"{demo_emulator.root_url}/contoso/v2.0/.well-known/openid-configuration"
    )


def test_authorize_redirects_back_with_a_code(demo_emulator):
    response = httpx.get(
        f"{demo_emulator.authority}/oauth2/v2.0/authorize",
        params={
            "client_id": demo_emulator.client_id,
            "redirect_uri": "http://localhost/cb",
            "state": "xyz",
            "response_type": "code",
        },
    )
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["state"] == ["xyz"] and query["code"][0].startswith("emu-code-")


def _msal_app(emulator, http_client: httpx.Client) -> msal.ConfidentialClientApplication:
    """msal 1.39 refuses http:// authorities, so it uses the TLS side of the same port. Its own
    ``verify=`` loses to REQUESTS_CA_BUNDLE when that is set, hence an explicit http_client."""
    return msal.ConfidentialClientApplication(
        emulator.client_id,
        client_credential=emulator.client_secret,
        authority=emulator.https_authority,
        instance_discovery=False,
        http_client=http_client,
    )


def test_msal_refuses_an_http_authority(demo_emulator):
    with pytest.raises(ValueError, match="https"):
        msal.ConfidentialClientApplication(
            demo_emulator.client_id,
            client_credential="x",
            authority=demo_emulator.authority,
            instance_discovery=False,
        )


@pytest.mark.filterwarnings("ignore:response_mode='form_post' is recommended")
def test_msal_client_credentials_and_refresh_against_the_emulator(demo_emulator):
    with httpx.Client(verify=ssl.create_default_context(cafile=demo_emulator.ca_file)) as http_client:
        _msal_round_trip(demo_emulator, _msal_app(demo_emulator, http_client))


def _msal_round_trip(demo_emulator, app: msal.ConfidentialClientApplication) -> None:
    app_token = app.acquire_token_for_client([GRAPH_DEFAULT])
    assert app_token["token_source"] == "identity_provider", app_token
    with client(demo_emulator, app_token["access_token"]) as http:
        assert http.get(business_path(CONTOSO)).status_code == 200

    flow = app.initiate_auth_code_flow(["Bookings.Read.All"], redirect_uri="http://localhost/cb")
    with httpx.Client(verify=ssl.create_default_context(cafile=demo_emulator.ca_file)) as browser:
        redirect = browser.get(flow["auth_uri"])  # the emulator signs the user in at once
    assert redirect.status_code == 302
    auth_response = {k: v[0] for k, v in parse_qs(urlsplit(redirect.headers["Location"]).query).items()}
    user = app.acquire_token_by_auth_code_flow(flow, auth_response)
    assert "access_token" in user, user
    [account] = app.get_accounts()
    demo_emulator.expire_tokens()
    with client(demo_emulator, user["access_token"]) as http:
        odata_error(http.get("/solutions/bookingBusinesses"), 401)
    renewed = app.acquire_token_silent(["Bookings.Read.All"], account=account, force_refresh=True)
    with client(demo_emulator, renewed["access_token"]) as http:
        assert http.get("/solutions/bookingBusinesses").status_code == 200
    token_posts = [r for r in demo_emulator.requests if r.path.endswith("/oauth2/v2.0/token")]
    assert len(token_posts) == 3 and all(r.client_request_id for r in token_posts)


def test_pkce_verifier_must_match(demo_emulator):
    authorize = httpx.get(
        f"{demo_emulator.authority}/oauth2/v2.0/authorize",
        params={
            "client_id": demo_emulator.client_id,
            "redirect_uri": "http://x/cb",
            "code_challenge": "abc",
            "code_challenge_method": "plain",
        },
    )
    code = parse_qs(urlsplit(authorize.headers["Location"]).query)["code"][0]
    form = {
        "client_id": demo_emulator.client_id,
        "grant_type": "authorization_code",
        "code": code,
        "code_verifier": "wrong",
    }
    assert httpx.post(_token_url(demo_emulator), data=form).json()["error"] == "invalid_grant"
