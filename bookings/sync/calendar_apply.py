"""Writing one business's calendar snapshot (``calendar.py`` reads it from Graph): the
``graph``-origin appointments, the staff busy intervals and the overlap flags, inside the caller's
transaction, with a count of what changed."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef

from ..enums import Origin
from ..graph import calendar_mapping
from ..graph.calendar_mapping import CustomerInfo, MappedAppointment
from ..graph.mapping import MappingError
from ..models import (
    Appointment,
    AppointmentCustomer,
    AppointmentStaff,
    Business,
    BusyStatus,
    Customer,
    Service,
    StaffBusyInterval,
    StaffMember,
)

logger = logging.getLogger(__name__)

# How far back the window reaches: today's appointments that already started still block time.
LOOK_BEHIND = timedelta(days=1)
# Rows looked up by a list of ids, so that no query carries more parameters than SQLite allows.
ID_CHUNK = 500
TIMESTAMPS = ("created_date_time", "last_updated_date_time")


@dataclass(frozen=True)
class CalendarRefresh:
    """What one refresh of one business did.

    ``created``/``updated``/``unchanged``: graph-origin appointments; ``removed``: those Graph no
    longer lists, now cancelled; ``portal_bookings``: items that are the portal's own bookings, left
    alone; ``skipped``: items that could not be read; ``busy_intervals``: busy ranges stored;
    ``flagged``/``unflagged``: appointments that started / stopped overlapping a portal booking.
    ``error`` says why nothing was refreshed; ``busy_error`` why busy time was not (the rest was).
    ``problems`` lists skipped items and warnings, one line each.
    """

    business_id: str
    start: datetime | None = None
    end: datetime | None = None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    portal_bookings: int = 0
    skipped: int = 0
    busy_intervals: int = 0
    flagged: int = 0
    unflagged: int = 0
    error: str = ""
    busy_error: str = ""
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass(frozen=True)
class CalendarSnapshot:
    """Everything read from Graph for one business's window, before anything is written.

    ``availability`` is None when getStaffAvailability was not asked (no staff) or failed
    (``availability_error``); the busy intervals are then left as they are.
    """

    business_id: str
    start: datetime
    end: datetime
    staff_ids: tuple[str, ...]
    appointments: list[Any]
    availability: Any = None
    availability_error: str = ""


# --- Writing -------------------------------------------------------------------------------------


def apply_snapshot(business: Business, snapshot: CalendarSnapshot, now: datetime) -> CalendarRefresh:
    """Write ``snapshot`` for ``business`` inside the caller's transaction (which holds the
    business's row lock: one refresh at a time); returns what changed."""
    return _Apply(business, snapshot, now).run()


