from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from ..availability import Interval, blocked_range
from ..enums import Origin, PriceType
from ..fields import ValueField
from ..values import Location, QuestionAnswer, Reminder
from .base import MirroredResource
from .business import Business
from .customer import Customer
from .service import Service, validate_non_negative_duration
from .staff import StaffMember

NO_SELF_SERVICE_ID = "00000000-0000-0000-0000-000000000000"


class AppointmentQuerySet(models.QuerySet):
    def live(self) -> "AppointmentQuerySet":
        """Appointments that still take up time: neither cancelled nor deleted."""
        return self.filter(is_active=True, is_cancelled=False)

    def overlapping(self, start, end) -> "AppointmentQuerySet":
        """Appointments that overlap ``[start, end)`` (Outlook's calendarView semantics)."""
        return self.filter(start__lt=end, end__gt=start)


class AppointmentStaffQuerySet(models.QuerySet):
    def live(self) -> "AppointmentStaffQuerySet":
        """Staff rows of appointments that still take up time (``AppointmentQuerySet.live``)."""
        return self.filter(appointment__is_active=True, appointment__is_cancelled=False)


class Appointment(MirroredResource):
    """A booked appointment (``bookingAppointment``), made here (origin ``portal``) or read from
    Bookings (origin ``graph``). Times are stored in UTC; staff and customers hang off it in
    ``AppointmentStaff`` and ``AppointmentCustomer`` rows."""

    # Indexed by ``appointment_window`` and the Graph id constraint, which both start with it.
    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="appointments", db_index=False
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.PROTECT, related_name="appointments"
    )
    service_name = models.CharField(max_length=255, blank=True)
    service_notes = models.TextField(max_length=4000, blank=True)
    service_location = ValueField(value_type=Location, null=True, blank=True)
    start = models.DateTimeField(db_index=True)
    end = models.DateTimeField()
    pre_buffer = models.DurationField(default=timedelta(0), validators=[validate_non_negative_duration])
    post_buffer = models.DurationField(default=timedelta(0), validators=[validate_non_negative_duration])
    price = models.FloatField(default=0.0)
    price_type = models.CharField(max_length=20, choices=PriceType.choices, default=PriceType.NOT_SET)
    reminders = ValueField(value_type=Reminder, many=True, default=tuple, blank=True)
    maximum_attendees_count = models.PositiveIntegerField(default=1)
    customer_time_zone = models.CharField(max_length=64, blank=True)
    opt_out_of_customer_email = models.BooleanField(default=False)
    sms_notifications_enabled = models.BooleanField(default=False)
    is_location_online = models.BooleanField(default=False)
    is_customer_allowed_to_manage_booking = models.BooleanField(default=False)
    join_web_url = models.URLField(max_length=2000, null=True, blank=True)
    anonymous_join_web_url = models.URLField(max_length=2000, null=True, blank=True)
    self_service_appointment_id = models.CharField(max_length=64, default=NO_SELF_SERVICE_ID, blank=True)
    additional_information = models.TextField(max_length=4000, blank=True)
    appointment_label = models.CharField(max_length=255, blank=True)
    staff_members = models.ManyToManyField(
        StaffMember, through="AppointmentStaff", related_name="appointments"
    )
    is_cancelled = models.BooleanField(default=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_message = models.TextField(max_length=4000, blank=True)
    overlaps_portal_booking = models.BooleanField(
        default=False,
        help_text="Made in Bookings over a time the portal had already booked for the same staff member: "
        "kept as Bookings has it, flagged for the owner to resolve.",
    )

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["business", "start", "end"], name="appointment_window")]
        constraints = [
            models.UniqueConstraint(fields=["business", "graph_id"], name="appointment_graph_id_unique"),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="appointment_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_name or 'Appointment'} at {self.start:%Y-%m-%d %H:%M} UTC"

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": "The appointment must end after it starts."})

    @property
    def duration(self):
        return self.end - self.start

    @property
    def blocked(self) -> Interval:
        return blocked_range(self.start, self.end, self.pre_buffer, self.post_buffer)


class AppointmentStaff(models.Model):
    """A staff member on an appointment, with the range of time the appointment blocks for them."""

    # Both indexed by the composite index and constraint below, which start with them.
    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="staff_rows", db_index=False
    )
    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="appointment_rows", db_index=False
    )
    blocked_start = models.DateTimeField()
    blocked_end = models.DateTimeField()
    # Denormalised from the appointment so that PostgreSQL's exclusion constraint (migration 0004),
    # which can only look at this table, knows which rows may not overlap: those of live appointments
    # made here. Overlaps read from Graph are stored and flagged, never refused.
    is_exclusive = models.BooleanField(
        default=False,
        editable=False,
        help_text="A live portal appointment: no other such row of this staff member may overlap it.",
    )

    objects = AppointmentStaffQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        # "What blocks this staff member between S and E" is blocked_end > S and blocked_start < E.
        # Ordered by the end, the index scan starts at S and reads only what ends after it (the
        # future, for booking pages), not every appointment the staff member ever had.
        indexes = [
            models.Index(fields=["staff_member", "blocked_end", "blocked_start"], name="staff_blocked_until")
        ]
        constraints = [
            models.UniqueConstraint(fields=["appointment", "staff_member"], name="appointment_staff_unique"),
        ]

    def __str__(self) -> str:
        return str(self.staff_member)

    def save(self, *args, **kwargs) -> None:
        self.take_times_from(self.appointment)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "is_exclusive"}
        super().save(*args, **kwargs)

    def take_times_from(self, appointment: Appointment) -> None:
        """The blocked range and exclusivity the appointment gives this row (kept on every save)."""
        blocked = appointment.blocked
        self.blocked_start, self.blocked_end = blocked.start, blocked.end
        self.is_exclusive = holds_time_exclusively(appointment)


def holds_time_exclusively(appointment: Appointment) -> bool:
    """Whether the appointment's staff rows take part in the no-overlap guarantee."""
    return appointment.origin == Origin.PORTAL and appointment.is_active and not appointment.is_cancelled


class AppointmentCustomer(models.Model):
    """A customer on an appointment (``bookingCustomerInformation``): their details as given for
    this booking, their answers and notes."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="customer_rows")
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="appointment_rows"
    )
    name = models.CharField(max_length=255, blank=True)
    email_address = models.EmailField(max_length=320, blank=True)
    phone = models.CharField(max_length=64, blank=True)
    notes = models.TextField(max_length=4000, blank=True)
    location = ValueField(value_type=Location, null=True, blank=True)
    time_zone = models.CharField(max_length=64, blank=True)
    custom_question_answers = ValueField(value_type=QuestionAnswer, many=True, default=tuple, blank=True)
    request_key = models.CharField(
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="The booking form's one-time key: a form submitted twice finds this booking again "
        "instead of booking twice.",
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name or self.email_address or "Customer"
