"""What every Graph-shaped serializer shares: ids, timestamps, ``@odata.type``, list-only trimming."""

from __future__ import annotations

from typing import Any, ClassVar

from rest_framework import serializers

from ..fields import DateTimeOffsetField


def odata_type_matches(given: Any, expected: str) -> bool:
    return isinstance(given, str) and given.lstrip("#").lower() == expected.lstrip("#").lower()


class GraphSerializer(serializers.Serializer):
    """Translates one resource between Graph JSON and validated, snake_case data.

    Serializers only translate: lookups of related records happen through ``context["business"]``
    and writes happen in ``bookings.resources`` / ``bookings.booking``.
    """

    # Written on every item of polymorphic sets (staff, customers, questions), as Graph does.
    odata_type: ClassVar[str | None] = None
    # Checked on request bodies that declare one; defaults to ``odata_type``.
    accepted_odata_type: ClassVar[str | None] = None
    # Members Graph fills only when an item is read by id; lists show them empty.
    by_id_only: ClassVar[dict[str, Any]] = {}
    # Members that may be set on create but not changed afterwards (ignored on PATCH, as Graph does).
    create_only: ClassVar[tuple[str, ...]] = ()

    id = serializers.CharField(source="api_id", read_only=True)
    createdDateTime = DateTimeOffsetField(source="created_date_time")
    lastUpdatedDateTime = DateTimeOffsetField(source="last_updated_date_time")

    @property
    def business(self):
        return self.context["business"]

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise serializers.ValidationError("The request body must be a JSON object.")
        given_type = data.get("@odata.type")
        expected = self.accepted_odata_type or self.odata_type
        if expected and given_type is not None and not odata_type_matches(given_type, expected):
            raise serializers.ValidationError(
                {"@odata.type": [f"Expected '{expected}', got '{str(given_type)[:80]}'."]}
            )
        if self.instance is not None and self.create_only:
            data = {key: value for key, value in data.items() if key not in self.create_only}
        return super().to_internal_value(data)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        # Graph lists the timestamps after the resource's own members.
        for name in ("createdDateTime", "lastUpdatedDateTime"):
            data[name] = data.pop(name)
        if self.context.get("listing"):
            data.update(self.by_id_only)
        if self.odata_type:
            data = {"@odata.type": self.odata_type, **data}
        return data
