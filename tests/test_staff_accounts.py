"""Accounts are linked to staff members by addresses their owner has proved, and only those."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed, user_logged_in
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.test import RequestFactory

from bookings.staff_accounts import link_staff_members, user_has_membership
from tests.factories import BusinessFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db


def account(django_user_model, username: str, *addresses: tuple[str, bool]):
    user = django_user_model.objects.create_user(
        username, addresses[0][0] if addresses else "", "pw-123456789"
    )
    for index, (email, verified) in enumerate(addresses):
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=index == 0)
    return user


def test_a_verified_address_links_every_active_member_with_it_whatever_its_case(django_user_model):
    contoso = StaffMemberFactory(email_address="Dana.Swope@Contoso.com")
    fabrikam = StaffMemberFactory(business=BusinessFactory(), email_address="dana.swope@contoso.com")
    StaffMemberFactory(email_address="dana.swope@contoso.com", is_active=False)
    StaffMemberFactory(email_address="someone.else@contoso.com")
    dana = account(django_user_model, "dana", ("dana.swope@contoso.com", True))

    linked = link_staff_members(dana)

    assert {member.pk for member in linked} == {contoso.pk, fabrikam.pk}
    assert set(dana.staff_memberships.values_list("pk", flat=True)) == {contoso.pk, fabrikam.pk}
    assert user_has_membership(dana)


def test_an_unverified_address_links_nothing(django_user_model):
    member = StaffMemberFactory(email_address="dana.swope@contoso.com")
    impostor = account(django_user_model, "impostor", ("dana.swope@contoso.com", False))

    assert link_staff_members(impostor) == []
    member.refresh_from_db()
    assert member.user is None
    assert not user_has_membership(impostor)


def test_another_account_proving_the_same_address_later_does_not_take_the_link(django_user_model):
    member = StaffMemberFactory(email_address="dana.swope@contoso.com")
    dana = account(django_user_model, "dana", ("dana.swope@contoso.com", True))
    link_staff_members(dana)
    # Two accounts with one verified address cannot happen through allauth; made here directly.
    other = account(django_user_model, "other", ("other@example.com", True))
    EmailAddress.objects.create(user=other, email="DANA.SWOPE@contoso.com", verified=True, primary=False)

    assert link_staff_members(other) == []
    member.refresh_from_db()
    assert member.user == dana


def test_only_the_verified_one_of_several_addresses_counts(django_user_model):
    work = StaffMemberFactory(email_address="lee@contoso.com")
    claimed = StaffMemberFactory(email_address="boss@contoso.com")
    lee = account(django_user_model, "lee", ("lee@contoso.com", True), ("boss@contoso.com", False))

    assert link_staff_members(lee) == [work]
    claimed.refresh_from_db()
    assert claimed.user is None


def test_confirming_an_address_links_through_allauth_s_signal(django_user_model):
    member = StaffMemberFactory(email_address="kim@contoso.com")
    kim = account(django_user_model, "kim", ("kim@contoso.com", False))
    address = EmailAddress.objects.get(user=kim)
    address.verified = True
    address.save()

    email_confirmed.send(sender=EmailAddress, request=RequestFactory().get("/"), email_address=address)

    member.refresh_from_db()
    assert member.user == kim


def test_signing_in_links_members_added_since_the_last_sign_in(django_user_model):
    kim = account(django_user_model, "kim", ("kim@contoso.com", True))
    member = StaffMemberFactory(email_address="kim@contoso.com")  # e.g. synced from Bookings today

    user_logged_in.send(sender=django_user_model, request=RequestFactory().get("/"), user=kim)

    member.refresh_from_db()
    assert member.user == kim


def test_a_member_of_a_closed_business_does_not_count_as_a_schedule(django_user_model):
    kim = account(django_user_model, "kim", ("kim@contoso.com", True))
    StaffMemberFactory(email_address="kim@contoso.com", business=BusinessFactory(is_active=False))

    link_staff_members(kim)

    assert not user_has_membership(kim)


# --- Signing in with Microsoft ----------------------------------------------------------------------


class FakeMicrosoft:
    """Stands in for login.microsoftonline.com and Graph's /me behind allauth's HTTP session."""

    def __init__(self, profile: dict):
        self.profile = profile

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def request(self, method, url, **kwargs):
        assert url == "https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token"
        return FakeResponse({"access_token": "token", "token_type": "Bearer", "expires_in": 3600})

    def get(self, url, **kwargs):
        assert url == "https://graph.microsoft.com/v1.0/me"
        return FakeResponse(self.profile)


class FakeResponse:
    def __init__(self, body: dict):
        self.status_code = 200
        self.headers = {"content-type": "application/json"}
        self.body = body
        self.text = json.dumps(body)
        self.content = self.text.encode()

    def json(self) -> dict:
        return self.body


def microsoft_settings(settings, *, trusted: bool) -> None:
    settings.ACCOUNT_RATE_LIMITS = False
    settings.SOCIALACCOUNT_PROVIDERS = {
        "microsoft": {
            "APPS": [{"client_id": "portal-app", "secret": "s3cret", "settings": {"tenant": "contoso.com"}}],
            "VERIFIED_EMAIL": trusted,
        }
    }
    settings.SOCIALACCOUNT_EMAIL_AUTHENTICATION = trusted
    settings.SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = trusted


def sign_in_with_microsoft(client, monkeypatch, mail: str):
    profile = {"id": "ms-1", "mail": mail, "userPrincipalName": mail, "givenName": "Dana", "surname": "Swope"}
    monkeypatch.setattr(
        DefaultSocialAccountAdapter, "get_requests_session", lambda adapter: FakeMicrosoft(profile)
    )
    to_microsoft = client.post("/accounts/microsoft/login/", {"process": "login"})
    assert to_microsoft.status_code == 302
    state = parse_qs(urlsplit(to_microsoft["Location"]).query)["state"][0]
    return client.get("/accounts/microsoft/login/callback/", {"code": "abc", "state": state}, follow=True)


def test_signing_in_with_microsoft_in_a_trusted_tenant_links_the_staff_member(client, settings, monkeypatch):
    microsoft_settings(settings, trusted=True)
    member = StaffMemberFactory(email_address="dana.swope@contoso.com")

    response = sign_in_with_microsoft(client, monkeypatch, "Dana.Swope@contoso.com")

    member.refresh_from_db()
    assert member.user is not None and response.context["user"] == member.user
    assert "My schedule</a>" in response.content.decode()


def test_a_microsoft_address_that_is_not_trusted_must_be_confirmed_before_it_links(
    client, settings, monkeypatch
):
    microsoft_settings(settings, trusted=False)
    member = StaffMemberFactory(email_address="dana.swope@contoso.com")

    sign_in_with_microsoft(client, monkeypatch, "dana.swope@contoso.com")

    member.refresh_from_db()
    assert member.user is None
    assert EmailAddress.objects.filter(email__iexact="dana.swope@contoso.com", verified=False).exists()


@pytest.mark.parametrize("path", ["/accounts/microsoft/login/", "/accounts/microsoft/login/callback/"])
def test_microsoft_sign_in_is_not_found_until_it_is_set_up(client, settings, path):
    microsoft = settings.SOCIALACCOUNT_PROVIDERS["microsoft"]
    settings.SOCIALACCOUNT_PROVIDERS = {"microsoft": {**microsoft, "APPS": []}}

    assert client.get(path).status_code == 404
