"""The reads every booking page and booking POST makes, written out as SQL.

Django builds and compiles an ORM query afresh on every call. For these small, hot reads that costs
more than the database takes to answer them (1 to 3 ms of Python each, against a few tenths for the
same statement written out), and a booking makes several: they set how many bookings a web process
can take per second. So they are written here once, as SQL that SQLite and PostgreSQL both run,
with parameters prepared and results converted the way the ORM would (whole rows through
``_Loader``, which applies the ORM's own converters). ``selectors`` stays the module callers use;
``tests/test_queries.py`` holds each of these to the ORM query it replaces, on both databases.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.dateparse import parse_datetime

from .availability import Interval
from .models import (
    AppointmentCustomer,
    Business,
    Customer,
    CustomQuestion,
    Service,
    ServiceQuestion,
    StaffMember,
)
from .raw_sql import PerModel, connection
from .values import WorkHours

_UUID = models.UUIDField()


def _uuid_param(value: uuid.UUID, db: BaseDatabaseWrapper) -> Any:
    """A UUID as the backend stores it (native on PostgreSQL, 32 hex digits on SQLite)."""
    return _UUID.get_db_prep_value(value, db)


def _moment_param(value: datetime, db: BaseDatabaseWrapper) -> Any:
    return db.ops.adapt_datetimefield_value(value)


def _uuid_value(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


def _moment_value(value: Any) -> datetime:
    """An aware UTC datetime from a column read without the ORM (SQLite gives naive UTC)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


class _Loader:
    """Turns a model's columns, read by hand, into an instance as the ORM would (``Model.from_db``
    with each column's database and field converters), with the column list and the converters
    worked out once per model and database backend instead of on every query."""

    def __init__(self, model: type[models.Model], db: BaseDatabaseWrapper) -> None:
        self.model = model
        fields = model._meta.concrete_fields
        self.width = len(fields)
        self._columns: dict[str, str] = {}
        self.converters = []
        for index, model_field in enumerate(fields):
            column = model_field.get_col(model._meta.db_table)
            found = db.ops.get_db_converters(column) + column.get_db_converters(db)
            if found:
                self.converters.append((index, column, found))

    def columns(self, alias: str, db: BaseDatabaseWrapper) -> str:
        """The model's columns in field order, qualified by ``alias``, for a SELECT list."""
        if alias not in self._columns:
            quote = db.ops.quote_name
            self._columns[alias] = ", ".join(
                f"{alias}.{quote(f.column)}" for f in self.model._meta.concrete_fields
            )
        return self._columns[alias]

    def load(self, values: Sequence[Any], db: BaseDatabaseWrapper) -> models.Model:
        values = list(values)
        for index, column, converters in self.converters:
            value = values[index]
            for convert in converters:
                value = convert(value, column, db)
            values[index] = value
        return self.model.from_db(db.alias, None, values)


_loader = PerModel(_Loader)


# The service at /book/<slug>/<service_id>/, if customers may book it: active, not hidden, delivered
# by an active staff member of its business, in an active published business.
_BOOKABLE_AT = """
    WHERE s.id = %s AND b.slug = %s AND b.is_active AND b.is_published
      AND s.is_active AND NOT s.is_hidden_from_customers
      AND EXISTS (
        SELECT 1 FROM bookings_service_staff_members link
        JOIN bookings_staffmember m ON m.id = link.staffmember_id
        WHERE link.service_id = s.id AND m.is_active AND m.business_id = s.business_id
      )
"""


