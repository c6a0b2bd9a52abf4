"""Read queries shared by the API, the pages and the admin.

Each returns what its caller renders with the related rows it needs already loaded, so lists cost a
fixed number of queries however long they are.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Model, Prefetch, Q, QuerySet

from . import isoformats, queries
from .availability import (
    BusinessRules,
    GroupBooking,
    Interval,
    ServiceRules,
    Slot,
    StaffRules,
    effective_policy,
    free_slots,
)
from .display import local_window
from .models import (
    Appointment,
    AppointmentCustomer,
    AppointmentStaff,
    Business,
    Currency,
    Customer,
    CustomQuestion,
    Service,
    ServiceQuestion,
    StaffBusyInterval,
    StaffMember,
)
from .values import SchedulingPolicy


def is_storable(text: str) -> bool:
    """Whether ``text`` can be compared with a database column at all: PostgreSQL refuses NUL."""
    return "\x00" not in text


def id_filter(key: str) -> Q:
    """Match a record by the portal's id or by Graph's: clients may hold either."""
    try:
        return Q(pk=uuid.UUID(key)) | Q(graph_id=key)
    except (ValueError, AttributeError, TypeError):
        return Q(graph_id=key)


def active_businesses() -> QuerySet[Business]:
    return Business.objects.filter(is_active=True)


def find_business(key: str) -> Business | None:
    """The business whose mailbox address is ``key``, compared case-insensitively as Graph does."""
    if not is_storable(key):
        return None
    return active_businesses().filter(graph_id__iexact=key).first()


def search_businesses(query: str | None) -> QuerySet[Business]:
    businesses = active_businesses().order_by("display_name", "pk")
    if query and not is_storable(query):
        return businesses.none()
    if query:
        businesses = businesses.filter(display_name__icontains=query)
    return businesses


def staff_members(business: Business) -> QuerySet[StaffMember]:
    return business.staff_members.filter(is_active=True).order_by("display_name", "pk")


def custom_questions(business: Business) -> QuerySet[CustomQuestion]:
    return business.custom_questions.filter(is_active=True).order_by("created_date_time", "pk")


def customers(business: Business) -> QuerySet[Customer]:
    return business.customers.filter(is_active=True).order_by("display_name", "pk")


def services(business: Business) -> QuerySet[Service]:
    return (
        business.services.filter(is_active=True)
        .select_related("business")
        .order_by("display_name", "pk")
        .prefetch_related(
            Prefetch("staff_members", queryset=StaffMember.objects.only("id", "is_active")),
            Prefetch("question_assignments", queryset=ServiceQuestion.objects.select_related("question")),
        )
    )


def appointments(business: Business) -> QuerySet[Appointment]:
    """Live appointments (cancelled and deleted ones are gone, as in Bookings), ready to render."""
    return (
        business.appointments.live()
        .select_related("service")
        .prefetch_related(
            Prefetch(
                "staff_rows",
                queryset=AppointmentStaff.objects.select_related("staff_member").only(
                    "id", "appointment_id", "staff_member__id"
                ),
            ),
            Prefetch("customer_rows", queryset=AppointmentCustomer.objects.select_related("customer")),
        )
        .order_by("start", "pk")
    )


def calendar_view(business: Business, start: datetime, end: datetime) -> QuerySet[Appointment]:
    """Appointments overlapping ``[start, end)``."""
    return appointments(business).overlapping(start, end)


def find(queryset: QuerySet, key: str) -> Model | None:
    if not is_storable(key):
        return None
    return queryset.filter(id_filter(key)).first()


def find_service(business: Business, key: str) -> Service | None:
    return find(business.services.filter(is_active=True), key)


def _by_ids(queryset: QuerySet, keys: Sequence[str]) -> tuple[list, list[str]]:
    """Resolve ids in order; return the records found and the ids that matched nothing."""
    query = Q(pk__in=[])
    for key in filter(is_storable, keys):
        query |= id_filter(key)
    records = list(queryset.filter(query)) if keys else []
    by_key = {}
    for record in records:
        by_key[str(record.pk)] = record
        if record.graph_id:
            by_key[record.graph_id] = record
    found, missing = [], []
    for key in keys:
        record = by_key.get(key)
        if record is None:
            try:
                record = by_key.get(str(uuid.UUID(key)))
            except ValueError:
                record = None
        (found.append(record) if record is not None else missing.append(key))
    return found, missing


def staff_members_by_ids(business: Business, keys: Iterable[str]) -> tuple[list[StaffMember], list[str]]:
    return _by_ids(business.staff_members.filter(is_active=True), list(keys))


def custom_questions_by_ids(
    business: Business, keys: Iterable[str]
) -> tuple[list[CustomQuestion], list[str]]:
    return _by_ids(business.custom_questions.filter(is_active=True), list(keys))


def customer_email_taken(business: Business, email: str, *, exclude: Customer | None = None) -> bool:
    existing = business.customers.filter(is_active=True, email_address__iexact=email)
    if exclude is not None:
        existing = existing.exclude(pk=exclude.pk)
    return existing.exists()


def currencies() -> QuerySet[Currency]:
    return Currency.objects.order_by("id")


# --- Availability: the database read once per look-up, then the pure engine ----------------------


def slots_for_service(
    *,
    service: Service,
    start: datetime,
    end: datetime,
    now: datetime,
    staff_id: uuid.UUID | str | None = None,
    ignoring: uuid.UUID | None = None,
) -> tuple[Slot, ...]:
    """Free slots of ``service`` starting in ``[start, end)``, in UTC, as ``availability`` decides.

    The booking page asks for a month at a time, so this loads everything the engine needs in a
    fixed number of queries (business, staff, busy ranges, and seat counts for a group service),
    however many staff and appointments there are, and leaves every rule to the engine. An
    inactive service or business has no slots; hidden services and unpublished businesses get none
    from the engine. ``staff_id`` is the customer's choice, honoured only where the policy allows
    it; an id that is not one of the service's staff gives no slots. ``ignoring`` is an appointment
    whose time counts as free: the one a customer is moving.
    """
    return _slots(service, Interval(start, end), now, staff_id, ignoring, day=None)[0]


def slot_check(
    *,
    service: Service,
    start: datetime,
    now: datetime,
    staff_id: uuid.UUID | str | None = None,
    ignoring: uuid.UUID | None = None,
) -> tuple[Slot | None, dict[uuid.UUID, int]]:
    """The slot ``slots_for_service`` offers at exactly ``start`` (None if it offers none), and how
    many live appointments each of the service's staff members has starting that day in business
    time: what auto-assignment spreads bookings by. What a booking or a move re-checks, read
    together (one statement, unless the service is a group service)."""
    zone = service.business.zone
    day_reach = Interval(*local_window(start.astimezone(zone).date(), 1, zone))
    window = Interval(start, start + timedelta(minutes=1))
    offered, load = _slots(service, window, now, staff_id, ignoring, day=day_reach)
    return next((slot for slot in offered if slot.start == start), None), load


def _slots(
    service: Service,
    window: Interval,
    now: datetime,
    staff_id: uuid.UUID | str | None,
    ignoring: uuid.UUID | None,
    *,
    day: Interval | None,
) -> tuple[tuple[Slot, ...], dict[uuid.UUID, int]]:
    """The slots starting in ``window``, and with ``day`` each staff member's appointments starting in it."""
    business = service.business
    if not (service.is_active and business.is_active):
        return (), {}
    chosen = _staff_uuid(staff_id)
    if staff_id is not None and chosen is None:
        return (), {}
    business_rules = _business_rules(business)
    allowed = effective_policy(_service_rules(service, ()), business_rules).allow_staff_selection
    only = chosen if chosen is not None and allowed else None
    # A slot starting in the window blocks from ``pre_buffer`` before it to ``post_buffer`` after
    # its end: appointments whose blocked range touches that reach are all that can matter.
    reach = Interval(
        window.start - service.pre_buffer, window.end + service.default_duration + service.post_buffer
    )
    if service.is_group:
        members = queries.service_staff_hours(service)
        staff_ids = tuple(member.pk for member in members if only is None or member.pk == only)
        busy, group_bookings = _group_busy_time(service, staff_ids, reach, ignoring)
        load = queries.staff_load(staff_ids, day.start, day.end) if day is not None else {}
    else:  # the hot path (a month over many staff, each booking's re-check): one statement
        found = queries.staff_time(service, reach, only=only, ignoring=ignoring, starts_within=day)
        members, busy, load, group_bookings = found.hours, found.taken, found.starts, []
    slots = free_slots(
        business=business_rules,
        service=_service_rules(service, tuple(member.pk for member in members)),
        staff=[_staff_rules(member, business_rules.zone) for member in members],
        busy=busy,
        now=now,
        window=window,
        group_bookings=group_bookings,
        chosen_staff_id=chosen,
    )
    return slots, load


