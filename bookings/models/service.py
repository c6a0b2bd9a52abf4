from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from ..enums import PriceType
from ..fields import ValueField
from ..values import Location, Reminder, SchedulingPolicy
from .base import MirroredResource
from .business import Business
from .question import CustomQuestion
from .staff import StaffMember


def validate_positive_duration(value: timedelta) -> None:
    if value is not None and value <= timedelta(0):
        raise ValidationError("Must be longer than zero.")


def validate_non_negative_duration(value: timedelta) -> None:
    if value is not None and value < timedelta(0):
        raise ValidationError("Must not be negative.")


class Service(MirroredResource):
    """Something customers book (``bookingService``).

    ``scheduling_policy`` is null when the service follows its business's policy. A service with
    ``maximum_attendees_count`` above one is a group service: several customers share one slot.
    """

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="services")
    display_name = models.CharField(max_length=255)
    description = models.TextField(max_length=4000, blank=True)
    notes = models.TextField(max_length=4000, blank=True, help_text="Internal; customers do not see it.")
    additional_information = models.TextField(
        max_length=4000, blank=True, help_text="Sent to the customer with the confirmation."
    )
    default_duration = models.DurationField(
        default=timedelta(minutes=30), validators=[validate_positive_duration]
    )
    default_location = ValueField(value_type=Location, null=True, blank=True)
    default_price = models.FloatField(default=0.0, validators=[MinValueValidator(0)])
    default_price_type = models.CharField(max_length=20, choices=PriceType.choices, default=PriceType.NOT_SET)
    default_reminders = ValueField(value_type=Reminder, many=True, default=tuple, blank=True)
    pre_buffer = models.DurationField(default=timedelta(0), validators=[validate_non_negative_duration])
    post_buffer = models.DurationField(default=timedelta(0), validators=[validate_non_negative_duration])
    scheduling_policy = ValueField(
        value_type=SchedulingPolicy, null=True, blank=True, help_text="Empty: use the business's policy."
    )
    staff_members = models.ManyToManyField(StaffMember, blank=True, related_name="services")
    custom_questions = models.ManyToManyField(
        CustomQuestion, through="ServiceQuestion", blank=True, related_name="+"
    )
    maximum_attendees_count = models.PositiveIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    is_hidden_from_customers = models.BooleanField(default=False)
    is_location_online = models.BooleanField(default=False)
    is_anonymous_join_enabled = models.BooleanField(default=False)
    sms_notifications_enabled = models.BooleanField(default=False)
    is_customer_allowed_to_manage_booking = models.BooleanField(default=False)
    language_tag = models.CharField(max_length=35, blank=True)
    web_url = models.URLField(max_length=2000, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(fields=["business", "graph_id"], name="service_graph_id_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def booking_url(self) -> str:
        """Where customers book this service: Bookings' own page if Graph gave one, else the portal's."""
        return self.web_url or f"{settings.PORTAL_BASE_URL}/book/{self.business.slug}/{self.id}/"

    @property
    def is_group(self) -> bool:
        return self.maximum_attendees_count > 1


class ServiceQuestion(models.Model):
    """A custom question asked for a service (``bookingQuestionAssignment``)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="question_assignments")
    question = models.ForeignKey(CustomQuestion, on_delete=models.CASCADE, related_name="assignments")
    is_required = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["service", "question"], name="service_question_unique")
        ]

    def __str__(self) -> str:
        return f"{self.question} ({'required' if self.is_required else 'optional'})"
