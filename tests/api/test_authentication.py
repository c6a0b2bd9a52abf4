"""Who may call the API: owners (Django staff) and linked Bookings staff members, by Bearer token or
session. Everyone else is refused with an OData error body, never DRF's ``{"detail": …}``.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient

from bookings.models import ApiToken, Business
from tests.api.graph_assertions import assert_odata_error
from tests.conftest import GraphClient, client_with_token
from tests.factories import BusinessFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

API = "/api/v1.0/solutions"


def make_user(username: str, **extra):
    return get_user_model().objects.create_user(username, f"{username}@example.com", "pw", **extra)


# --- anonymous and bad tokens -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "bookingBusinesses"),
        ("post", "bookingBusinesses"),
        ("get", "bookingBusinesses/contoso@contoso.com"),
        ("patch", "bookingBusinesses/contoso@contoso.com"),
        ("delete", "bookingBusinesses/contoso@contoso.com"),
        ("post", "bookingBusinesses/contoso@contoso.com/publish"),
        ("get", "bookingBusinesses/contoso@contoso.com/staffMembers"),
        ("get", "bookingCurrencies"),
        ("get", "bookingCurrencies/USD"),
    ],
)
def test_anonymous_requests_are_401_with_an_odata_body_and_a_bearer_challenge(anonymous, method, path):
    BusinessFactory(graph_id="contoso@contoso.com")

    response = getattr(anonymous, method)(path)

    assert_odata_error(response, 401, code="InvalidAuthenticationToken")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_anonymous_request_does_not_reveal_whether_a_business_exists(anonymous):
    response = anonymous.get("bookingBusinesses/nobody@contoso.com")

    assert_odata_error(response, 401, code="InvalidAuthenticationToken")


def test_anonymous_create_creates_nothing(anonymous):
    anonymous.post("bookingBusinesses", {"displayName": "Contoso"})

    assert not Business.objects.exists()


@pytest.mark.parametrize(
    "header",
    [
        "Bearer bkp_not-a-real-token",
        "Bearer ",
        "Bearer two parts",
        "bearer bkp_not-a-real-token",
        "Basic b3duZXI6cHc=",
        "bkp_not-a-real-token",
    ],
    ids=["unknown", "empty", "three-parts", "lower-case-scheme", "basic", "no-scheme"],
)
def test_a_wrong_token_is_401(anonymous, header):
    anonymous.credentials(HTTP_AUTHORIZATION=header)

    response = anonymous.get("bookingBusinesses")

    assert_odata_error(response, 401, code="InvalidAuthenticationToken")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_401(owner):
    token, raw = ApiToken.objects.issue(owner, "laptop")
    client = GraphClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("bookingBusinesses").status_code == 200

    token.revoked_at = timezone.now()
    token.save()

    assert_odata_error(client.get("bookingBusinesses"), 401, code="InvalidAuthenticationToken")


def test_a_token_of_a_deactivated_user_is_401(owner):
    client = client_with_token(owner)
    owner.is_active = False
    owner.save()

    assert_odata_error(client.get("bookingBusinesses"), 401, code="InvalidAuthenticationToken")


def test_a_valid_token_records_when_it_was_last_used(owner):
    token, raw = ApiToken.objects.issue(owner, "laptop")
    client = GraphClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")

    client.get("bookingBusinesses")

    token.refresh_from_db()
    assert token.last_used_at is not None


# --- who is allowed -----------------------------------------------------------------------------


def test_an_owner_with_a_valid_token_is_allowed(api):
    assert api.get("bookingBusinesses").status_code == 200


def test_a_signed_in_user_who_is_neither_owner_nor_staff_member_is_403(db):
    client = client_with_token(make_user("customer"))

    response = client.get("bookingBusinesses")

    assert_odata_error(response, 403, code="accessDenied")
    assert "detail" not in response.json()


def test_a_user_linked_to_an_active_staff_member_is_allowed_without_is_staff(db):
    user = make_user("dana")
    StaffMemberFactory(user=user)
    client = client_with_token(user)

    assert client.get("bookingBusinesses").status_code == 200


def test_a_user_linked_only_to_a_deleted_staff_member_is_403(db):
    user = make_user("former")
    StaffMemberFactory(user=user, is_active=False)

    assert_odata_error(client_with_token(user).get("bookingBusinesses"), 403, code="accessDenied")


# --- session authentication ---------------------------------------------------------------------


def test_a_signed_in_owner_can_read_over_the_session(owner):
    client = APIClient()
    client.force_login(owner)

    response = client.get(f"{API}/bookingBusinesses")

    assert response.status_code == 200
    assert response.json()["value"] == []


def test_a_signed_in_non_staff_user_is_403_over_the_session(db):
    client = APIClient()
    client.force_login(make_user("customer"))

    assert_odata_error(client.get(f"{API}/bookingBusinesses"), 403, code="accessDenied")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "bookingBusinesses"),
        ("patch", "bookingBusinesses/contoso@contoso.com"),
        ("delete", "bookingBusinesses/contoso@contoso.com"),
        ("post", "bookingBusinesses/contoso@contoso.com/publish"),
    ],
)
def test_unsafe_requests_over_the_session_without_a_csrf_token_are_403(owner, method, path):
    business = BusinessFactory(graph_id="contoso@contoso.com", display_name="Contoso")
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(owner)

    response = getattr(client, method)(f"{API}/{path}", {"displayName": "Contoso"}, format="json")

    assert_odata_error(response, 403, code="accessDenied")
    business.refresh_from_db()
    assert business.is_active and not business.is_published


def test_unsafe_requests_over_the_session_with_the_csrf_token_are_allowed(owner):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(owner)
    secret = "k" * 32  # what a browser got from the portal's CSRF cookie and echoes in the header
    client.cookies[settings.CSRF_COOKIE_NAME] = secret

    response = client.post(
        f"{API}/bookingBusinesses", {"displayName": "Contoso"}, format="json", HTTP_X_CSRFTOKEN=secret
    )

    assert response.status_code == 201


def test_a_token_request_needs_no_csrf_token_even_with_a_session(owner):
    client = client_with_token(owner)
    client.handler.enforce_csrf_checks = True
    client.force_login(owner)

    assert client.post("bookingBusinesses", {"displayName": "Contoso"}).status_code == 201