@dataclass
class _Apply:
    """Writes one snapshot (inside the caller's transaction) and counts what it did."""

    business: Business
    snapshot: CalendarSnapshot
    now: datetime
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def run(self) -> CalendarRefresh:
        snapshot = self.snapshot
        self.staff = dict(
            StaffMember.objects.filter(business=self.business, graph_id__isnull=False).values_list(
                "graph_id", "pk"
            )
        )
        self._appointments(snapshot.appointments)
        busy_error = snapshot.availability_error
        if snapshot.availability is not None:
            busy_error = self._busy_intervals(snapshot.availability)
        self._flag_overlaps()
        return CalendarRefresh(
            snapshot.business_id,
            snapshot.start,
            snapshot.end,
            **self.counts,
            busy_error=busy_error,
            problems=tuple(self.problems),
        )

    def count(self, name: str, amount: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + amount

    # --- appointments ---

    def _appointments(self, items: list[Any]) -> None:
        listed: set[str] = set()  # every id Graph listed, readable or not: none of them vanished
        mapped_items: list[MappedAppointment] = []
        for item in items:
            raw_id = item.get("id") if isinstance(item, dict) else None
            if isinstance(raw_id, str) and raw_id in listed:
                self.problems.append(f"{raw_id}: listed twice by Graph; the first copy was used")
                continue
            if isinstance(raw_id, str):
                listed.add(raw_id)
            try:
                mapped = calendar_mapping.appointment_fields(item)
            except MappingError as error:
                self.count("skipped")
                self.problems.append(f"{raw_id if isinstance(raw_id, str) else '(no id)'}: skipped: {error}")
                continue
            self.problems.extend(f"{mapped.graph_id}: {warning}" for warning in mapped.warnings)
            mapped_items.append(mapped)

        existing = self._existing({m.graph_id for m in mapped_items})
        services = self._ids(Service, {m.service_id for m in mapped_items if m.service_id})
        customers = self._ids(
            Customer, {c.customer_id for m in mapped_items for c in m.customers if c.customer_id}
        )
        pending = _PendingPortalBookings(self.business, self.snapshot.start, self.snapshot.end)
        new: list[_NewAppointment] = []
        seen: list[Any] = []
        for mapped in mapped_items:
            record = existing.get(mapped.graph_id)
            if (record is not None and record.origin != Origin.GRAPH) or (
                record is None and pending.matches(mapped)
            ):
                self.count("portal_bookings")
                continue
            staff_pks = self._staff_pks(mapped)
            fields = {**mapped.fields, "service_id": services.get(mapped.service_id)}
            fields.setdefault("is_cancelled", False)
            if fields["is_cancelled"]:
                fields["cancelled_at"] = record.cancelled_at if record and record.cancelled_at else self.now
            customer_rows = tuple(_customer_row(info, customers) for info in mapped.customers)
            try:
                if record is None:
                    new.append(_NewAppointment(self._new(mapped, fields), staff_pks, customer_rows))
                    continue
                outcome = self._update(record, fields, staff_pks, customer_rows)
            except ValidationError as error:
                self.count("skipped")
                self.problems.append(f"{mapped.graph_id}: skipped: {_describe(error)}")
                continue
            self.count(outcome)
            seen.append(record.pk)
        self._insert(new)
        seen.extend(item.record.pk for item in new)
        for chunk in _chunks(seen):
            Appointment.objects.filter(pk__in=chunk).update(last_synced_at=self.now)
        self._cancel_vanished(listed)

    def _existing(self, graph_ids: set[str]) -> dict[str, Appointment]:
        """Appointments of this business with these Graph ids, any origin, staff and customers loaded."""
        found: dict[str, Appointment] = {}
        for chunk in _chunks(sorted(graph_ids)):
            rows = Appointment.objects.filter(business=self.business, graph_id__in=chunk).prefetch_related(
                "staff_rows", "customer_rows"
            )
            found.update((row.graph_id, row) for row in rows)
        return found

    def _ids(self, model: type, graph_ids: set[str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for chunk in _chunks(sorted(graph_ids)):
            found.update(
                model.objects.filter(business=self.business, graph_id__in=chunk).values_list("graph_id", "pk")
            )
        return found

    def _staff_pks(self, mapped: MappedAppointment) -> tuple[Any, ...]:
        """Local staff of the appointment; an id not (yet) mirrored is left out and reported."""
        pks = []
        for staff_id in mapped.staff_member_ids:
            if staff_id in self.staff:
                pks.append(self.staff[staff_id])
            else:
                self.problems.append(
                    f"{mapped.graph_id}: staff member {staff_id} is not known here; left out"
                )
        return tuple(dict.fromkeys(pks))

    def _new(self, mapped: MappedAppointment, fields: dict[str, Any]) -> Appointment:
        record = Appointment(business=self.business, graph_id=mapped.graph_id, origin=Origin.GRAPH)
        _assign(record, fields)
        _validate(record, fields, self.problems)
        return record

    def _insert(self, new: list[_NewAppointment]) -> None:
        """New appointments with their staff and customer rows, a bulk insert each (a first
        refresh brings in everything Bookings holds for the coming months)."""
        # The push may have stored one of these ids on its portal booking since they were read:
        # that booking is already here, so its copy is not inserted.
        taken = set(
            Appointment.objects.filter(
                business=self.business, graph_id__in=[item.record.graph_id for item in new]
            ).values_list("graph_id", flat=True)
        )
        new = [item for item in new if item.record.graph_id not in taken]
        if not new:
            return
        Appointment.objects.bulk_create([item.record for item in new], batch_size=ID_CHUNK)
        AppointmentStaff.objects.bulk_create(
            [_staff_row(item.record, pk) for item in new for pk in item.staff_pks], batch_size=ID_CHUNK
        )
        AppointmentCustomer.objects.bulk_create(
            [AppointmentCustomer(appointment=item.record, **row) for item in new for row in item.customers],
            batch_size=ID_CHUNK,
        )
        self.count("created", len(new))

    def _update(
        self,
        record: Appointment,
        fields: dict[str, Any],
        staff_pks: tuple[Any, ...],
        customers: tuple[dict, ...],
    ) -> str:
        changes = {
            name: value
            for name, value in fields.items()
            if name not in TIMESTAMPS and getattr(record, name) != value
        }
        if changes.get("is_cancelled") is False:
            changes.update(cancelled_at=None, cancellation_message="")  # back in Bookings' calendar
        if not record.is_active:
            changes["is_active"] = True
        staff_changed = {row.staff_member_id for row in record.staff_rows.all()} != set(staff_pks)
        current_customers = tuple(_customer_values(row) for row in record.customer_rows.all())
        customers_changed = current_customers != customers
        if not (changes or staff_changed or customers_changed):
            return "unchanged"
        if changes:
            _assign(record, changes)
            _validate(record, changes, self.problems)
            record.save()
            stamps = {name: fields[name] for name in TIMESTAMPS if name in fields}
            if stamps:  # save() stamps now; a mirrored appointment keeps Bookings' own times
                Appointment.objects.filter(pk=record.pk).update(**stamps)
        if staff_changed:
            record.staff_rows.all().delete()
            AppointmentStaff.objects.bulk_create([_staff_row(record, pk) for pk in staff_pks])
        elif {"start", "end", "pre_buffer", "post_buffer", "is_cancelled", "is_active"} & set(changes):
            for row in record.staff_rows.all():
                row.appointment = record
                row.save()  # recomputes the blocked range
        if customers_changed:
            record.customer_rows.all().delete()
            AppointmentCustomer.objects.bulk_create(
                [AppointmentCustomer(appointment=record, **row) for row in customers]
            )
        return "updated"

    def _cancel_vanished(self, listed: set[str]) -> None:
        """Graph-origin appointments of the window that calendarView no longer lists: cancelled or
        deleted in Bookings (calendarView leaves cancelled ones out), or moved out of the window."""
        vanished = (
            Appointment.objects.filter(business=self.business, origin=Origin.GRAPH)
            .live()
            .overlapping(self.snapshot.start, self.snapshot.end)
        )
        pks = [pk for pk, graph_id in vanished.values_list("pk", "graph_id") if graph_id not in listed]
        for chunk in _chunks(pks):
            Appointment.objects.filter(pk__in=chunk).update(
                is_cancelled=True,
                cancelled_at=self.now,
                cancellation_message="No longer in Bookings' calendar.",
                last_updated_date_time=self.now,
            )
        if pks:
            self.count("removed", len(pks))

    # --- busy time ---

    def _busy_intervals(self, response: Any) -> str:
        """Replace the window's busy intervals of the staff asked about; an error message if the
        answer cannot be read at all (the intervals are then left as they were)."""
        try:
            items, problems = calendar_mapping.busy_items(response, business_zone=self.business.zone)
        except MappingError as error:
            return f"getStaffAvailability answer unreadable: {error}"
        self.problems.extend(problems)
        start, end = self.snapshot.start, self.snapshot.end
        staff_pks = [self.staff[staff_id] for staff_id in self.snapshot.staff_ids if staff_id in self.staff]
        rows = StaffBusyInterval.objects.filter(staff_member_id__in=staff_pks)
        replaced = rows.filter(start__lt=end, end__gt=start)
        # The parts of replaced rows outside the window were not read again: keep them.
        keep = []
        for row in replaced:
            if row.start < start:
                keep.append(_busy(row.staff_member_id, row.start, start, row.status, row.fetched_at))
            if row.end > end:
                keep.append(_busy(row.staff_member_id, end, row.end, row.status, row.fetched_at))
        replaced.delete()
        rows.filter(end__lte=self.now - LOOK_BEHIND).delete()  # in the past: nothing asks any more
        fresh = []
        for item in items:
            staff_pk = self.staff.get(item.staff_id)
            if staff_pk is None or item.staff_id not in self.snapshot.staff_ids:
                self.problems.append(
                    f"getStaffAvailability: staff member {item.staff_id} not asked for; skipped"
                )
                continue
            item_start, item_end = max(item.start, start), min(item.end, end)
            if item_start < item_end:
                fresh.append(_busy(staff_pk, item_start, item_end, item.status, self.now))
        StaffBusyInterval.objects.bulk_create([*keep, *fresh], batch_size=ID_CHUNK)
        self.count("busy_intervals", len(fresh))
        return ""

    # --- overlaps ---

    def _flag_overlaps(self) -> None:
        """Flag graph-origin appointments of the window whose staff time overlaps a live portal
        booking of the same staff member; unflag those that no longer do (or are cancelled)."""
        portal_rows = AppointmentStaff.objects.live().filter(
            staff_member_id=OuterRef("staff_member_id"),
            blocked_start__lt=OuterRef("blocked_end"),
            blocked_end__gt=OuterRef("blocked_start"),
            appointment__origin=Origin.PORTAL,
        )
        in_window = Appointment.objects.filter(business=self.business, origin=Origin.GRAPH).overlapping(
            self.snapshot.start, self.snapshot.end
        )
        overlapping = set(
            AppointmentStaff.objects.filter(appointment__in=in_window.live(), is_exclusive=False)
            .filter(Exists(portal_rows))
            .values_list("appointment_id", flat=True)
        )
        flagged = {
            pk: graph_id
            for pk, graph_id, flag in in_window.values_list("pk", "graph_id", "overlaps_portal_booking")
            if flag
        }
        to_flag = sorted(overlapping - set(flagged))
        to_clear = sorted(set(flagged) - overlapping)
        for chunk in _chunks(to_flag):
            Appointment.objects.filter(pk__in=chunk).update(overlaps_portal_booking=True)
        for chunk in _chunks(to_clear):
            Appointment.objects.filter(pk__in=chunk).update(overlaps_portal_booking=False)
        for graph_id, start in in_window.filter(pk__in=to_flag[:ID_CHUNK]).values_list("graph_id", "start"):
            logger.warning(
                "Appointment %s made in Bookings for %s overlaps a portal booking of the same staff "
                "member (business %s); flagged for the owner.",
                graph_id,
                start.isoformat(),
                self.business.graph_id,
            )
        if to_flag:
            self.count("flagged", len(to_flag))
        if to_clear:
            self.count("unflagged", len(to_clear))


@dataclass(frozen=True)
class _NewAppointment:
    record: Appointment
    staff_pks: tuple[Any, ...]
    customers: tuple[dict[str, Any], ...]


class _PendingPortalBookings:
    """Portal bookings not yet known to have reached Graph (no Graph id), found again by what the
    push sent: service, start, end and a customer's e-mail address. A refresh that reads Graph
    between the push's create and its recording of the Graph id must not copy the booking as a
    ``graph`` appointment (the push would then find its Graph id taken)."""

    def __init__(self, business: Business, start: datetime, end: datetime) -> None:
        self.keys: set[tuple[Any, ...]] = set()
        pending = (
            Appointment.objects.filter(business=business, origin=Origin.PORTAL, graph_id__isnull=True)
            .live()
            .overlapping(start, end)
            .values_list("start", "end", "service__graph_id", "customer_rows__email_address")
        )
        for start, end, service_id, email in pending:
            self.keys.add((start, end, service_id or None, (email or "").lower()))

    def matches(self, mapped: MappedAppointment) -> bool:
        if not self.keys:
            return False
        start, end = mapped.fields["start"], mapped.fields["end"]
        emails = {c.email_address.lower() for c in mapped.customers} or {""}
        return any((start, end, mapped.service_id, email) in self.keys for email in emails)


# --- helpers -------------------------------------------------------------------------------------


def _assign(record: Appointment, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(record, name, value)


def _validate(record: Appointment, changed: dict[str, Any], problems: list[str]) -> None:
    """The model's checks; an optional member it refuses (a malformed join URL, say) is put back to
    its default with a warning, so only a refused time skips the appointment."""
    try:
        record.full_clean(exclude=["business", "service"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        refused = set(getattr(error, "error_dict", {}))
        if not refused or refused & {"start", "end", "graph_id", "__all__"} or not refused <= set(changed):
            raise
        for name in refused:
            setattr(record, name, Appointment._meta.get_field(name).get_default())
            problems.append(f"{record.graph_id}: {name}: {'; '.join(error.message_dict[name])} Ignored.")


def _staff_row(record: Appointment, staff_pk: Any) -> AppointmentStaff:
    blocked = record.blocked
    return AppointmentStaff(
        appointment=record,
        staff_member_id=staff_pk,
        blocked_start=blocked.start,
        blocked_end=blocked.end,
        is_exclusive=False,  # graph-origin: stored and flagged, never refused (see holds_time_exclusively)
    )


def _customer_row(info: CustomerInfo, customers: dict[str, Any]) -> dict[str, Any]:
    return {
        "customer_id": customers.get(info.customer_id) if info.customer_id else None,
        "name": info.name,
        "email_address": info.email_address,
        "phone": info.phone,
        "notes": info.notes,
        "location": info.location,
        "time_zone": info.time_zone,
        "custom_question_answers": info.custom_question_answers,
    }


def _customer_values(row: AppointmentCustomer) -> dict[str, Any]:
    return {name: getattr(row, name) for name in _customer_row(CustomerInfo(), {})}


def _busy(
    staff_pk: Any, start: datetime, end: datetime, status: str, fetched_at: datetime
) -> StaffBusyInterval:
    known = status if status in BusyStatus.values else BusyStatus.UNKNOWN
    return StaffBusyInterval(
        staff_member_id=staff_pk, start=start, end=end, status=known, fetched_at=fetched_at
    )


def _chunks(values: Sequence[Any] | list[Any]) -> Iterable[list[Any]]:
    values = list(values)
    for index in range(0, len(values), ID_CHUNK):
        yield values[index : index + ID_CHUNK]


def _describe(error: ValidationError) -> str:
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
