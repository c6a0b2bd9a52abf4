"""Connecting Microsoft 365 from the admin (bookings/admin/connect.py), against the emulator's authority."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse

from bookings.models import GraphConnection
from tests.admin.conftest import authorize, connect, messages_of

pytestmark = [
    pytest.mark.django_db,
    # The portal keeps msal's query response mode on purpose (see DelegatedTokenProvider.start_sign_in).
    pytest.mark.filterwarnings("ignore:response_mode='form_post' is recommended"),
]
PAGE = "/admin/graph/"


def test_connect_starts_the_auth_code_flow_at_the_configured_authority(
    admin_client, delegated, demo_emulator
):
    started = admin_client.post(reverse("admin:graph_connect"))

    assert started.status_code == 302
    authorize_url = urlsplit(started["Location"])
    assert started["Location"].startswith(f"{demo_emulator.https_authority}/oauth2/v2.0/authorize?")
    query = dict(parse_qsl(authorize_url.query))
    assert query["redirect_uri"] == "http://testserver/admin/graph/callback/"
    assert query["state"] == admin_client.session["graph_sign_in_flow"]["state"]


def test_the_callback_stores_the_encrypted_cache_marks_the_connection_healthy_and_shows_who(
    admin_client, delegated, demo_emulator
):
    GraphConnection.objects.create(healthy=False, last_error="reauthentication required")

    page = connect(admin_client, demo_emulator)

    assert page.redirect_chain[-1][0] == PAGE
    [message] = messages_of(page)
    assert (
        message.startswith("success: Connected to Microsoft 365 as ")
        and "@contoso.onmicrosoft.com" in message
    )
    connection = GraphConnection.current()
    assert connection.healthy and connection.last_error == "" and connection.auth_mode == "delegated"
    assert connection.token_cache and b"emu-refresh-" not in bytes(connection.token_cache)
    assert "graph_sign_in_flow" not in admin_client.session
    assert b"Connected as " in page.content and b"Reconnect Microsoft 365" in page.content


def test_a_forged_state_is_refused_with_a_message_and_leaves_the_connection_alone(
    admin_client, delegated, demo_emulator
):
    connect(admin_client, demo_emulator)
    before = bytes(GraphConnection.current().token_cache)
    started = admin_client.post(reverse("admin:graph_connect"))
    callback = authorize(demo_emulator, started["Location"])
    forged = callback.replace("state=", "state=forged-")

    page = admin_client.get(forged, follow=True)

    assert page.status_code == 200 and page.redirect_chain[-1][0] == PAGE
    [message] = messages_of(page)
    assert message.startswith("error: Microsoft 365 did not connect: sign-in refused")
    assert bytes(GraphConnection.current().token_cache) == before
    assert admin_client.get(callback, follow=True).status_code == 200  # the flow was used up: a message


def test_denied_consent_is_explained_with_the_authoritys_words(admin_client, delegated, demo_emulator):
    admin_client.post(reverse("admin:graph_connect"))
    denied = "access_denied&error_description=AADSTS65004: User declined to consent to access the app."

    page = admin_client.get(f"/admin/graph/callback/?error={denied}", follow=True)

    assert messages_of(page) == [
        "error: Microsoft 365 did not connect: AADSTS65004: User declined to consent to access the app."
    ]
    assert not GraphConnection.current().token_cache


def test_a_callback_without_a_sign_in_in_this_session_says_to_start_again(admin_client, delegated):
    page = admin_client.get("/admin/graph/callback/?code=emu-code-x&state=y", follow=True)

    assert page.status_code == 200
    assert messages_of(page)[0].startswith("error: No sign-in was waiting in this session")


def test_an_unreachable_authority_is_a_message_not_a_server_error(admin_client, delegated, demo_emulator):
    delegated.GRAPH_AUTHORITY_HOST = "https://127.0.0.1:9"

    page = admin_client.post(reverse("admin:graph_connect"), follow=True)

    assert page.status_code == 200
    assert messages_of(page)[0].startswith("error: Cannot start signing in to Microsoft 365: ")


def test_app_mode_shows_the_settings_in_use_but_never_the_secret(admin_client, graph_settings, demo_emulator):
    page = admin_client.get(PAGE)

    assert page.status_code == 200
    text = page.content.decode()
    assert graph_settings.GRAPH_TENANT_ID in text and graph_settings.GRAPH_CLIENT_ID in text
    assert "App-only (client credentials)" in text and ">set<" in text
    assert graph_settings.GRAPH_CLIENT_SECRET not in text
    assert "Connect Microsoft 365" not in text and "Test connection" in text


def test_app_mode_cannot_start_a_delegated_sign_in(admin_client, graph_settings):
    page = admin_client.post(reverse("admin:graph_connect"), follow=True)

    assert messages_of(page) == [
        "error: Cannot start signing in to Microsoft 365: signing in needs GRAPH_AUTH_MODE=delegated"
    ]


def test_test_connection_reads_a_configured_business_and_marks_the_connection_healthy(
    admin_client, graph_settings
):
    GraphConnection.objects.create(healthy=False, last_error="old trouble")

    page = admin_client.post(reverse("admin:graph_test"), follow=True)

    assert messages_of(page) == ["success: The connection works: it reads Contoso Lunch Delivery."]
    assert GraphConnection.current().healthy and GraphConnection.current().last_error == ""


def test_a_failing_test_marks_the_connection_broken_and_the_banner_says_why(admin_client, graph_settings):
    graph_settings.GRAPH_CLIENT_SECRET = "wrong"

    page = admin_client.post(reverse("admin:graph_test"), follow=True)

    [message] = messages_of(page)
    assert message.startswith("error: Microsoft Graph could not be reached: ") and "AADSTS7000215" in message
    connection = GraphConnection.current()
    assert not connection.healthy and "AADSTS7000215" in connection.last_error
    assert b'role="alert"' in page.content and b"The connection to Microsoft 365 is broken" in page.content


def test_in_delegated_mode_without_a_sign_in_the_test_asks_for_one(admin_client, delegated):
    page = admin_client.post(reverse("admin:graph_test"), follow=True)

    assert "reauthentication required" in messages_of(page)[0]
    assert b"Connect Microsoft 365" in page.content and b"Nobody has connected" in page.content


def test_owners_without_the_change_permission_may_look_but_not_connect(client, delegated, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    client.force_login(viewer)

    assert client.get(PAGE).status_code == 200
    assert client.post(reverse("admin:graph_connect")).status_code == 403
    assert client.post(reverse("admin:graph_test")).status_code == 403


def test_the_pages_need_a_staff_sign_in(client):
    assert client.get(PAGE)["Location"].startswith("/admin/login/")


def test_the_connection_record_links_to_the_connection_page(admin_client):
    connection = GraphConnection.current()

    page = admin_client.get(reverse("admin:bookings_graphconnection_change", args=[connection.pk]))

    assert f'<a href="{PAGE}">Microsoft 365 connection</a>' in page.content.decode()
