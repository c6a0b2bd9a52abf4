"""Database side of ``bench/slots.py``: one throw-away database holding the same schedule twice.

Once in our models (``bookings``) and once in ``django-appointment``'s (``appointment``), then each
engine's month of slots read back through its own code, queries included. Settings:
``bench/settings_slots.py``. Nothing here is imported by the portal.
"""

from __future__ import annotations

import logging
import os
import time as clock
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import _database  # bench/ is the script's folder, first on sys.path

Offer = tuple[datetime, str]  # (start in UTC, staff member's name): one bookable (time, person)


# --- Django and the database -------------------------------------------------------------------


def setup_django() -> None:
    """Django with both apps, on a fresh database; tables for both."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings_slots"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django
    from django.core.management import call_command

    django.setup()
    # Its post-migrate hook warns that django-q (reminder e-mails) is not installed: not needed here.
    logging.getLogger("appointment.settings").setLevel(logging.ERROR)
    _database.create_fresh()
    # django-appointment ships no migrations (its docs have the site run makemigrations), so its
    # tables come from run_syncdb. Syncing runs before migrations, and on PostgreSQL its foreign
    # keys to auth_user would then point at a table that does not exist yet: migrate first, sync after.
    call_command("migrate", verbosity=0)
    call_command("migrate", run_syncdb=True, verbosity=0)


def teardown_django() -> None:
    _database.drop()


def timed(function: Callable[[], Any], runs: int) -> tuple[float, int, Any]:
    """Best wall time of ``runs`` calls, then the number of queries of one more call.

    The queries are counted apart, so counting costs the timed runs nothing, and by an execute
    wrapper rather than ``CaptureQueriesContext``, whose log keeps only the last 9,000 queries.
    """
    from django.db import connection

    best, result = float("inf"), None
    for _ in range(runs):
        started = clock.perf_counter()
        result = function()
        best = min(best, clock.perf_counter() - started)
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        function()
    return best, queries, result


# --- Ours --------------------------------------------------------------------------------------


def load_ours(*, business, service, staff, busy) -> tuple[Any, dict[Any, str]]:
    """The schedule in our models. Returns the bookable service's pk and {staff pk: name}.

    The 5,000 appointments are bulk-created with their ``AppointmentStaff`` rows; those rows carry
    the blocked range that ``AppointmentStaff.save()`` would compute (start - pre_buffer, end +
    post_buffer; the booked appointments have no buffers of their own, as in the in-memory
    schedule, where ``busy`` is the appointments' own times). They are marked as read from Graph:
    Graph's overlapping appointments are stored as they are, while PostgreSQL's exclusion
    constraint would refuse overlapping portal ones, and the random schedule has overlaps.
    """
    from bookings.enums import Origin, StaffRole
    from bookings.models import Appointment, AppointmentStaff, Business, Service, StaffMember

    owner = Business.objects.create(
        graph_id="bench-salon@example.com",
        slug="bench-salon",
        display_name="Bench salon",
        time_zone=business.zone.key,
        business_hours=business.hours,
        scheduling_policy=business.policy,
        is_published=business.is_published,
    )
    members = {}
    for member in staff:
        extra = {} if member.use_business_hours else {"working_hours": member.hours}
        members[member.id] = StaffMember.objects.create(
            business=owner,
            display_name=member.id,
            email_address=f"{member.id}@example.com",
            role=StaffRole.TEAM_MEMBER,
            time_zone=member.zone.key,
            use_business_hours=member.use_business_hours,
            **extra,
        )
    bookable = Service.objects.create(
        business=owner,
        display_name="Cut and colour",
        default_duration=service.duration,
        pre_buffer=service.pre_buffer,
        post_buffer=service.post_buffer,
    )
    bookable.staff_members.set(members[staff_id] for staff_id in service.staff_ids)
    booked = Service.objects.create(business=owner, display_name="Booked earlier")
    appointments, rows = [], []
    for staff_id, intervals in busy.items():
        for interval in intervals:
            appointment = Appointment(
                business=owner,
                service=booked,
                service_name=booked.display_name,
                start=interval.start,
                end=interval.end,
                origin=Origin.GRAPH,
                graph_id=f"bench-{len(appointments)}",
            )
            appointments.append(appointment)
            rows.append(
                AppointmentStaff(
                    appointment=appointment,
                    staff_member=members[staff_id],
                    blocked_start=interval.start - appointment.pre_buffer,
                    blocked_end=interval.end + appointment.post_buffer,
                    is_exclusive=False,
                )
            )
    Appointment.objects.bulk_create(appointments, batch_size=500)
    AppointmentStaff.objects.bulk_create(rows, batch_size=500)
    return bookable.pk, {member.pk: name for name, member in members.items()}


def our_month(service_pk, window, now) -> tuple:
    """The booking page's request: the service row, then ``slots_for_service`` for the month."""
    from bookings.models import Service
    from bookings.selectors import slots_for_service

    service = Service.objects.select_related("business").get(pk=service_pk)
    return slots_for_service(service=service, start=window.start, end=window.end, now=now)


# --- django-appointment ------------------------------------------------------------------------


def appointment_weekday(day: date) -> int:
    """django-appointment numbers days from Sunday = 0."""
    return (day.weekday() + 1) % 7


def appointment_hours(*, business, service, staff, dates: Iterable[date]) -> dict[str, dict[int, tuple]]:
    """Each staff member's weekly hours as django-appointment can hold them.

    It has one fixed window per weekday, in the site's zone, and offers a start when the service
    fits inside it; our engine offers a start when the blocked range (pre_buffer, service,
    post_buffer) fits inside both the business's and the staff member's hours, each in its own zone.
    So the window given to django-appointment is, in the business's zone, the intersection of the
    two, with its start moved to the first grid time at least ``pre_buffer`` after opening and its
    end ``post_buffer`` before closing: the same starts as ours. Where the intersection varies
    within the month (a staff member in London while the US and the UK change clocks on different
    dates), the weekday's most common window is taken.
    """
    zone, grid = business.zone, business.policy.time_slot_interval
    found: dict[str, dict[int, Counter]] = {member.id: {} for member in staff}
    for day in dates:
        opening = [
            (datetime.combine(day, slot.start_time, zone), datetime.combine(day, slot.end_time, zone))
            for entry in business.hours
            if entry.day.weekday == day.weekday()
            for slot in entry.time_slots
        ]
        for member in staff:
            if member.use_business_hours:
                own = opening
            else:
                own = [
                    (
                        datetime.combine(day, slot.start_time, member.zone).astimezone(zone),
                        datetime.combine(day, slot.end_time, member.zone).astimezone(zone),
                    )
                    for entry in member.hours
                    if entry.day.weekday == day.weekday()
                    for slot in entry.time_slots
                ]
            for business_open, business_close in opening:
                for staff_open, staff_close in own:
                    low, high = max(business_open, staff_open), min(business_close, staff_close)
                    steps = -((business_open - (low + service.pre_buffer)) // grid)  # ceiling
                    first = business_open + steps * grid
                    last = high - service.post_buffer
                    if first + service.duration <= last and first.date() == last.date() == day:
                        window = (first.time(), last.time())
                        counts = found[member.id].setdefault(appointment_weekday(day), Counter())
                        counts[window] += 1
    return {
        member_id: {weekday: counts.most_common(1)[0][0] for weekday, counts in weeks.items()}
        for member_id, weeks in found.items()
    }


def load_theirs(*, business, service, staff, busy, dates: list[date]) -> tuple[int, dict[int, str]]:
    """The schedule in django-appointment's models. Returns its bookable service's pk and {staff
    pk: name}.

    Settings live on its Config row and, where it allows, on each staff member too (the staff
    member's own values spare it a Config query per look-up, which can only help it): a 15-minute
    slot grid, a lead time ("appointment buffer time") equal to ours, and a gap of ``pre_buffer``
    minutes around appointments (its gap applies to both sides; see the docstring of slots.py).
    Rows are bulk-created: its ``save()`` methods refuse dates in the past, and the benchmark
    month is in the past by the real clock (the slot computation runs on a frozen clock).
    """
    from appointment.models import Appointment, AppointmentRequest, Config, Service, StaffMember, WorkingHours
    from django.contrib.auth import get_user_model

    grid = int(business.policy.time_slot_interval.total_seconds() // 60)
    lead = business.policy.minimum_lead_time.total_seconds() / 60
    gap = int(service.pre_buffer.total_seconds() // 60)
    Config.objects.create(
        slot_duration=grid,
        lead_time=time(8),
        finish_time=time(18),
        appointment_buffer_time=lead,
        slot_gap_time=gap,
        website_name="Bench salon",
    )
    bookable = Service.objects.create(name="Cut and colour", duration=service.duration, price=0)
    booked = Service.objects.create(name="Booked earlier", duration=timedelta(hours=2), price=0)
    user_model = get_user_model()
    users = user_model.objects.bulk_create(
        user_model(username=member.id, first_name=member.id, email=f"{member.id}@example.com")
        for member in staff
    )
    members = {}
    for member, user in zip(staff, users, strict=True):
        members[member.id] = StaffMember.objects.create(
            user=user, slot_duration=grid, appointment_buffer_time=lead, slot_gap_time=gap
        )
        if member.id in service.staff_ids:
            members[member.id].services_offered.add(bookable)
    weekly = appointment_hours(business=business, service=service, staff=staff, dates=dates)
    WorkingHours.objects.bulk_create(
        WorkingHours(staff_member=members[staff_id], day_of_week=weekday, start_time=start, end_time=end)
        for staff_id, week in weekly.items()
        for weekday, (start, end) in week.items()
    )
    for staff_id, week in weekly.items():
        StaffMember.objects.filter(pk=members[staff_id].pk).update(
            work_on_saturday=6 in week, work_on_sunday=0 in week
        )
    requests = []
    for staff_id, intervals in busy.items():
        for interval in intervals:
            start, end = interval.start.astimezone(business.zone), interval.end.astimezone(business.zone)
            assert start.date() == end.date(), "django-appointment's appointments stay within a day"
            requests.append(
                AppointmentRequest(
                    date=start.date(),
                    start_time=start.time(),
                    end_time=end.time(),
                    service=booked,
                    staff_member=members[staff_id],
                    id_request=f"bench-{len(requests)}",
                )
            )
    requests = AppointmentRequest.objects.bulk_create(requests, batch_size=500)
    Appointment.objects.bulk_create(
        (
            Appointment(appointment_request=request, amount_to_pay=0, id_request=request.id_request)
            for request in requests
        ),
        batch_size=500,
    )
    return bookable.pk, {member.pk: name for name, member in members.items()}


def their_month(service_pk, dates: list[date], now: datetime) -> dict[tuple[int, date], list[datetime]]:
    """django-appointment's slots for every staff member of the service on every day of the month.

    Its booking page asks ``get_available_slots_for_staff`` for one staff member and one day (the
    AJAX view ``get_available_slots_ajax``; ``get_next_available_date_ajax`` loops days the same
    way), so a month over 25 staff is days x staff calls. The view's own extra day-off and
    working-day queries before the call are left out: the call repeats both checks itself.
    ``timezone.now`` is frozen at the benchmark's "now" (its lead time and pending-reschedule
    filter read the clock); the site's TIME_ZONE is the business's zone.
    """
    from appointment.models import Service, StaffMember
    from appointment.services import get_available_slots_for_staff
    from appointment.utils.db_helpers import get_weekday_num_from_date

    with mock.patch("django.utils.timezone.now", new=lambda: now):
        service = Service.objects.get(pk=service_pk)
        staff = list(StaffMember.objects.filter(services_offered=service))
        found = {}
        for day in dates:
            weekday = get_weekday_num_from_date(day)
            for member in staff:
                slots = get_available_slots_for_staff(day, member, weekday, service=service)
                found[member.pk, day] = slots
    return found


def their_offers(found, names: dict[int, str], zone: ZoneInfo) -> set[Offer]:
    return {
        (start.replace(tzinfo=zone).astimezone(UTC), names[pk])
        for (pk, _day), starts in found.items()
        for start in starts
    }


def our_offers(slots, names: dict[Any, str]) -> set[Offer]:
    return {(slot.start, names.get(staff_id, staff_id)) for slot in slots for staff_id in slot.staff_ids}
