"""A staff member's private calendar feed: a secret address their calendar program subscribes to."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .staff import StaffMember
from .tokens import hash_token


class StaffCalendarFeedQuerySet(models.QuerySet):
    def active(self) -> StaffCalendarFeedQuerySet:
        return self.filter(revoked_at__isnull=True)

    def issue(self, staff_member: StaffMember) -> tuple[StaffCalendarFeed, str]:
        """A new feed for ``staff_member``, revoking any earlier one (one live address per member);
        returns it with the raw token, which is shown once and never stored."""
        raw = secrets.token_urlsafe(32)
        self.active().filter(staff_member=staff_member).update(revoked_at=timezone.now())
        feed = self.create(staff_member=staff_member, token_hash=hash_token(raw))
        return feed, raw

    def for_token(self, raw: str) -> StaffCalendarFeed | None:
        """The live feed behind ``raw``, with its member and business loaded; ``None`` if unknown,
        revoked, or the member is no longer active."""
        return (
            self.active()
            .select_related("staff_member__business", "staff_member__user")
            .filter(token_hash=hash_token(raw), staff_member__is_active=True)
            .first()
        )


class StaffCalendarFeed(models.Model):
    """The ``.ics`` address of one staff member's schedule. Calendar programs fetch it without a
    session, so the address itself is the secret: only its hash is stored, and revoking it (or
    issuing a new one) makes the old address answer 404."""

    staff_member = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_fetched_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = StaffCalendarFeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff_member"],
                condition=Q(revoked_at__isnull=True),
                name="one_live_feed_per_staff_member",
            )
        ]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "live"
        return f"Calendar feed of {self.staff_member} ({state})"
