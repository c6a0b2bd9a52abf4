"""The transactional outbox: every change that must reach Microsoft Graph, written in the same
transaction as the change itself, so a confirmed booking can never be lost on its way."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .business import Business


class OutboxKind(models.TextChoices):
    CREATE = "create"
    UPDATE = "update"
    CANCEL = "cancel"
    DELETE = "delete"
    PUBLISH = "publish"
    UNPUBLISH = "unpublish"


class OutboxTarget(models.TextChoices):
    BUSINESS = "business"
    STAFF_MEMBER = "staff_member", "Staff member"
    SERVICE = "service"
    CUSTOM_QUESTION = "custom_question", "Custom question"
    CUSTOMER = "customer"
    APPOINTMENT = "appointment"


class OutboxState(models.TextChoices):
    PENDING = "pending"
    IN_FLIGHT = "in_flight", "In flight"
    DONE = "done"
    DEAD = "dead", "Dead (needs the owner)"


class OutboxItem(models.Model):
    """One change to deliver to Graph.

    ``target_type``/``target_id`` name the local record (``appointment``, ``customer``, ``service``,
    ``staff_member``, ``custom_question``, ``business``); the body is built from the record as it is
    when the item is delivered, so a booking moved twice before Graph heard of it is sent once.
    ``changed`` lists the model fields a PATCH sends (only what changed); ``message`` is a
    cancellation's message. ``attempts`` counts deliveries started; ``last_attempt`` remembers what
    an ambiguous create sent (its start, say) so the next attempt can look for it before creating.
    An item is claimed by setting ``state`` to in flight with a lease; a sweeper returns items whose
    lease expired (a worker died) to pending.
    """

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="outbox_items")
    kind = models.CharField(max_length=10, choices=OutboxKind.choices)
    target_type = models.CharField(max_length=16, choices=OutboxTarget.choices)
    target_id = models.UUIDField()
    changed = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    last_attempt = models.JSONField(default=dict, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                name="outbox_due",
                condition=Q(state="pending"),
            ),
            models.Index(fields=["target_type", "target_id", "id"], name="outbox_target"),
            models.Index(fields=["business", "state"], name="outbox_business_state"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_target_type_display()} {self.target_id} ({self.state})"
