"""Serializers of a business's definitions: staff members, custom questions, services, customers."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ... import selectors
from ...enums import EVOLVED_STAFF_ROLES, AnswerInputType, PriceType, StaffRole
from ...values import Location, Phone, PhysicalAddress, Reminder, SchedulingPolicy, WorkHours, validate_week
from ..fields import (
    ChoiceField,
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
from .base import GraphSerializer


def _week(value: tuple[WorkHours, ...]) -> tuple[WorkHours, ...]:
    try:
        validate_week(value)
    except ValueError as error:
        raise serializers.ValidationError(str(error)) from None
    return value


class StaffMemberSerializer(GraphSerializer):
    odata_type = "#microsoft.graph.bookingStaffMember"

    displayName = StrictCharField(source="display_name", max_length=255, allow_blank=False)
    emailAddress = StrictEmailField(source="email_address", max_length=320)
    role = ChoiceField(choices=StaffRole.values)
    membershipStatus = serializers.CharField(source="membership_status", read_only=True)
    timeZone = TimeZoneNameField(source="time_zone", required=False)
    useBusinessHours = StrictBooleanField(source="use_business_hours", required=False)
    workingHours = GraphValueField(WorkHours, many=True, source="working_hours", required=False)
    availabilityIsAffectedByPersonalCalendar = StrictBooleanField(
        source="availability_is_affected_by_personal_calendar", required=False
    )
    isEmailNotificationEnabled = StrictBooleanField(source="is_email_notification_enabled", required=False)

    def validate_workingHours(self, value: tuple[WorkHours, ...]) -> tuple[WorkHours, ...]:
        return _week(value)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        # Newer roles reach only clients that asked for them (``Prefer: include-unknown-enum-members``).
        if data["role"] in EVOLVED_STAFF_ROLES and not self.context.get("include_unknown_enums"):
            data["role"] = StaffRole.UNKNOWN_FUTURE_VALUE.value
        return data


class CustomQuestionSerializer(GraphSerializer):
    odata_type = "#microsoft.graph.bookingCustomQuestion"

    displayName = StrictCharField(source="display_name", max_length=1000, allow_blank=False)
    answerInputType = ChoiceField(source="answer_input_type", choices=AnswerInputType.values, required=False)
    answerOptions = StringListField(source="answer_options", required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        kind = attrs.get(
            "answer_input_type", getattr(self.instance, "answer_input_type", AnswerInputType.TEXT)
        )
        options = attrs.get("answer_options", getattr(self.instance, "answer_options", []))
        if kind == AnswerInputType.RADIO_BUTTON and not options:
            raise serializers.ValidationError(
                {"answerOptions": ["A radioButton question needs answer options."]}
            )
        return attrs


class QuestionAssignmentSerializer(serializers.Serializer):
    questionId = StrictCharField(max_length=100, allow_blank=False)
    isRequired = StrictBooleanField(required=False, default=False)


class ServiceSerializer(GraphSerializer):
    accepted_odata_type = "#microsoft.graph.bookingService"
    by_id_only = {"defaultReminders": []}

    displayName = StrictCharField(source="display_name", max_length=255, allow_blank=False)
    description = StrictCharField(max_length=4000, required=False)
    notes = StrictCharField(max_length=4000, required=False)
    additionalInformation = StrictCharField(source="additional_information", max_length=4000, required=False)
    defaultDuration = DurationField(source="default_duration", allow_zero=False, required=False)
    defaultLocation = GraphValueField(Location, source="default_location", required=False, allow_null=True)
    defaultPrice = StrictFloatField(source="default_price", min_value=0, required=False)
    defaultPriceType = ChoiceField(source="default_price_type", choices=PriceType.values, required=False)
    defaultReminders = GraphValueField(Reminder, many=True, source="default_reminders", required=False)
    preBuffer = DurationField(source="pre_buffer", required=False)
    postBuffer = DurationField(source="post_buffer", required=False)
    schedulingPolicy = GraphValueField(
        SchedulingPolicy, source="scheduling_policy", required=False, allow_null=True
    )
    # Written as ids, read back from the (prefetched) relations in to_representation.
    staffMemberIds = StringListField(source="staff_members", required=False, max_items=100, write_only=True)
    customQuestions = QuestionAssignmentSerializer(
        source="question_assignments", many=True, required=False, write_only=True
    )
    maximumAttendeesCount = StrictIntegerField(
        source="maximum_attendees_count", min_value=1, max_value=10000, required=False
    )
    isHiddenFromCustomers = StrictBooleanField(source="is_hidden_from_customers", required=False)
    isLocationOnline = StrictBooleanField(source="is_location_online", required=False)
    isAnonymousJoinEnabled = StrictBooleanField(source="is_anonymous_join_enabled", required=False)
    smsNotificationsEnabled = StrictBooleanField(source="sms_notifications_enabled", required=False)
    isCustomerAllowedToManageBooking = StrictBooleanField(
        source="is_customer_allowed_to_manage_booking", required=False
    )
    languageTag = StrictCharField(source="language_tag", max_length=35, required=False)
    webUrl = serializers.CharField(source="booking_url", read_only=True)

    def validate_staffMemberIds(self, value: list[str]) -> list:
        found, missing = selectors.staff_members_by_ids(self.business, value)
        if missing:
            raise serializers.ValidationError(f"Unknown staff member id(s): {', '.join(missing[:5])}.")
        return found

    def validate_customQuestions(self, value: list[dict[str, Any]]) -> list[tuple[Any, bool]]:
        ids = [item["questionId"] for item in value]
        if len(set(ids)) != len(ids):
            raise serializers.ValidationError("A question may be assigned only once.")
        found, missing = selectors.custom_questions_by_ids(self.business, ids)
        if missing:
            raise serializers.ValidationError(f"Unknown custom question id(s): {', '.join(missing[:5])}.")
        if len({question.pk for question in found}) != len(found):
            raise serializers.ValidationError("A question may be assigned only once.")
        return [
            (question, item.get("isRequired", False)) for question, item in zip(found, value, strict=True)
        ]

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["staffMemberIds"] = [staff.api_id for staff in instance.staff_members.all() if staff.is_active]
        data["customQuestions"] = [
            {"questionId": assignment.question.api_id, "isRequired": assignment.is_required}
            for assignment in instance.question_assignments.all()
            if assignment.question.is_active
        ]
        return data


class CustomerSerializer(GraphSerializer):
    odata_type = "#microsoft.graph.bookingCustomer"

    displayName = StrictCharField(source="display_name", max_length=255, allow_blank=False)
    emailAddress = StrictEmailField(source="email_address", max_length=320, required=False, allow_blank=True)
    addresses = GraphValueField(PhysicalAddress, many=True, required=False)
    phones = GraphValueField(Phone, many=True, required=False)

    def validate_emailAddress(self, value: str) -> str:
        if value and selectors.customer_email_taken(self.business, value, exclude=self.instance):
            raise serializers.ValidationError(
                "This business already has a customer with that e-mail address."
            )
        return value


__all__ = [
    "CustomQuestionSerializer",
    "CustomerSerializer",
    "ServiceSerializer",
    "StaffMemberSerializer",
]
