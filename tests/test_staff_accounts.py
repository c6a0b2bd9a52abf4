"""Accounts are linked to staff members by addresses their owner has proved, and only those."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed, user_logged_in
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
