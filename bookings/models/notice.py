"""E-mails owed to customers about their bookings, written in the booking's own transaction."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .appointment import Appointment, AppointmentCustomer


class NoticeKind(models.TextChoices):
    CONFIRMATION = "confirmation"
    RESCHEDULED = "rescheduled"
    REMINDER = "reminder"


class Notice(models.Model):
    """One e-mail to one customer, due at ``due_at``; sent once by ``notices.send_due``.

    Written with the change it is about, so a booking that committed always gets its confirmation,
    and a database constraint allows one confirmation per booking however often the form is sent.
    Reminders follow the service's ``defaultReminders`` and are found by a periodic scan when due,
    never by long-delayed tasks. ``claimed_until`` is a sender's lease: a sender that died leaves the
    notice to be sent by the next scan.
    """

    kind = models.CharField(max_length=16, choices=NoticeKind.choices)
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="notices")
    row = models.ForeignKey(
        AppointmentCustomer, null=True, blank=True, on_delete=models.SET_NULL, related_name="notices"
    )
    due_at = models.DateTimeField(default=timezone.now)
    message = models.TextField(blank=True, help_text="A reminder's own text, from the service.")
    sent_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["due_at"], name="notice_due", condition=Q(sent_at__isnull=True))]
        constraints = [
            models.UniqueConstraint(
                fields=["row"], condition=Q(kind="confirmation"), name="one_confirmation_per_booking"
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} for {self.row or self.appointment} due {self.due_at:%Y-%m-%d %H:%M}"
        )
