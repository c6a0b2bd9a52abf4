"""``manage.py api_token <username>``: issue a bearer token for the REST API."""

from __future__ import annotations

import argparse

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from bookings.models import ApiToken, StaffMember


class Command(BaseCommand):
    help = (
        "Issue a new API token for a user who is staff (is_staff) or linked to an active staff member, "
        "and print it. Only the token is printed, so scripts can capture it; it is shown this once, "
        "as only its hash is stored."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("username", help="The portal account the token acts as.")
        parser.add_argument("--name", default="", help="A label to tell tokens apart ('ci', 'laptop').")

    def handle(self, *args, username: str, name: str, **options) -> None:
        user_model = get_user_model()
        try:
            user = user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            raise CommandError(f"There is no user '{username}'.") from None
        if not user.is_active:
            raise CommandError(f"User '{username}' is inactive; a token for them would be refused anyway.")
        is_staff_member = StaffMember.objects.filter(user=user, is_active=True).exists()
        if not (user.is_staff or is_staff_member):
            raise CommandError(
                f"User '{username}' may not use the API: it is for staff. Give them staff status "
                "(is_staff) or link them to an active staff member first."
            )
        _token, raw = ApiToken.objects.issue(user, name)
        self.stdout.write(raw)
