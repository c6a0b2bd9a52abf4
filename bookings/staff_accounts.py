"""Linking portal accounts to Bookings staff members, by e-mail addresses their owner has proved.

A staff member signs in with e-mail and password or with their Microsoft account; either way the
account is linked to every active ``StaffMember`` whose address is one of the account's *verified*
addresses. An unverified address links nothing (anyone can type anyone's address), and a member
already linked to another account stays with it: proving an address later does not take a schedule
away from the person who has it.

The allauth signal receivers in ``apps.py`` only call ``link_staff_members``.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.db import transaction
from django.db.models import Q
from django.http import Http404

from .models import StaffMember


def verified_addresses(user) -> list[str]:
    """The account's addresses allauth has seen proved (a confirmation, or a trusted provider)."""
    return sorted(
        {
            email.lower()
            for email in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
        }
    )


def link_staff_members(user) -> list[StaffMember]:
    """Link ``user`` to each active, unlinked staff member whose address (case-insensitive) is one of
    their verified ones; returns the members newly linked."""
    if user is None or not user.pk:
        return []
    addresses = verified_addresses(user)
    if not addresses:
        return []
    same_address = Q(pk__in=[])
    for address in addresses:
        same_address |= Q(email_address__iexact=address)
    with transaction.atomic():
        members = list(
            StaffMember.objects.select_for_update()
            .filter(same_address, is_active=True, user__isnull=True)
            .order_by("pk")
        )
        for member in members:
            member.user = user
            member.save(update_fields=["user"])
    return members


def user_has_membership(user) -> bool:
    """Whether the account is linked to an active staff member (the header's "My schedule")."""
    if not (user and user.is_authenticated):
        return False
    return StaffMember.objects.filter(user=user, is_active=True, business__is_active=True).exists()


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """allauth's social sign-in, answering 404 for a provider the portal has no app for (the
    Microsoft sign-in before ``MICROSOFT_LOGIN_CLIENT_ID`` is set) instead of failing with a 500."""

    def get_app(self, request, provider, client_id=None):
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            raise Http404(f"Sign-in with {provider} is not set up here.") from None