def scheduling_policy(service: Service) -> SchedulingPolicy:
    """The policy that governs ``service``'s bookings (its own, else its business's)."""
    return effective_policy(_service_rules(service, ()), _business_rules(service.business))


def _business_rules(business: Business) -> BusinessRules:
    return BusinessRules(
        zone=business.zone,
        hours=tuple(business.business_hours),
        policy=business.scheduling_policy,
        is_published=business.is_published,
    )


def _service_rules(service: Service, staff_ids: tuple[uuid.UUID, ...]) -> ServiceRules:
    return ServiceRules(
        id=service.pk,
        duration=service.default_duration,
        staff_ids=staff_ids,
        pre_buffer=service.pre_buffer,
        post_buffer=service.post_buffer,
        maximum_attendees_count=service.maximum_attendees_count,
        is_hidden=service.is_hidden_from_customers,
        policy=service.scheduling_policy,
    )


def _staff_uuid(staff_id: uuid.UUID | str | None) -> uuid.UUID | None:
    if staff_id is None or isinstance(staff_id, uuid.UUID):
        return staff_id
    try:
        return uuid.UUID(str(staff_id))
    except ValueError:
        return None


def _staff_rules(member: StaffMember, business_zone: ZoneInfo) -> StaffRules:
    """A member's hours in their own zone; a blank or unknown zone falls back to the business's."""
    try:
        zone = isoformats.resolve_time_zone(member.time_zone) if member.time_zone else business_zone
    except ValueError:
        zone = business_zone
    return StaffRules(
        id=member.pk,
        zone=zone,
        use_business_hours=member.use_business_hours,
        hours=tuple(member.working_hours),
    )


