"""``manage.py load_demo``: fill the database with demo businesses to try the portal with."""

from __future__ import annotations

import argparse
import dataclasses

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from bookings.demo import load_demo_data

OWNER_USERNAME = "owner"
OWNER_PASSWORD = "owner"


class Command(BaseCommand):
    help = (
        "Create or refresh the demo data (Contoso Lunch Delivery with Dana Swope and Bento, and more). "
        "Safe to run again: records are updated in place and the appointments move to the coming weeks."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--owner",
            action=argparse.BooleanOptionalAction,
            default=True,
            help=f"Also create or reset the superuser '{OWNER_USERNAME}' with password '{OWNER_PASSWORD}' "
            "(only when DEBUG is on, unless --force-owner). Default: on.",
        )
        parser.add_argument(
            "--force-owner",
            action="store_true",
            help="Create the demo owner even when DEBUG is off. Never on a reachable server.",
        )

    def handle(self, *args, owner: bool, force_owner: bool, **options) -> None:
        summary = load_demo_data()
        counts = ", ".join(
            f"{count} {field.replace('_', ' ')}" for field, count in dataclasses.asdict(summary).items()
        )
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {counts}."))
        self.stdout.write(f"Booking page: {settings.PORTAL_BASE_URL}/book/contoso/")
        if not owner:
            return
        if settings.DEBUG or force_owner:
            self.create_owner()
        else:
            self.stdout.write(
                "No demo owner account created, because DEBUG is off. To sign in to the admin, create your "
                "own account with: python manage.py createsuperuser"
            )

    def create_owner(self) -> None:
        """A known superuser, so someone trying the portal can open the admin at once. The password is
        public, hence only with DEBUG (a local trial) or when asked for explicitly."""
        flags = {"is_staff": True, "is_superuser": True, "is_active": True}
        user, _ = get_user_model().objects.update_or_create(
            username=OWNER_USERNAME, defaults={"email": "owner@example.com", **flags}
        )
        user.set_password(OWNER_PASSWORD)
        user.save(update_fields=["password"])
        self.stdout.write(
            self.style.WARNING(
                f"DEMO CREDENTIALS: user '{OWNER_USERNAME}', password '{OWNER_PASSWORD}' "
                f"(admin: {settings.PORTAL_BASE_URL}/admin/). For trying the portal locally only: "
                "anyone who can reach this server can sign in with them."
            )
        )
