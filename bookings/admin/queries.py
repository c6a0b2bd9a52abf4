"""What the owner's admin pages read: the Graph health banner and the dashboard, each in a fixed number
of queries (however many businesses, staff or appointments there are; see tests/admin/test_queries.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import JSONField, OuterRef, Subquery
from django.utils import timezone

from .. import dashboard, isoformats
from ..models import (
    AppointmentStaff,
    Business,
    GraphConnection,
    OutboxItem,
    OutboxState,
    StaffMember,
    SyncRun,
)
from ..models.appointment import Appointment
from ..models.sync import SyncRunState

RECENT_RUNS = 5


@dataclass(frozen=True)
class FailedSync:
    business: str
    business_pk: object
    message: str
    started_at: datetime


@dataclass(frozen=True)
class Health:
    """Everything the banner warns about; ``ok`` when there is nothing to warn about."""

    connection_healthy: bool = True
    connection_error: str = ""
    failed_syncs: tuple[FailedSync, ...] = ()
    dead_items: int = 0

    @property
    def ok(self) -> bool:
        return self.connection_healthy and not self.failed_syncs and not self.dead_items


def graph_health() -> Health:
    """The connection's health, served businesses whose last sync run failed, and dead outbox items:
    three queries, however many businesses there are (the banner is on every admin page)."""
    connection = GraphConnection.objects.filter(id=GraphConnection.SINGLETON_ID).values(
        "healthy", "last_error"
    )
    state = connection.first() or {"healthy": True, "last_error": ""}
    last_run = SyncRun.objects.filter(business=OuterRef("pk")).order_by("-started_at", "-id")
    failed = (
        Business.objects.filter(is_active=True)
        .annotate(
            last_state=Subquery(last_run.values("state")[:1]),
            last_errors=Subquery(last_run.values("errors")[:1], output_field=JSONField()),
            last_started=Subquery(last_run.values("started_at")[:1]),
        )
        .filter(last_state=SyncRunState.FAILED)
        .values_list("pk", "display_name", "last_errors", "last_started")
    )
    return Health(
        connection_healthy=state["healthy"],
        connection_error=state["last_error"],
        failed_syncs=tuple(
            FailedSync(name, pk, _first_error(errors), started) for pk, name, errors, started in failed
        ),
        dead_items=OutboxItem.objects.filter(state=OutboxState.DEAD).count(),
    )


def _first_error(errors: object) -> str:
    """The first message of a run's ``errors``."""
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return str(errors[0].get("message", ""))
    return ""


@dataclass(frozen=True)
class Dashboard:
    today: date
    days: list[dashboard.DayCount]
    utilisation: list[dashboard.Utilisation]
    week: date
    recent_runs: list[SyncRun] = field(default_factory=list)


def dashboard_data(*, now: datetime) -> Dashboard:
    """The dashboard's numbers for active businesses: four queries (appointments of the reporting days,
    staff, their booked time this week, the latest sync runs), then pure functions."""
    schedules, business_zones = _schedules()
    # "Today" is the businesses' own day (the one their bookings are counted by); the server's
    # zone only when the businesses served keep different ones.
    zone = next(iter(business_zones)) if len(business_zones) == 1 else timezone.get_current_timezone()
    today = now.astimezone(zone).date()
    days = dashboard.reporting_days(today)
    start, end = dashboard.reporting_reach(days)
    appointments = (
        Appointment.objects.live()
        .filter(business__is_active=True, start__gte=start, start__lt=end)
        .select_related("business")
        .only("start", "origin", "business__time_zone", "business__booking_page_settings")
    )
    zones: dict[object, ZoneInfo] = {}
    bookings = [
        dashboard.BookedStart(
            appointment.start,
            zones.get(appointment.business_id)
            or zones.setdefault(appointment.business_id, appointment.business.zone),
            appointment.origin,
        )
        for appointment in appointments
    ]
    monday = dashboard.week_start(today)
    week_start, week_end = dashboard.week_reach(monday)
    booked: dict[object, list[tuple[datetime, datetime]]] = {}
    rows = AppointmentStaff.objects.live().filter(
        staff_member_id__in=[schedule.staff_id for schedule in schedules],
        blocked_start__lt=week_end,
        blocked_end__gt=week_start,
    )
    for staff_id, blocked_start, blocked_end in rows.values_list(
        "staff_member_id", "blocked_start", "blocked_end"
    ):
        booked.setdefault(staff_id, []).append((blocked_start, blocked_end))
    return Dashboard(
        today=today,
        days=dashboard.bookings_per_day(bookings, days),
        utilisation=dashboard.staff_utilisation(schedules, booked, monday),
        week=monday,
        recent_runs=list(SyncRun.objects.select_related("business")[:RECENT_RUNS]),
    )


def _schedules() -> tuple[list[dashboard.StaffSchedule], set[ZoneInfo]]:
    """Active staff of active businesses with their effective hours and zone, and the zones of
    those businesses (one query)."""
    members = StaffMember.objects.filter(is_active=True, business__is_active=True).select_related("business")
    schedules = []
    business_zones: set[ZoneInfo] = set()
    for member in members.order_by("business__display_name", "display_name"):
        business = member.business
        business_zones.add(business.zone)
        if member.use_business_hours:
            zone, hours = business.zone, tuple(business.business_hours)
        else:
            try:
                zone = isoformats.resolve_time_zone(member.time_zone) if member.time_zone else business.zone
            except ValueError:
                zone = business.zone
            hours = tuple(member.working_hours)
        schedules.append(
            dashboard.StaffSchedule(member.pk, member.display_name, business.display_name, zone, hours)
        )
    return schedules, business_zones
