"""Appointments of a business, their cancel action, and calendarView."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from ... import access, booking, isoformats, selectors
from ...models import Appointment, Business, StaffMember
from ..errors import ODataError
from ..fields import StrictCharField
from ..serializers.appointment import AppointmentSerializer
from .base import ResourceCollectionView, ResourceItemView, ResourceSpec


def _split(validated: dict[str, Any]) -> tuple[dict[str, Any], Any, Any]:
    """Separate plain appointment fields from staff and customers (written as rows)."""
    fields = dict(validated)
    staff = fields.pop("staff_members", None)
    rows = fields.pop("customer_rows", None)
    customers = None if rows is None else [booking.CustomerDetails(**row) for row in rows]
    return fields, staff, customers


def _create(business: Business, validated: dict[str, Any]) -> Appointment:
    fields, staff, customers = _split(validated)
    return booking.create_appointment(
        business=business, staff_members=staff or (), customers=customers or (), **fields
    )


def _update(appointment: Appointment, validated: dict[str, Any]) -> Appointment:
    fields, staff, customers = _split(validated)
    return booking.update_appointment(appointment, fields, staff_members=staff, customers=customers)


def _may_save(
    member: StaffMember | None, fields: dict[str, Any], *, owner: bool, instance: Appointment | None
) -> bool:
    """A change that leaves the staff alone keeps an appointment the caller already sees; a new one
    or new staff must include the caller, unless their role sees the whole business."""
    if instance is not None and "staff_members" not in fields:
        return True
    return access.may_staff_appointment(member, fields.get("staff_members") or (), owner=owner)


APPOINTMENTS = ResourceSpec(
    segment="appointments",
    serializer=AppointmentSerializer,
    queryset=selectors.appointments,
    create=_create,
    update=_update,
    delete=booking.delete_appointment,
    seen_by=access.appointments_seen,
    may_save=_may_save,
    refused_save=(
        "Your role in this booking business books only appointments you are on: "
        "include your own staff member id in staffMemberIds."
    ),
)


class AppointmentsView(ResourceCollectionView):
    spec = APPOINTMENTS


class AppointmentView(ResourceItemView):
    spec = APPOINTMENTS


class CancellationSerializer(serializers.Serializer):
    cancellationMessage = StrictCharField(max_length=4000, required=False, allow_null=True)


class CancelAppointmentView(ResourceItemView):
    """``POST …/appointments/{id}/cancel``: 204, or 404 when there is no such (live) appointment."""

    spec = APPOINTMENTS
    http_method_names = ["post", "options"]

    @extend_schema(request=CancellationSerializer, responses={204: None})
    def post(self, request: Request, business_id: str, item_id: str) -> Response:
        appointment = self.get_object()
        serializer = CancellationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        booking.cancel_appointment(
            appointment, message=serializer.validated_data.get("cancellationMessage") or ""
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


def _window_bound(request: Request, *names: str) -> Any:
    for name in names:
        raw = request.query_params.get(name)
        if raw:
            try:
                return isoformats.parse_datetime_offset(raw)
            except ValueError as error:
                raise ODataError(f"Invalid value for '{name}': {error}", code="BadRequest") from None
    raise ODataError(
        "calendarView needs the query options 'start' and 'end' (ISO 8601, e.g. 2025-05-01T00:00:00Z).",
        code="BadRequest",
    )


class CalendarView(AppointmentsView):
    """``GET …/calendarView?start=…&end=…``: live appointments overlapping the window."""

    http_method_names = ["get", "options"]

    def get(self, request: Request, business_id: str) -> Response:
        start = _window_bound(request, "start", "startDateTime")
        end = _window_bound(request, "end", "endDateTime")
        if end <= start:
            raise ODataError("'end' must be later than 'start'.", code="BadRequest")
        return self.collection(
            self.visible(selectors.calendar_view(self.business, start, end)),
            AppointmentSerializer,
            self.fragment("calendarView"),
            business=self.business,
        )