def bookable_service_at(slug: str, service_id: uuid.UUID) -> Service | None:
    """``selectors.bookable_service_at``: the service at ``/book/<slug>/<service_id>/`` with its
    business loaded, if customers may book it. One statement for both rows."""
    db = connection()
    services, businesses = _loader(Service, db), _loader(Business, db)
    sql = f"""
        SELECT {services.columns("s", db)}, {businesses.columns("b", db)}
        FROM bookings_service s JOIN bookings_business b ON b.id = s.business_id
        {_BOOKABLE_AT}
    """  # nosec B608  # only model column names and a fixed clause are formatted in
    with db.cursor() as cursor:
        cursor.execute(sql, [_uuid_param(service_id, db), slug])
        row = cursor.fetchone()
    if row is None:
        return None
    service = services.load(row[: services.width], db)
    service.business = businesses.load(row[services.width :], db)
    return service


def bookable_service_with_questions(
    slug: str, service_id: uuid.UUID
) -> tuple[Service, list[ServiceQuestion]] | None:
    """``bookable_service_at`` and ``service_questions`` together (the details page needs both):
    one statement, a row per question (one with none if it asks none)."""
    db = connection()
    services, businesses = _loader(Service, db), _loader(Business, db)
    assignments, questions = _loader(ServiceQuestion, db), _loader(CustomQuestion, db)
    sql = f"""
        SELECT {services.columns("s", db)}, {businesses.columns("b", db)},
               {assignments.columns("sq", db)}, {questions.columns("q", db)}
        FROM bookings_service s JOIN bookings_business b ON b.id = s.business_id
        LEFT JOIN (
            bookings_servicequestion sq
            JOIN bookings_customquestion q ON q.id = sq.question_id AND q.is_active
        ) ON sq.service_id = s.id AND q.business_id = s.business_id
        {_BOOKABLE_AT}
        ORDER BY sq.position, sq.id
    """  # nosec B608  # only model column names and a fixed clause are formatted in
    with db.cursor() as cursor:
        cursor.execute(sql, [_uuid_param(service_id, db), slug])
        rows = cursor.fetchall()
    if not rows:
        return None
    business_end = services.width + businesses.width
    question_end = business_end + assignments.width
    service = services.load(rows[0][: services.width], db)
    service.business = businesses.load(rows[0][services.width : business_end], db)
    asked = []
    for row in rows:
        if row[business_end] is None:  # no question: the service's only row
            continue
        assignment = assignments.load(row[business_end:question_end], db)
        assignment.question = questions.load(row[question_end:], db)
        asked.append(assignment)
    return service, asked


def service_questions(service: Service) -> list[ServiceQuestion]:
    """``selectors.service_questions``: the questions ``service`` asks (active ones of its own
    business), in their order, each with its ``question`` loaded. One statement for both."""
    db = connection()
    assignments, questions = _loader(ServiceQuestion, db), _loader(CustomQuestion, db)
    sql = f"""
        SELECT {assignments.columns("sq", db)}, {questions.columns("q", db)}
        FROM bookings_servicequestion sq JOIN bookings_customquestion q ON q.id = sq.question_id
        WHERE sq.service_id = %s AND q.is_active AND q.business_id = %s
        ORDER BY sq.position, sq.id
    """  # nosec B608  # only model column names and "%s" placeholders are formatted in
    found = []
    with db.cursor() as cursor:
        cursor.execute(sql, [_uuid_param(service.pk, db), service.business_id])
        for row in cursor.fetchall():
            assignment = assignments.load(row[: assignments.width], db)
            assignment.question = questions.load(row[assignments.width :], db)
            found.append(assignment)
    return found


class StaffHours(NamedTuple):
    """What the availability engine reads of a staff member (``selectors._staff_rules``)."""

    pk: uuid.UUID
    time_zone: str
    use_business_hours: bool
    working_hours: tuple[WorkHours, ...]


_WORKING_HOURS = StaffMember._meta.get_field("working_hours")