def _group_busy_time(
    service: Service, staff_ids: Sequence[uuid.UUID], reach: Interval, ignoring: uuid.UUID | None = None
) -> tuple[dict[uuid.UUID, list[Interval]], list[GroupBooking]]:
    """Each staff member's blocked ranges overlapping ``reach``, and this group service's sessions.

    Live appointments of both origins count, and so do the busy intervals read from
    getStaffAvailability. The staff rows carry the blocked range (buffers included), so the filter
    runs on the ``staff_blocked_until`` index: staff member, then ``blocked_end`` after the reach's
    start, with ``blocked_start`` checked inside the index.
    """
    if not staff_ids:
        return {}, []
    blocking = AppointmentStaff.objects.live().filter(
        staff_member_id__in=staff_ids,
        blocked_start__lt=reach.end,
        blocked_end__gt=reach.start,
    )
    if ignoring is not None:
        blocking = blocking.exclude(appointment_id=ignoring)
    busy: dict[uuid.UUID, list[Interval]] = {}
    # Busy time Bookings reports beyond appointments (Outlook calendars, out of office).
    for staff_id, start, end in StaffBusyInterval.objects.filter(
        staff_member_id__in=staff_ids, start__lt=reach.end, end__gt=reach.start
    ).values_list("staff_member_id", "start", "end"):
        busy.setdefault(staff_id, []).append(Interval(start, end))
    rows = blocking.values_list(
        "staff_member_id",
        "blocked_start",
        "blocked_end",
        "appointment_id",
        "appointment__service_id",
        "appointment__start",
        "appointment__end",
    )
    sessions = []
    for staff_id, blocked_start, blocked_end, appointment_id, service_id, start, end in rows:
        busy.setdefault(staff_id, []).append(Interval(blocked_start, blocked_end))
        if service_id == service.pk:
            sessions.append((appointment_id, staff_id, blocked_start, blocked_end, start, end))
    # The same selection as a subquery, not a list of ids: one query of fixed size however many.
    seats = dict(
        AppointmentCustomer.objects.filter(
            appointment_id__in=blocking.filter(appointment__service_id=service.pk).values("appointment_id")
        )
        .values("appointment_id")
        .annotate(taken=Count("id"))
        .values_list("appointment_id", "taken")
    )
    group_bookings = [
        # Buffers read back from the staff row, so the session matches its busy range exactly.
        GroupBooking(
            service_id=service.pk,
            staff_id=staff_id,
            start=start,
            end=end,
            seats_taken=seats.get(appointment_id, 0),
            pre_buffer=start - blocked_start,
            post_buffer=blocked_end - end,
        )
        for appointment_id, staff_id, blocked_start, blocked_end, start, end in sessions
    ]
    return busy, group_bookings


