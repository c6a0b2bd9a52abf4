"""Serializer fields for Graph's JSON types.

DRF's stock fields coerce (``"10"`` becomes 10, ``1`` becomes ``true``); Graph refuses a value of
the wrong JSON type, and so do these. Complex values delegate to ``bookings.values`` so that each
format is read in one place.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import isoformats
from ..enums import UNKNOWN_FUTURE_VALUE
from ..values import GraphValue, GraphValueError, read_many, write_many


class StrictCharField(serializers.CharField):
    default_error_messages = {"invalid": "Expected a string."}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictEmailField(serializers.EmailField):
    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictURLField(serializers.URLField):
    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    default_error_messages = {"invalid": "Expected true or false."}

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictFloatField(serializers.FloatField):
    default_error_messages = {"invalid": "Expected a number."}

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool) or not isinstance(data, int | float) or not math.isfinite(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    default_error_messages = {"invalid": "Expected an integer."}

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class ChoiceField(serializers.ChoiceField):
    """An enum member; refuses values outside the enum with the list of allowed ones.

    ``unknownFutureValue`` is refused too: it is Graph's stand-in for members a reader does not
    know yet, never a value anyone may write.
    """

    default_error_messages = {"invalid_choice": "'{input}' is not one of: {allowed}."}

    def to_internal_value(self, data: Any) -> str:
        allowed = [choice for choice in self.choices if choice != UNKNOWN_FUTURE_VALUE]
        if not isinstance(data, str) or data not in allowed:
            self.fail("invalid_choice", input=str(data)[:50], allowed=", ".join(allowed))
        return data


@extend_schema_field({"type": "string", "format": "duration", "example": "PT1H30M"})
class DurationField(serializers.Field):
    """An ISO 8601 duration (``PT1H30M``) as a ``timedelta``."""

    def __init__(self, *, allow_zero: bool = True, **kwargs: Any) -> None:
        self.allow_zero = allow_zero
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> timedelta:
        try:
            value = isoformats.parse_duration(data)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None
        if not self.allow_zero and value <= timedelta(0):
            raise serializers.ValidationError("Must be longer than zero.")
        return value

    def to_representation(self, value: timedelta) -> str:
        return isoformats.format_duration(value)


@extend_schema_field(
    {
        "type": "object",
        "properties": {"dateTime": {"type": "string"}, "timeZone": {"type": "string"}},
        "required": ["dateTime"],
    }
)
class DateTimeTimeZoneField(serializers.Field):
    """A Graph ``dateTimeTimeZone`` object, read to an aware UTC datetime and written back in UTC."""

    def to_internal_value(self, data: Any) -> datetime:
        try:
            return isoformats.parse_datetime_time_zone(data)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None

    def to_representation(self, value: datetime) -> dict[str, str]:
        return isoformats.format_datetime_time_zone(value)


@extend_schema_field(OpenApiTypes.DATETIME)
class DateTimeOffsetField(serializers.ReadOnlyField):
    """A read-only DateTimeOffset (``createdDateTime``) in UTC with ``Z``."""

    def to_representation(self, value: datetime) -> str | None:
        return isoformats.format_datetime_offset(value) if value else None


class TimeZoneNameField(StrictCharField):
    """An IANA or Windows time zone name, as Graph accepts them."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if value and not isoformats.is_time_zone(value):
            raise serializers.ValidationError(f"'{value[:50]}' is not a known time zone.")
        return value


@extend_schema_field(OpenApiTypes.OBJECT)
class GraphValueField(serializers.Field):
    """A Graph complex value (or, with ``many=True``, a collection of them) from ``bookings.values``."""

    def __init__(self, value_type: type[GraphValue], *, many: bool = False, **kwargs: Any) -> None:
        self.value_type = value_type
        self.many = many
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        try:
            if self.many:
                return read_many(self.value_type, data, writing=True)
            return self.value_type.from_graph(data, writing=True)
        except GraphValueError as error:
            # Nested under this field by DRF, so the OData error names e.g. "schedulingPolicy.maximumAdvance".
            raise serializers.ValidationError(
                {error.path: [error.message]} if error.path else [error.message]
            ) from None

    def to_representation(self, value: Any) -> Any:
        if self.many:
            return write_many(value or ())
        return value.to_graph() if isinstance(value, GraphValue) else value


class StringListField(serializers.ListField):
    """A JSON array of strings (``answerOptions``, ``staffMemberIds``)."""

    def __init__(self, *, max_items: int = 100, max_length: int = 500, **kwargs: Any) -> None:
        super().__init__(child=StrictCharField(max_length=max_length), max_length=max_items, **kwargs)
