"""Serializer of ``bookingAppointment`` and its ``bookingCustomerInformation`` items."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ... import selectors
from ...enums import PriceType
from ...values import Location, QuestionAnswer, Reminder
from ..fields import (
    ChoiceField,
    DateTimeTimeZoneField,
    DurationField,
    GraphValueField,
    StrictBooleanField,
    StrictCharField,
    StrictEmailField,
    StrictFloatField,
    StrictIntegerField,
    StringListField,
    TimeZoneNameField,
)
from .base import GraphSerializer, odata_type_matches

CUSTOMER_INFORMATION_TYPE = "#microsoft.graph.bookingCustomerInformation"
# Members spelled differently by newer documentation pages (beta names); accepted as aliases.
TIME_ALIASES = {"start": "startDateTime", "end": "endDateTime"}
MAX_CUSTOMERS = 500
# Single-customer members of the appointment and the customers[] member each stands for.
SINGLE_CUSTOMER_MEMBERS = {
    "customer_name": "name",
    "customer_email_address": "email_address",
    "customer_phone": "phone",
    "customer_notes": "notes",
}


class CustomerInformationSerializer(serializers.Serializer):
    customerId = StrictCharField(source="customer_id", max_length=100, required=False, allow_null=True)
    name = StrictCharField(max_length=255, required=False, allow_null=True)
    emailAddress = StrictEmailField(
        source="email_address", max_length=320, required=False, allow_blank=True, allow_null=True
    )
    phone = StrictCharField(max_length=64, required=False, allow_null=True)
    notes = StrictCharField(max_length=4000, required=False, allow_null=True)
    location = GraphValueField(Location, required=False, allow_null=True)
    timeZone = TimeZoneNameField(source="time_zone", required=False, allow_null=True)
    customQuestionAnswers = GraphValueField(
        QuestionAnswer, many=True, source="custom_question_answers", required=False
    )

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if (
            isinstance(data, dict)
            and data.get("@odata.type") is not None
            and not odata_type_matches(data["@odata.type"], CUSTOMER_INFORMATION_TYPE)
        ):
            raise serializers.ValidationError({"@odata.type": [f"Expected '{CUSTOMER_INFORMATION_TYPE}'."]})
        return super().to_internal_value(data)

    def to_representation(self, row: Any) -> dict[str, Any]:
        return {
            "@odata.type": CUSTOMER_INFORMATION_TYPE,
            "customerId": row.customer.api_id if row.customer_id else None,
            "name": row.name,
            "emailAddress": row.email_address,
            "phone": row.phone,
            "notes": None if self.context.get("listing") else (row.notes or None),
            "location": row.location.to_graph() if row.location else None,
            "timeZone": row.time_zone or None,
            "customQuestionAnswers": [answer.to_graph() for answer in row.custom_question_answers],
        }


class AppointmentSerializer(GraphSerializer):
    accepted_odata_type = "#microsoft.graph.bookingAppointment"
    by_id_only = {"serviceNotes": None, "reminders": [], "customerNotes": None}
    create_only = ("customerNotes",)

    selfServiceAppointmentId = serializers.CharField(source="self_service_appointment_id", read_only=True)
    serviceId = StrictCharField(source="service", max_length=100, allow_blank=False, write_only=True)
    serviceName = StrictCharField(source="service_name", max_length=255, required=False)
    serviceNotes = StrictCharField(source="service_notes", max_length=4000, required=False, allow_null=True)
    serviceLocation = GraphValueField(Location, source="service_location", required=False, allow_null=True)
    startDateTime = DateTimeTimeZoneField(source="start")
    endDateTime = DateTimeTimeZoneField(source="end", required=False)
    duration = DurationField(read_only=True)
    preBuffer = DurationField(source="pre_buffer", required=False)
    postBuffer = DurationField(source="post_buffer", required=False)
    price = StrictFloatField(min_value=0, required=False)
    priceType = ChoiceField(source="price_type", choices=PriceType.values, required=False)
    reminders = GraphValueField(Reminder, many=True, required=False)
    staffMemberIds = StringListField(source="staff_members", required=False, max_items=100, write_only=True)
    customers = CustomerInformationSerializer(source="customer_rows", many=True, required=False)
    customerName = StrictCharField(
        source="customer_name", max_length=255, required=False, allow_null=True, write_only=True
    )
    customerEmailAddress = StrictEmailField(
        source="customer_email_address",
        max_length=320,
        required=False,
        allow_blank=True,
        allow_null=True,
        write_only=True,
    )
    customerPhone = StrictCharField(
        source="customer_phone", max_length=64, required=False, allow_null=True, write_only=True
    )
    customerNotes = StrictCharField(
        source="customer_notes", max_length=4000, required=False, allow_null=True, write_only=True
    )
    customerTimeZone = TimeZoneNameField(source="customer_time_zone", required=False, allow_null=True)
    maximumAttendeesCount = StrictIntegerField(
        source="maximum_attendees_count", min_value=1, max_value=10000, required=False
    )
    filledAttendeesCount = serializers.SerializerMethodField()
    optOutOfCustomerEmail = StrictBooleanField(source="opt_out_of_customer_email", required=False)
    smsNotificationsEnabled = StrictBooleanField(source="sms_notifications_enabled", required=False)
    isLocationOnline = StrictBooleanField(source="is_location_online", required=False)
    isCustomerAllowedToManageBooking = StrictBooleanField(
        source="is_customer_allowed_to_manage_booking", required=False
    )
    joinWebUrl = serializers.URLField(source="join_web_url", max_length=2000, required=False, allow_null=True)
    anonymousJoinWebUrl = serializers.URLField(
        source="anonymous_join_web_url", max_length=2000, required=False, allow_null=True
    )
    additionalInformation = StrictCharField(source="additional_information", max_length=4000, required=False)
    appointmentLabel = StrictCharField(source="appointment_label", max_length=255, required=False)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, dict):
            data = dict(data)
            for alias, name in TIME_ALIASES.items():
                if alias in data and name not in data:
                    data[name] = data.pop(alias)
        return super().to_internal_value(data)

    def get_filledAttendeesCount(self, instance: Any) -> int:
        return len(instance.customer_rows.all())

    def validate_serviceId(self, value: str):
        service = selectors.find_service(self.business, value)
        if service is None:
            raise serializers.ValidationError(f"Unknown service id '{value[:100]}'.")
        return service

    def validate_staffMemberIds(self, value: list[str]) -> list:
        found, missing = selectors.staff_members_by_ids(self.business, value)
        if missing:
            raise serializers.ValidationError(f"Unknown staff member id(s): {', '.join(missing[:5])}.")
        return found

    def validate_customers(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if len(value) > MAX_CUSTOMERS:
            raise serializers.ValidationError(f"At most {MAX_CUSTOMERS} customers per appointment.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start = attrs.get("start", getattr(self.instance, "start", None))
        end = attrs.get("end", getattr(self.instance, "end", None))
        if start and end and end <= start:
            raise serializers.ValidationError({"endDateTime": ["The appointment must end after it starts."]})
        return self._fold_single_customer_members(attrs)

    @staticmethod
    def _fold_single_customer_members(attrs: dict[str, Any]) -> dict[str, Any]:
        """Graph's single-customer members (``customerName``, ``customerEmailAddress``, …) describe
        the first ``customers[]`` entry; fold them into it so the rest of the code sees one list."""
        members = SINGLE_CUSTOMER_MEMBERS.items()
        single = {row: attrs.pop(member) for member, row in members if member in attrs}
        rows = attrs.get("customer_rows")
        if rows is None and any(single.get(name) for name in ("name", "email_address", "phone")):
            rows = attrs["customer_rows"] = [{"time_zone": attrs.get("customer_time_zone")}]
        if rows:
            for name, value in single.items():
                if value and not rows[0].get(name):
                    rows[0][name] = value
        if "customer_time_zone" in attrs and attrs["customer_time_zone"] is None:
            attrs["customer_time_zone"] = ""
        return attrs

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        rows = list(instance.customer_rows.all())
        first = rows[0] if rows else None
        data["serviceId"] = instance.service.api_id if instance.service_id else None
        data["staffMemberIds"] = [row.staff_member.api_id for row in instance.staff_rows.all()]
        data["customerName"] = first.name if first else None
        data["customerEmailAddress"] = first.email_address if first else None
        data["customerPhone"] = first.phone if first else None
        data["customerNotes"] = None if self.context.get("listing") or not first else (first.notes or None)
        return data
