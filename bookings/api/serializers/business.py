from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ...models import Currency
from ...values import BookingPageSettings, PhysicalAddress, SchedulingPolicy, WorkHours, validate_week
from ..fields import GraphValueField, StrictCharField, StrictEmailField, StrictURLField
from .base import GraphSerializer


class BusinessListItemSerializer(serializers.Serializer):
    """Graph lists businesses with their id and name only."""

    id = serializers.CharField(source="graph_id", read_only=True)
    displayName = serializers.CharField(source="display_name", read_only=True)


class BusinessSerializer(GraphSerializer):
    accepted_odata_type = "#microsoft.graph.bookingBusiness"
    # Graph cannot rename a business or change its e-mail by PATCH (that is an Exchange mailbox
    # change); its own sample still sends ``email``, so both are accepted and ignored on update.
    create_only = ("displayName", "email")

    id = serializers.CharField(source="graph_id", read_only=True)
    displayName = StrictCharField(source="display_name", max_length=255, allow_blank=False)
    businessType = StrictCharField(source="business_type", max_length=255, required=False)
    phone = StrictCharField(max_length=64, required=False)
    email = StrictEmailField(max_length=320, required=False, allow_blank=True)
    webSiteUrl = StrictURLField(source="web_site_url", max_length=2000, required=False, allow_blank=True)
    languageTag = StrictCharField(source="language_tag", max_length=35, required=False)
    defaultCurrencyIso = StrictCharField(source="default_currency_iso", max_length=3, required=False)
    isPublished = serializers.BooleanField(source="is_published", read_only=True)
    publicUrl = serializers.CharField(source="public_url", read_only=True)
    address = GraphValueField(PhysicalAddress, required=False, allow_null=True)
    businessHours = GraphValueField(WorkHours, many=True, source="business_hours", required=False)
    schedulingPolicy = GraphValueField(SchedulingPolicy, source="scheduling_policy", required=False)
    bookingPageSettings = GraphValueField(
        BookingPageSettings, source="booking_page_settings", required=False, allow_null=True
    )

    field_order = (
        "id",
        "displayName",
        "businessType",
        "phone",
        "email",
        "webSiteUrl",
        "languageTag",
        "defaultCurrencyIso",
        "isPublished",
        "publicUrl",
        "address",
        "businessHours",
        "schedulingPolicy",
        "bookingPageSettings",
    )

    def validate_businessHours(self, value: tuple[WorkHours, ...]) -> tuple[WorkHours, ...]:
        try:
            validate_week(value)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None
        return value

    def validate_defaultCurrencyIso(self, value: str) -> str:
        code = value.upper()
        if not Currency.objects.filter(pk=code).exists():
            raise serializers.ValidationError(f"'{value}' is not a supported ISO 4217 currency code.")
        return code

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        return {name: data[name] for name in (*self.field_order, "createdDateTime", "lastUpdatedDateTime")}