def service_staff_hours(service: Service) -> list[StaffHours]:
    """The active staff members of ``service``'s business who deliver it, by id, with their hours."""
    db = connection()
    with db.cursor() as cursor:
        cursor.execute(
            """
            SELECT m.id, m.time_zone, m.use_business_hours, m.working_hours
            FROM bookings_staffmember m
            JOIN bookings_service_staff_members link ON link.staffmember_id = m.id
            WHERE link.service_id = %s AND m.is_active AND m.business_id = %s
            ORDER BY m.id
            """,
            [_uuid_param(service.pk, db), service.business_id],
        )
        return [
            _staff_hours(_uuid_value(pk), time_zone, use_business_hours, hours, db)
            for pk, time_zone, use_business_hours, hours in cursor.fetchall()
        ]


def _staff_hours(
    pk: uuid.UUID, time_zone: str, use_business_hours: Any, hours: Any, db: BaseDatabaseWrapper
) -> StaffHours:
    return StaffHours(
        pk=pk,
        time_zone=time_zone,
        use_business_hours=bool(use_business_hours),
        working_hours=_WORKING_HOURS.from_db_value(hours, None, db),
    )


# Live appointments starting in [%s, %s). An appointment starting in that range blocks part of it
# (its blocked range holds its start), so the blocked-range condition drops nothing; it lets the
# (staff, end, start) index do the narrowing.
_STARTING_IN = """
    AND r.blocked_end > %s AND r.blocked_start < %s
    AND a.start >= %s AND a.start < %s AND a.is_active AND NOT a.is_cancelled
"""


class StaffTime(NamedTuple):
    """What the availability engine reads of a service's staff (``staff_time``)."""

    hours: list[StaffHours]  # the staff members who deliver the service, by id
    taken: dict[uuid.UUID, list[Interval]]  # each one's blocked ranges and busy intervals
    starts: dict[uuid.UUID, int]  # each one's live appointments starting in ``starts_within``


def staff_time(
    service: Service,
    reach: Interval,
    *,
    only: uuid.UUID | None = None,
    ignoring: uuid.UUID | None = None,
    starts_within: Interval | None = None,
) -> StaffTime:
    """Everything the engine reads about ``service``'s staff, in one statement.

    * ``hours``: as ``service_staff_hours``;
    * ``taken``: each one's time taken within ``reach`` (of ``only``, if given): the blocked ranges
      (buffers included) of live appointments of both origins, except ``ignoring``'s, and the busy
      intervals read from getStaffAvailability. Each runs on its (staff, end, start) index, which
      reads only what ends after ``reach`` starts;
    * ``starts``: with ``starts_within``, how many live appointments each one (of ``only``) has
      starting in it, as ``staff_load`` counts them (what auto-assignment spreads bookings by).
    """
    db = connection()
    params: list[Any] = [_uuid_param(service.pk, db), service.business_id]
    counted = "SELECT id FROM staff"
    if only is not None:
        counted += " WHERE id = %s"
        params.append(_uuid_param(only, db))
    until, since = _moment_param(reach.end, db), _moment_param(reach.start, db)
    params += [until, since]
    skip = ""
    if ignoring is not None:
        skip = "AND a.id <> %s"
        params.append(_uuid_param(ignoring, db))
    params += [until, since]
    load = ""
    if starts_within is not None:
        load = f"""
        UNION ALL
        SELECT 2, r.staff_member_id, NULL, NULL, NULL, NULL, NULL, COUNT(*)
        FROM bookings_appointmentstaff r JOIN bookings_appointment a ON a.id = r.appointment_id
        WHERE r.staff_member_id IN (SELECT id FROM counted) {_STARTING_IN}
        GROUP BY r.staff_member_id"""  # nosec B608  # a fixed clause; the values are params
        first, last = _moment_param(starts_within.start, db), _moment_param(starts_within.end, db)
        params += [first, last, first, last]
    sql = f"""
        WITH staff AS (
            SELECT m.id, m.time_zone, m.use_business_hours, m.working_hours
            FROM bookings_staffmember m
            JOIN bookings_service_staff_members link ON link.staffmember_id = m.id
            WHERE link.service_id = %s AND m.is_active AND m.business_id = %s
        ), counted AS ({counted})
        SELECT 0, s.id, s.time_zone, s.use_business_hours, s.working_hours, NULL, NULL,
               CAST(NULL AS BIGINT)  -- PostgreSQL types a UNION's columns from its first parts
        FROM staff s
        UNION ALL
        SELECT 1, r.staff_member_id, NULL, NULL, NULL, r.blocked_start, r.blocked_end, NULL
        FROM bookings_appointmentstaff r JOIN bookings_appointment a ON a.id = r.appointment_id
        WHERE r.staff_member_id IN (SELECT id FROM counted) AND r.blocked_start < %s
          AND r.blocked_end > %s AND a.is_active AND NOT a.is_cancelled {skip}
        UNION ALL
        SELECT 1, b.staff_member_id, NULL, NULL, NULL, b.start, b."end", NULL
        FROM bookings_staffbusyinterval b
        WHERE b.staff_member_id IN (SELECT id FROM counted) AND b.start < %s AND b."end" > %s
        {load}
    """  # nosec B608  # only fixed clauses and "%s" placeholders are formatted in; values are params
    found = StaffTime(hours=[], taken={}, starts={})
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, staff_id, time_zone, use_business_hours, hours, start, end, count in cursor.fetchall():
            staff_id = _uuid_value(staff_id)
            if kind == 0:
                found.hours.append(_staff_hours(staff_id, time_zone, use_business_hours, hours, db))
            elif kind == 1:
                found.taken.setdefault(staff_id, []).append(
                    Interval(_moment_value(start), _moment_value(end))
                )
            else:
                found.starts[staff_id] = count
    found.hours.sort(key=lambda member: member.pk)
    return found


