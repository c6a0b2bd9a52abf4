from django.conf import settings
from django.db import models

from ..enums import MembershipStatus, StaffRole
from ..fields import ValueField
from ..values import WorkHours, standard_week
from .base import MirroredResource
from .business import Business, clean_week, validate_time_zone


class StaffMember(MirroredResource):
    """A person who delivers services (``bookingStaffMember``).

    ``user`` links the member to a portal account (matched by verified e-mail) so they can sign in
    and see their own schedule.
    """

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="staff_members")
    display_name = models.CharField(max_length=255)
    email_address = models.EmailField(max_length=320)
    role = models.CharField(max_length=20, choices=StaffRole.choices)
    membership_status = models.CharField(
        max_length=20, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    time_zone = models.CharField(max_length=64, blank=True, validators=[validate_time_zone])
    use_business_hours = models.BooleanField(default=True)
    working_hours = ValueField(value_type=WorkHours, many=True, default=standard_week, blank=True)
    availability_is_affected_by_personal_calendar = models.BooleanField(default=False)
    is_email_notification_enabled = models.BooleanField(default=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff_memberships",
    )

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(fields=["business", "graph_id"], name="staff_graph_id_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        clean_week(self.working_hours, "working_hours")
