"""The reads every booking page and booking POST makes, written out as SQL.

Django builds and compiles an ORM query afresh on every call. For these small, hot reads that costs
more than the database takes to answer them (1 to 3 ms of Python each, against a few tenths for the
same statement written out), and a booking makes several: they set how many bookings a web process
can take per second. So they are written here once, as SQL that SQLite and PostgreSQL both run,
with parameters prepared and results converted the way the ORM would (``Model.objects.raw`` for
whole rows). ``selectors`` stays the module callers use; ``tests/test_queries.py`` holds each of
these to the ORM query it replaces, on both databases.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

from django.db import connection, models
from django.utils.dateparse import parse_datetime

from .availability import Interval
from .models import AppointmentCustomer, Business, Customer, Service, ServiceQuestion, StaffMember
from .values import WorkHours

_UUID = models.UUIDField()


def _uuid_param(value: uuid.UUID) -> Any:
    """A UUID as the backend stores it (native on PostgreSQL, 32 hex digits on SQLite)."""
    return _UUID.get_db_prep_value(value, connection)


def _moment_param(value: datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _uuid_value(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


def _moment_value(value: Any) -> datetime:
    """An aware UTC datetime from a column read without the ORM (SQLite gives naive UTC)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


def bookable_service_at(slug: str, service_id: uuid.UUID) -> Service | None:
    """``selectors.bookable_service_at``: the service at ``/book/<slug>/<service_id>/`` with its
    business loaded, if customers may book it (active, not hidden, delivered by an active staff
    member of its business, in an active published business)."""
    business = next(
        iter(
            Business.objects.raw(
                "SELECT * FROM bookings_business WHERE slug = %s AND is_active AND is_published", [slug]
            )
        ),
        None,
    )
    if business is None:
        return None
    service = next(
        iter(
            Service.objects.raw(
                """
                SELECT * FROM bookings_service s
                WHERE s.id = %s AND s.business_id = %s AND s.is_active AND NOT s.is_hidden_from_customers
                  AND EXISTS (
                    SELECT 1 FROM bookings_service_staff_members link
                    JOIN bookings_staffmember m ON m.id = link.staffmember_id
                    WHERE link.service_id = s.id AND m.is_active AND m.business_id = s.business_id
                  )
                """,
                [_uuid_param(service_id), business.pk],
            )
        ),
        None,
    )
    if service is not None:
        service.business = business
    return service


def service_questions(service: Service) -> list[ServiceQuestion]:
    """``selectors.service_questions``: the questions ``service`` asks (active ones of its own
    business), in their order, each with its ``question`` loaded."""
    assignments = list(
        ServiceQuestion.objects.raw(
            """
            SELECT sq.* FROM bookings_servicequestion sq
            JOIN bookings_customquestion q ON q.id = sq.question_id
            WHERE sq.service_id = %s AND q.is_active AND q.business_id = %s
            ORDER BY sq.position, sq.id
            """,
            [_uuid_param(service.pk), service.business_id],
        )
    )
    if assignments:  # most services ask nothing: then this second query is never made
        models.prefetch_related_objects(assignments, "question")
    return assignments


class StaffHours(NamedTuple):
    """What the availability engine reads of a staff member (``selectors._staff_rules``)."""

    pk: uuid.UUID
    time_zone: str
    use_business_hours: bool
    working_hours: tuple[WorkHours, ...]


_WORKING_HOURS = StaffMember._meta.get_field("working_hours")


def service_staff_hours(service: Service) -> list[StaffHours]:
    """The active staff members of ``service``'s business who deliver it, by id, with their hours."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT m.id, m.time_zone, m.use_business_hours, m.working_hours
            FROM bookings_staffmember m
            JOIN bookings_service_staff_members link ON link.staffmember_id = m.id
            WHERE link.service_id = %s AND m.is_active AND m.business_id = %s
            ORDER BY m.id
            """,
            [_uuid_param(service.pk), service.business_id],
        )
        return [
            StaffHours(
                pk=_uuid_value(pk),
                time_zone=time_zone,
                use_business_hours=bool(use_business_hours),
                working_hours=_WORKING_HOURS.from_db_value(hours, None, connection),
            )
            for pk, time_zone, use_business_hours, hours in cursor.fetchall()
        ]


