"""Time a staff member is busy outside the portal's appointments, read from getStaffAvailability."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from .staff import StaffMember


class BusyStatus(models.TextChoices):
    BUSY = "busy"
    OUT_OF_OFFICE = "outOfOffice", "Out of office"
    UNKNOWN = "unknown"


class StaffBusyInterval(models.Model):
    """A range in which Bookings reports the staff member as not available (their Outlook calendar,
    out-of-office, or appointments the portal has not seen yet). The availability engine treats it
    like an appointment's blocked range. Rows of a refreshed window are replaced as a whole."""

    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="busy_intervals", db_index=False
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(max_length=16, choices=BusyStatus.choices, default=BusyStatus.BUSY)
    fetched_at = models.DateTimeField()

    class Meta:
        ordering = ["staff_member", "start"]
        # Ordered by the end, as ``staff_blocked_until``: a look-up from S on reads what ends after S.
        indexes = [models.Index(fields=["staff_member", "end", "start"], name="busy_staff_until")]
        constraints = [models.CheckConstraint(condition=Q(end__gt=F("start")), name="busy_interval_positive")]

    def __str__(self) -> str:
        return f"{self.staff_member} {self.get_status_display()} {self.start:%Y-%m-%d %H:%M}-{self.end:%H:%M}"