def staff_load(staff_ids: Sequence[uuid.UUID], start: datetime, end: datetime) -> dict[uuid.UUID, int]:
    """How many live appointments each staff member has starting in ``[start, end)``."""
    db = connection()
    if not staff_ids:
        return {}
    sql = f"""
        SELECT r.staff_member_id, COUNT(*) FROM bookings_appointmentstaff r
        JOIN bookings_appointment a ON a.id = r.appointment_id
        WHERE r.staff_member_id IN ({_placeholders(len(staff_ids))}) {_STARTING_IN}
        GROUP BY r.staff_member_id
    """  # nosec B608  # only "%s" placeholders and a fixed clause are formatted in; values are params
    since, until = _moment_param(start, db), _moment_param(end, db)
    params = [*(_uuid_param(pk, db) for pk in staff_ids), since, until, since, until]
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return {_uuid_value(staff_id): count for staff_id, count in cursor.fetchall()}


def active_customer_by_email(business_id: int, email: str) -> Customer | None:
    """The business's active customer with this e-mail address, compared case-insensitively (at
    most one: a unique index on the lower-cased address, which this lookup uses)."""
    db = connection()
    customers = _loader(Customer, db)
    sql = f"""
        SELECT {customers.columns("c", db)} FROM bookings_customer c
        WHERE c.business_id = %s AND c.is_active AND c.email_address <> ''
          AND LOWER(c.email_address) = LOWER(%s)
    """  # nosec B608  # only model column names and "%s" placeholders are formatted in
    with db.cursor() as cursor:
        cursor.execute(sql, [business_id, email])
        row = cursor.fetchone()
    return customers.load(row, db) if row is not None else None


def booking_by_request_key(request_key: str) -> AppointmentCustomer | None:
    """The customer row a booking form's one-time key made, if any."""
    db = connection()
    rows = _loader(AppointmentCustomer, db)
    with db.cursor() as cursor:
        columns = rows.columns("r", db)
        sql = f"SELECT {columns} FROM bookings_appointmentcustomer r WHERE r.request_key = %s"  # nosec B608
        cursor.execute(sql, [request_key])  # the column names come from the model; the key is a param
        row = cursor.fetchone()
    return rows.load(row, db) if row is not None else None
