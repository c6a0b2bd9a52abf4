"""My bookings: a signed-in customer sees the bookings made under their verified addresses only."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress

from .conftest import a_free_slot, booking_form, details_url

pytestmark = pytest.mark.django_db


def test_my_bookings_needs_signing_in(client):
    response = client.get("/my/bookings/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_guest_bookings_under_a_verified_address_show_up_after_signing_up(client, service, django_user_model):
    client.post(
        details_url(service), booking_form(service, a_free_slot(service).start, email="Lee@Example.com")
    )
    client.post(
        details_url(service), booking_form(service, a_free_slot(service, 8).start, email="other@example.com")
    )
    user = django_user_model.objects.create_user("lee", "lee@example.com", "pw-lee-123456")
    EmailAddress.objects.create(user=user, email="lee@example.com", verified=True, primary=True)
    client.force_login(user)

    page = client.get("/my/bookings/").content.decode()

    assert page.count("/booking/") == 1
    assert "Haircut" in page and "Coming up" in page


def test_an_unverified_address_shows_nobody_s_bookings(client, service, django_user_model):
    client.post(
        details_url(service), booking_form(service, a_free_slot(service).start, email="victim@example.com")
    )
    user = django_user_model.objects.create_user("mallory", "victim@example.com", "pw-mal-123456")
    EmailAddress.objects.create(user=user, email="victim@example.com", verified=False, primary=True)
    client.force_login(user)

    assert "/booking/" not in client.get("/my/bookings/").content.decode()


def test_a_cancelled_booking_moves_to_past_and_cancelled(client, service, django_user_model):
    user = django_user_model.objects.create_user("kim", "kim@example.com", "pw-kim-123456")
    EmailAddress.objects.create(user=user, email="kim@example.com", verified=True, primary=True)
    client.force_login(user)
    response = client.post(details_url(service), booking_form(service, a_free_slot(service, 6).start))
    manage = response["Location"].split("?")[0]
    client.post(f"{manage}cancel/", {"message": ""})

    page = client.get("/my/bookings/").content.decode()

    assert "You have no bookings coming up." in page
    assert "Cancelled" in page
