from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

from .. import isoformats
from ..enums import SyncState
from ..fields import ValueField
from ..values import (
    BookingPageSettings,
    PhysicalAddress,
    SchedulingPolicy,
    WorkHours,
    standard_week,
    validate_week,
)
from .base import Timestamped


def validate_time_zone(value: str) -> None:
    if value and not isoformats.is_time_zone(value):
        raise ValidationError(f"'{value}' is not a known time zone.", code="invalid_time_zone")


def clean_week(hours, field: str) -> None:
    """Model-level check of a week of hours (``business_hours``, ``working_hours``)."""
    try:
        validate_week(hours or ())
    except ValueError as error:
        raise ValidationError({field: str(error)}) from None


def default_time_zone() -> str:
    return settings.BOOKINGS_DEFAULT_TIME_ZONE


class Business(Timestamped):
    """A booking business (``bookingBusiness``): one Bookings calendar with its own mailbox.

    Graph identifies a business by the SMTP address of that mailbox (``graph_id``); comparisons are
    case-insensitive, as Graph's are. A business created through the portal's API gets the address
    Bookings would give it, so clients can use the id at once.
    """

    graph_id = models.CharField(
        "mailbox address",
        max_length=320,
        help_text="Graph's id: the booking mailbox's SMTP address.",
        editable=False,
    )
    slug = models.SlugField(
        max_length=80, unique=True, help_text="Used in the portal's booking page addresses."
    )
    display_name = models.CharField(max_length=255)
    business_type = models.CharField(max_length=255, blank=True)
    email = models.EmailField(max_length=320, blank=True)
    phone = models.CharField(max_length=64, blank=True)
    web_site_url = models.URLField(max_length=2000, blank=True)
    address = ValueField(value_type=PhysicalAddress, null=True, blank=True)
    business_hours = ValueField(value_type=WorkHours, many=True, default=standard_week, blank=True)
    scheduling_policy = ValueField(value_type=SchedulingPolicy, default=SchedulingPolicy)
    default_currency_iso = models.CharField(max_length=3, default="USD")
    language_tag = models.CharField(max_length=35, default="en-US", blank=True)
    is_published = models.BooleanField(default=False, editable=False)
    public_url = models.URLField(max_length=2000, null=True, blank=True, editable=False)
    booking_page_settings = ValueField(value_type=BookingPageSettings, null=True, blank=True)
    time_zone = models.CharField(
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text="IANA zone the business's hours are in (Graph keeps none at business level).",
    )
    is_active = models.BooleanField(default=True)
    last_synced_at = models.DateTimeField(null=True, blank=True, editable=False)
    sync_state = models.CharField(
        max_length=10, choices=SyncState.choices, default=SyncState.NEVER, editable=False
    )
    sync_error = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name_plural = "businesses"
        ordering = ["display_name"]
        constraints = [models.UniqueConstraint(Lower("graph_id"), name="business_graph_id_unique_ci")]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        clean_week(self.business_hours, "business_hours")

    @property
    def zone(self) -> ZoneInfo:
        """The business's zone: its page settings' zone if Bookings names one, else ``time_zone``."""
        page = self.booking_page_settings
        page_zone = page.business_time_zone if isinstance(page, BookingPageSettings) else None
        return isoformats.resolve_time_zone(page_zone or self.time_zone)