def group_sessions_at(
    service: Service, start: datetime, staff_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Appointment]:
    """Each staff member's live session of the group ``service`` starting at ``start``, with the
    number of customers it holds as ``seats_taken``; the oldest one when there are several."""
    rows = (
        AppointmentStaff.objects.live()
        .filter(
            staff_member_id__in=staff_ids,
            appointment__service=service,
            appointment__start=start,
        )
        .select_related("appointment")
        .annotate(seats_taken=Count("appointment__customer_rows"))
        .order_by("appointment__created_date_time", "appointment_id")
    )
    found: dict[uuid.UUID, Appointment] = {}
    for row in rows:
        if row.staff_member_id not in found:
            row.appointment.seats_taken = row.seats_taken
            found[row.staff_member_id] = row.appointment
    return found


# --- The customer pages ----------------------------------------------------------------------------


def published_businesses() -> QuerySet[Business]:
    return active_businesses().filter(is_published=True).order_by("display_name", "pk")


def bookable_business(slug: str) -> Business | None:
    """The business whose booking page is at ``slug``: published and active, else none."""
    if not is_storable(slug):
        return None
    return active_businesses().filter(slug=slug, is_published=True).first()


def bookable_services(business: Business) -> QuerySet[Service]:
    """What customers may book: active services not hidden from them, with someone to deliver them."""
    return (
        business.services.filter(
            is_active=True,
            is_hidden_from_customers=False,
            staff_members__is_active=True,
            staff_members__business=business,
        )
        .distinct()
        .select_related("business")
        .order_by("display_name", "pk")
    )


def bookable_service_at(slug: str, service_id: uuid.UUID) -> Service | None:
    """The service at ``/book/<slug>/<service_id>/`` with its business, for the pages that need
    both: the business ``bookable_business`` finds and a service ``bookable_services`` lists."""
    if not is_storable(slug):
        return None
    return queries.bookable_service_at(slug, service_id)


def bookable_service_with_questions(
    slug: str, service_id: uuid.UUID
) -> tuple[Service, list[ServiceQuestion]] | None:
    """``bookable_service_at`` and the questions the service asks (``service_questions``), read
    together: what the details page and its booking POST start from."""
    if not is_storable(slug):
        return None
    return queries.bookable_service_with_questions(slug, service_id)


def service_staff(service: Service) -> list[StaffMember]:
    """The staff members who deliver ``service``, by name: the staff choice on its page."""
    return list(
        service.staff_members.filter(is_active=True, business_id=service.business_id).order_by(
            "display_name", "pk"
        )
    )


def service_questions(service: Service) -> list[ServiceQuestion]:
    """The questions ``service`` asks, in their order, as ``answers.answers_for_service`` takes them."""
    return queries.service_questions(service)


def customer_booking(row_id: int) -> AppointmentCustomer | None:
    """A customer's row on an appointment, with what the manage page shows."""
    return (
        AppointmentCustomer.objects.select_related("appointment__service__business", "appointment__business")
        .prefetch_related("appointment__staff_rows__staff_member")
        .filter(pk=row_id)
        .first()
    )


def bookings_for_addresses(addresses: Iterable[str]) -> QuerySet[AppointmentCustomer]:
    """Every booking made under one of ``addresses`` (a signed-in customer's verified ones),
    newest appointment first, cancelled ones included so the customer sees what happened."""
    query = Q(pk__in=[])
    for address in addresses:
        query |= Q(email_address__iexact=address)
    return (
        AppointmentCustomer.objects.filter(query, appointment__is_active=True)
        .select_related("appointment__service", "appointment__business")
        .order_by("-appointment__start", "-pk")
    )
