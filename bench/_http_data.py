"""Database side of ``bench/http_throughput.py``: a fresh ``bench_http`` database and one business.

A published business open around the clock every day (so every booking POST can aim at a start
nobody else is booking: a year holds far more than a run can take), a 30-minute grid with no lead
time and a year of advance, and one 30-minute service without questions delivered by 10 staff: a
week holds 336 starts x 10 staff members, a busy salon's page. Settings: ``bench/settings_http.py``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import time, timedelta

import _database  # bench/ is the script's folder, first on sys.path

STAFF = 10
SLOT = timedelta(minutes=30)
ZONE = "Europe/Paris"


@dataclass(frozen=True)
class Target:
    """What the load generator needs to address the service."""

    slug: str
    service_id: str


def setup_django() -> None:
    """Django on the bench settings (``bench/settings_http.py``)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings_http"
    import django
    from django.db import connection

    django.setup()
    if connection.vendor != "postgresql":
        raise SystemExit("bench/http_throughput.py needs PostgreSQL (BENCH_HTTP_DATABASE_URL)")


def create_database() -> None:
    """A fresh ``bench_http`` database (an old one is dropped), migrated."""
    from django.core.management import call_command

    _database.create_fresh()
    call_command("migrate", verbosity=0)


def collect_static() -> None:
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def teardown_django() -> None:
    """Drop the database (gunicorn must be gone: PostgreSQL refuses to drop one in use)."""
    _database.drop()


def load_business() -> Target:
    """The business, its staff and the service; returns how to address the service."""
    from bookings.enums import DayOfWeek, StaffRole
    from bookings.models import Business, Service, StaffMember
    from bookings.values import SchedulingPolicy, WorkHours, WorkTimeSlot

    around_the_clock = (WorkTimeSlot(start_time=time(0), end_time=time(0)),)  # 00:00 end: midnight
    days = sorted(DayOfWeek, key=lambda day: day.weekday)
    business = Business.objects.create(
        graph_id="bench-http@example.com",
        slug="bench-http",
        display_name="Bench around the clock",
        time_zone=ZONE,
        business_hours=tuple(WorkHours(day=day, time_slots=around_the_clock) for day in days),
        scheduling_policy=SchedulingPolicy(
            time_slot_interval=SLOT, minimum_lead_time=timedelta(0), maximum_advance=timedelta(days=365)
        ),
        is_published=True,
    )
    staff = StaffMember.objects.bulk_create(
        StaffMember(
            business=business,
            display_name=f"Staff {n:02d}",
            email_address=f"staff{n:02d}@example.com",
            role=StaffRole.TEAM_MEMBER,
            time_zone=ZONE,
        )
        for n in range(STAFF)
    )
    service = Service.objects.create(business=business, display_name="Half an hour", default_duration=SLOT)
    service.staff_members.set(staff)
    return Target(slug=business.slug, service_id=str(service.pk))