def blocked_and_busy(
    staff_ids: Sequence[uuid.UUID], reach: Interval, ignoring: uuid.UUID | None = None
) -> dict[uuid.UUID, list[Interval]]:
    """Each staff member's time taken within ``reach``: the blocked ranges (buffers included) of
    live appointments of both origins, except ``ignoring``'s, and the busy intervals read from
    getStaffAvailability. One statement; each half runs on its (staff, start, end) index."""
    if not staff_ids:
        return {}
    staff = [_uuid_param(pk) for pk in staff_ids]
    until, since = _moment_param(reach.end), _moment_param(reach.start)
    skip = "AND a.id <> %s" if ignoring is not None else ""
    params = [*staff, until, since, *([_uuid_param(ignoring)] if ignoring is not None else []), *staff]
    params += [until, since]
    sql = f"""
        SELECT r.staff_member_id, r.blocked_start, r.blocked_end
        FROM bookings_appointmentstaff r JOIN bookings_appointment a ON a.id = r.appointment_id
        WHERE r.staff_member_id IN ({_placeholders(len(staff))}) AND r.blocked_start < %s
          AND r.blocked_end > %s AND a.is_active AND NOT a.is_cancelled {skip}
        UNION ALL
        SELECT b.staff_member_id, b.start, b."end" FROM bookings_staffbusyinterval b
        WHERE b.staff_member_id IN ({_placeholders(len(staff))}) AND b.start < %s AND b."end" > %s
    """  # nosec B608  # only "%s" placeholders and a fixed clause are formatted in; values are params
    taken: dict[uuid.UUID, list[Interval]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for staff_id, start, end in cursor.fetchall():
            interval = Interval(_moment_value(start), _moment_value(end))
            taken.setdefault(_uuid_value(staff_id), []).append(interval)
    return taken


def staff_load(staff_ids: Sequence[uuid.UUID], start: datetime, end: datetime) -> dict[uuid.UUID, int]:
    """``selectors.staff_load``: how many live appointments each staff member has starting in
    ``[start, end)``."""
    if not staff_ids:
        return {}
    sql = f"""
        SELECT r.staff_member_id, COUNT(*) FROM bookings_appointmentstaff r
        JOIN bookings_appointment a ON a.id = r.appointment_id
        WHERE r.staff_member_id IN ({_placeholders(len(staff_ids))}) AND a.start >= %s AND a.start < %s
          AND a.is_active AND NOT a.is_cancelled
        GROUP BY r.staff_member_id
    """  # nosec B608  # only "%s" placeholders are formatted in; the values go as params
    params = [*(_uuid_param(pk) for pk in staff_ids), _moment_param(start), _moment_param(end)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {_uuid_value(staff_id): count for staff_id, count in cursor.fetchall()}


def active_customer_by_email(business_id: int, email: str) -> Customer | None:
    """The business's active customer with this e-mail address, compared case-insensitively (at
    most one: a unique index on the lower-cased address, which this lookup uses)."""
    found = Customer.objects.raw(
        """
        SELECT * FROM bookings_customer
        WHERE business_id = %s AND is_active AND email_address <> ''
          AND LOWER(email_address) = LOWER(%s)
        """,
        [business_id, email],
    )
    return next(iter(found), None)


def booking_by_request_key(request_key: str) -> AppointmentCustomer | None:
    """The customer row a booking form's one-time key made, if any."""
    found = AppointmentCustomer.objects.raw(
        "SELECT * FROM bookings_appointmentcustomer WHERE request_key = %s", [request_key]
    )
    return next(iter(found), None)
