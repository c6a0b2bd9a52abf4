"""Demo data to book against, so a fresh checkout shows a working portal without a Microsoft 365 tenant.

It holds the seed's Contoso Lunch Delivery (Dana Swope, Bento) with more staff, services, customers
and three weeks of appointments, plus a second, unpublished business.

Every record is written with ``update_or_create`` under a stable key (a business's Graph id, a
customer's e-mail, else a fixed UUID: the id Microsoft's Bookings examples use where they give one,
so their URLs work here, otherwise a name-based UUID), so running it again updates in place.
Appointments are placed by a deterministic search from ``now`` that honours business and staff
hours and time already blocked: demo data never breaks the rule that a staff member's bookings
(buffers included) do not overlap.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .availability import Interval, blocked_range
from .enums import AnswerInputType, DayOfWeek, Origin, PriceType, StaffRole
from .models import AppointmentStaff, Business, Service, StaffMember
from .values import (
    Location,
    Phone,
    PhysicalAddress,
    QuestionAnswer,
    Reminder,
    SchedulingPolicy,
    WorkHours,
    WorkTimeSlot,
)

DEMO_NAMESPACE = uuid.UUID("0b6f3c52-6d1e-4f57-9a43-5c1d2b7e8f90")
# Ids from Microsoft's Bookings documentation, so its example requests address the same records
# here, and the ids the sandbox tenant (the emulator's demo) gives the records both demos share.
DOCUMENTED_IDS = {
    "contoso/danas@contoso.com": "8ee1c803-a1fa-406d-8259-7ab53233f148",
    "contoso/samanthab@contoso.onmicrosoft.com": "71d64d0e-7225-49b6-b0b1-070d476cda51",
    "contoso/alexw@contoso.com": "e3e3a1b4-4c2f-4e1a-9a55-0c8a1c1f2b61",
    "contoso/service/bento": "57da6774-a087-4d69-b0e6-6fb82c339976",
    "contoso/service/kaiseki": "635a7b7c-4230-4d3b-a42b-698e89927528",
    "contoso/question/age": "3bc6fde0-4ad3-445d-ab17-0fc15dba0774",
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")
DEMO_DAYS = 21
CHICAGO, NEW_YORK = "America/Chicago", "America/New_York"


@dataclass(frozen=True)
class DemoSummary:
    """How many demo records of each kind were written (the same on every run)."""

    businesses: int
    staff_members: int
    custom_questions: int
    services: int
    customers: int
    appointments: int


def demo_id(*parts: str) -> uuid.UUID:
    """The stable primary key of a demo record, so a second run finds and updates it."""
    key = "/".join(parts)
    return uuid.UUID(DOCUMENTED_IDS[key]) if key in DOCUMENTED_IDS else uuid.uuid5(DEMO_NAMESPACE, key)


def graph_identity(record_id: uuid.UUID) -> dict:
    """Records under Microsoft's documented ids stand for what Bookings (the sandbox emulator) holds:
    they carry those ids as Graph ids, so a sync updates them instead of adding second copies."""
    if str(record_id) in DOCUMENTED_IDS.values():
        return {"graph_id": str(record_id), "origin": Origin.GRAPH}
    return {}


def week(hours: dict[str, tuple[int, int]]) -> tuple[WorkHours, ...]:
    """All seven days in Graph's shape, from ``{"monday": (8, 17)}``; days not named are closed."""
    slots = {}
    for day, (opens, closes) in hours.items():
        slots[day] = (WorkTimeSlot(start_time=time(opens), end_time=time(closes)),)
    days = sorted(DayOfWeek, key=lambda day: day.weekday)  # Monday first, as Bookings lists them
    return tuple(WorkHours(day=day, time_slots=slots.get(day.value, ())) for day in days)


def within_hours(hours: tuple[WorkHours, ...], zone: ZoneInfo, interval: Interval) -> bool:
    """Whether ``interval`` lies in one slot of the weekly ``hours``, read as wall-clock time in ``zone``."""
    day = interval.start.astimezone(zone).date()
    for entry in hours:
        for slot in entry.time_slots if DayOfWeek(entry.day).weekday == day.weekday() else ():
            opens = datetime.combine(day, slot.start_time, tzinfo=zone)
            closing_day = day + timedelta(days=1) if slot.end_time == time(0) else day  # 00:00: midnight
            closes = datetime.combine(closing_day, slot.end_time, tzinfo=zone)
            if opens <= interval.start and interval.end <= closes:
                return True
    return False


def is_free(member: StaffMember, blocked: Interval, busy: dict) -> bool:
    """Whether ``blocked`` is inside the member's own hours (if they keep any; business hours are
    checked by the caller) and clear of everything already booked for them."""
    zone = ZoneInfo(member.time_zone)
    in_hours = member.use_business_hours or within_hours(member.working_hours, zone, blocked)
    return in_hours and not any(blocked.overlaps(taken) for taken in busy.get(member.pk, ()))


CONTOSO_HOURS = week({**dict.fromkeys(WEEKDAYS, (8, 17)), "saturday": (10, 14)})
CONTOSO_ADDRESS = PhysicalAddress(
    street="4567 Main Street", city="Chicago", state="IL", country_or_region="USA", postal_code="60601"
)
ALEX_HOURS = week({"monday": (12, 17), "wednesday": (12, 17), "friday": (12, 17), "saturday": (10, 14)})
MEGAN_HOURS = week(dict.fromkeys(WEEKDAYS, (10, 18)))  # New York time: 09:00-17:00 at the business
# key -> display name, e-mail, role, IANA zone, own working hours (None: the business's hours)
CONTOSO_STAFF = {
    "dana": ("Dana Swope", "danas@contoso.com", StaffRole.EXTERNAL_GUEST, CHICAGO, None),
    "samantha": ("Samantha Booth", "samanthab@contoso.onmicrosoft.com", StaffRole.ADMINISTRATOR,
                 CHICAGO, None),
    "alex": ("Alex Wilber", "alexw@contoso.com", StaffRole.TEAM_MEMBER, CHICAGO, ALEX_HOURS),
    "megan": ("Megan Bowen", "meganb@contoso.com", StaffRole.SCHEDULER, NEW_YORK, MEGAN_HOURS),
}  # fmt: skip
# key -> question, input type, options
CONTOSO_QUESTIONS = {
    "age": ("What is your age?", AnswerInputType.TEXT, []),
    "allergies": ("Any allergies?", AnswerInputType.TEXT, []),
    "delivery": ("Delivery or pick-up?", AnswerInputType.RADIO_BUTTON, ["Delivery", "Pick-up"]),
}
# name, e-mail, phone, IANA zone, answers to the questions above (in their order)
CONTOSO_CUSTOMERS = [
    ("Adele Vance", "adelev@proseware.com", "206-555-0100", "America/Vancouver", ("34", "None", "Delivery")),
    ("Bob Kelly", "bobk@tailspintoys.com", "312-555-0145", CHICAGO, ("41", "Peanuts", "Pick-up")),
    ("Jordan Miller", "jordanm@contoso.com", "213-555-0199", CHICAGO, ("25", "None", "Delivery")),
    ("Lee Gu", "leeg@fabrikam.com", "312-555-0178", CHICAGO, ("29", "Shellfish", "Pick-up")),
    ("Isaiah Langer", "isaiahl@woodgrovebank.com", "646-555-0112", NEW_YORK, ("52", "None", "Delivery")),
    ("Miriam Graham", "miriamg@adatum.com", "020 7946 0321", "Europe/London", ("38", "Gluten", "Pick-up")),
]
# service, staff, customers (indexes above), preferred local start hour; spread over the coming weeks
APPOINTMENT_PLAN = [
    ("bento", ("dana",), (0,), 11), ("bento", ("alex",), (1,), 12), ("consultation", ("megan",), (2,), 9),
    ("sushi", ("samantha", "megan"), (3, 4, 5), 13), ("bento", ("dana",), (2,), 12),
    ("kaiseki", ("alex",), (0,), 12), ("bento", ("samantha",), (4,), 11),
    ("consultation", ("samantha",), (5,), 15), ("bento", ("dana",), (3,), 12),
    ("tasting", ("samantha", "dana"), (1,), 14), ("bento", ("alex",), (2,), 13),
    ("sushi", ("samantha",), (0, 1, 2, 3), 10), ("bento", ("dana",), (5,), 11),
    ("consultation", ("megan",), (0,), 10), ("kaiseki", ("dana",), (4,), 11),
    ("bento", ("samantha",), (1,), 12), ("bento", ("alex",), (3,), 15),
    ("consultation", ("megan",), (3,), 14), ("bento", ("dana",), (0,), 12),
    ("sushi", ("samantha", "megan"), (1, 4, 5), 14),
]  # fmt: skip
# What an appointment copies from its service when booked (Bookings keeps these per appointment).
COPIED_FROM_SERVICE = {
    "service_name": "display_name", "service_notes": "notes", "service_location": "default_location",
    "price": "default_price", "price_type": "default_price_type", "reminders": "default_reminders",
    **{name: name for name in ("pre_buffer", "post_buffer", "maximum_attendees_count", "is_location_online",
                               "sms_notifications_enabled", "is_customer_allowed_to_manage_booking",
                               "additional_information")},
}  # fmt: skip


def service_spec(name: str, minutes: int, price: float, price_type: str, **fields) -> dict:
    """A service's model fields; ``staff`` and ``questions`` (key, required) name what it links to."""
    pre, post = timedelta(minutes=fields.pop("pre", 0)), timedelta(minutes=fields.pop("post", 0))
    return {
        "display_name": name, "default_duration": timedelta(minutes=minutes), "default_price": price,
        "default_price_type": price_type, "pre_buffer": pre, "post_buffer": post, "is_active": True,
        "language_tag": "en-US", "_staff": fields.pop("staff"), "_questions": fields.pop("questions", ()),
        **fields,
    }  # fmt: skip


def contoso_services(location: Location) -> dict[str, dict]:
    """The seed's Bento, a group class, a free online consultation, a service only staff can book,
    and one with its own scheduling policy: one of each kind the booking pages must handle."""
    reminder = Reminder(offset=timedelta(days=1), message="Please be reminded that this service is tomorrow.")
    return {
        "bento": service_spec(
            "Bento", 30, 10.0, PriceType.FIXED_PRICE, pre=5, post=10, staff=("dana", "samantha", "alex"),
            questions=(("age", True), ("allergies", False), ("delivery", True)),
            description="Individual bento box lunch delivery", notes="Home-cooked special",
            default_location=location, default_reminders=(reminder,), sms_notifications_enabled=True,
            is_customer_allowed_to_manage_booking=True,
        ),
        "sushi": service_spec(
            "Sushi-making class", 120, 45.0, PriceType.FIXED_PRICE, maximum_attendees_count=8, pre=15,
            post=15, staff=("samantha", "megan"), questions=(("allergies", True),), default_location=location,
            description="Learn to roll maki and nigiri with our chefs; all ingredients included.",
            additional_information="Please arrive ten minutes early. Aprons are provided.",
        ),
        "consultation": service_spec(
            "Catering consultation", 30, 0.0, PriceType.FREE, staff=("megan", "samantha"),
            description="A free 30-minute video call to plan the food for your event.",
            is_location_online=True, is_customer_allowed_to_manage_booking=True,
        ),
        "tasting": service_spec(
            "Corporate menu tasting", 60, 0.0, PriceType.CALL_US, post=30, staff=("samantha", "dana"),
            questions=(("allergies", False),), is_hidden_from_customers=True, default_location=location,
            description="For corporate accounts; staff book it on the customer's behalf.",
        ),
        "kaiseki": service_spec(
            "Kaiseki", 90, 85.0, PriceType.STARTING_AT, pre=30, post=15, staff=("alex", "dana"),
            questions=(("age", False), ("allergies", True)), default_location=location,
            description="Seasonal multi-course lunch, served at our place.",
            scheduling_policy=SchedulingPolicy(
                time_slot_interval=timedelta(hours=1), minimum_lead_time=timedelta(days=1),
                maximum_advance=timedelta(days=30), allow_staff_selection=False,
            ),
        ),
    }  # fmt: skip


def upsert_business(*, slug: str, graph_id: str, **fields) -> Business:
    """A business by its Graph id (case-insensitive, as Graph compares it); a published one gets the
    public page address, as Bookings gives one on publishing."""
    public_url = f"{settings.PORTAL_BASE_URL}/book/{slug}/" if fields.get("is_published") else None
    fields |= {"graph_id": graph_id, "slug": slug, "public_url": public_url, "is_active": True}
    return Business.objects.update_or_create(graph_id__iexact=graph_id, defaults=fields)[0]


def upsert_staff(business: Business, specs: dict[str, tuple]) -> dict[str, StaffMember]:
    """Staff by a UUID made from business and e-mail; members without own hours work the business's."""
    staff = {}
    for key, (name, email, role, zone, hours) in specs.items():
        fields = dict(display_name=name, email_address=email, role=role, time_zone=zone, is_active=True)
        fields |= {"use_business_hours": hours is None, "working_hours": hours or business.business_hours}
        member_id = demo_id(business.slug, email)
        fields |= graph_identity(member_id)
        staff[key] = business.staff_members.update_or_create(id=member_id, defaults=fields)[0]
    return staff


def upsert_services(business: Business, specs: dict, staff: dict, questions: dict) -> dict[str, Service]:
    """Services with their staff and question assignments (assignments left from earlier runs go)."""
    services = {}
    for key, spec in specs.items():
        fields = {name: value for name, value in spec.items() if not name.startswith("_")}
        service_id = demo_id(business.slug, "service", key)
        services[key] = service = business.services.update_or_create(
            id=service_id, defaults=fields | graph_identity(service_id)
        )[0]
        service.staff_members.set([staff[member] for member in spec["_staff"]])
        for position, (question_key, required) in enumerate(spec["_questions"]):
            defaults = {"is_required": required, "position": position}
            service.question_assignments.update_or_create(question=questions[question_key], defaults=defaults)
        wanted = [questions[question_key].pk for question_key, _ in spec["_questions"]]
        service.question_assignments.exclude(question_id__in=wanted).delete()
    return services


def place(
    business: Business, service: Service, members: list, days: list[date], hour: int, busy: dict
) -> tuple[datetime, datetime]:
    """The first (start, end) on ``days``, in order, where the appointment and its buffers fit business
    hours and each member's hours without touching time already ``busy`` for them (then marked busy).

    Starts lie on the policy's slot grid; on each day, ``hour`` (local) and later are tried first.
    """
    zone, step = business.zone, (service.scheduling_policy or business.scheduling_policy).time_slot_interval
    for day in days:
        midnight, preferred = (datetime.combine(day, time(h), tzinfo=zone) for h in (0, hour))
        grid = [midnight + step * k for k in range(timedelta(days=1) // step)]
        for start in (local.astimezone(UTC) for local in sorted(grid, key=lambda s: (s < preferred, s))):
            end = start + service.default_duration
            blocked = blocked_range(start, end, service.pre_buffer, service.post_buffer)
            if within_hours(business.business_hours, zone, blocked) and all(
                is_free(member, blocked, busy) for member in members
            ):
                for member in members:
                    busy.setdefault(member.pk, []).append(blocked)
                return start, end
    raise RuntimeError(f"no room for a demo {service} appointment in the next {DEMO_DAYS} days")


def answers_for(service: Service, questions: dict, given: tuple[str, ...]) -> tuple[QuestionAnswer, ...]:
    """A customer's answers to the questions ``service`` asks, shaped as Bookings stores them."""
    answer_by_id = {questions[key].pk: answer for key, answer in zip(CONTOSO_QUESTIONS, given, strict=True)}
    answers = []
    for assignment in service.question_assignments.select_related("question"):
        question, answer = assignment.question, answer_by_id[assignment.question_id]
        radio = question.answer_input_type == AnswerInputType.RADIO_BUTTON
        answers.append(QuestionAnswer(
            question_id=str(question.pk), question=question.display_name,
            answer_input_type=AnswerInputType(question.answer_input_type),
            answer_options=tuple(question.answer_options), is_required=assignment.is_required,
            answer=None if radio else answer, selected_options=(answer,) if radio else (),
        ))  # fmt: skip
    return tuple(answers)


def upsert_appointments(
    business: Business, services: dict, staff: dict, customers: list, questions: dict, now: datetime
) -> int:
    """The planned appointments, placed from tomorrow on. Bookings made in the portal meanwhile count
    as busy time, so a later run moves demo appointments around them, never onto them."""
    ids = [demo_id(business.slug, "appointment", str(index)) for index in range(len(APPOINTMENT_PLAN))]
    # Their blocked ranges are written again below; dropping the old ones first means there is never
    # a moment with two overlapping rows (which a database constraint would refuse).
    AppointmentStaff.objects.filter(appointment_id__in=ids).delete()
    busy: dict = {}
    for row in AppointmentStaff.objects.filter(
        staff_member__business=business, appointment__is_active=True, appointment__is_cancelled=False
    ):
        busy.setdefault(row.staff_member_id, []).append(Interval(row.blocked_start, row.blocked_end))
    first_day = now.astimezone(business.zone).date() + timedelta(days=1)
    open_weekdays = {DayOfWeek(entry.day).weekday for entry in business.business_hours if entry.time_slots}
    days = [first_day + timedelta(days=n) for n in range(DEMO_DAYS)]
    days = [day for day in days if day.weekday() in open_weekdays]
    for index, (service_key, staff_keys, customer_indexes, hour) in enumerate(APPOINTMENT_PLAN):
        service, members = services[service_key], [staff[key] for key in staff_keys]
        first = index * len(days) // len(APPOINTMENT_PLAN)  # spread evenly; if full, try the other days
        start, end = place(business, service, members, days[first:] + days[:first], hour, busy)
        booked = [(customers[i], CONTOSO_CUSTOMERS[i]) for i in customer_indexes]
        fields = {field: getattr(service, source) for field, source in COPIED_FROM_SERVICE.items()}
        fields |= {"service": service, "start": start, "end": end, "customer_time_zone": booked[0][1][3]}
        fields |= {"is_active": True, "is_cancelled": False}
        appointment = business.appointments.update_or_create(id=ids[index], defaults=fields)[0]
        for member in members:
            appointment.staff_rows.create(staff_member=member)  # save() copies the blocked range
        for customer, (name, email, phone, zone, given) in booked:
            fields = dict(name=name, email_address=email, phone=phone, time_zone=zone)
            fields["custom_question_answers"] = answers_for(service, questions, given)
            appointment.customer_rows.update_or_create(customer=customer, defaults=fields)
        appointment.customer_rows.exclude(customer__in=[customer for customer, _ in booked]).delete()
    return len(ids)


def load_contoso(now: datetime) -> tuple[int, int, int, int, int]:
    """The seed's business, published; returns how many staff, questions, services, customers and
    appointments it has."""
    contoso = upsert_business(
        slug="contoso", graph_id="Contosolunchdelivery@contoso.onmicrosoft.com",
        display_name="Contoso Lunch Delivery", business_type="Food delivery", email="manager@contoso.com",
        phone="312-555-0100", web_site_url="https://www.contoso.com/", time_zone=CHICAGO,
        address=CONTOSO_ADDRESS, business_hours=CONTOSO_HOURS, default_currency_iso="USD",
        language_tag="en-US", is_published=True,
        scheduling_policy=SchedulingPolicy(
            time_slot_interval=timedelta(minutes=30), minimum_lead_time=timedelta(hours=2),
            maximum_advance=timedelta(days=60), allow_staff_selection=True,
        ),
    )  # fmt: skip
    staff = upsert_staff(contoso, CONTOSO_STAFF)
    questions = {}
    for key, (text, kind, options) in CONTOSO_QUESTIONS.items():
        fields = dict(display_name=text, answer_input_type=kind, answer_options=options, is_active=True)
        question_id = demo_id("contoso", "question", key)
        questions[key] = contoso.custom_questions.update_or_create(
            id=question_id, defaults=fields | graph_identity(question_id)
        )[0]
    location = Location(display_name=contoso.display_name, address=CONTOSO_ADDRESS)
    services = upsert_services(contoso, contoso_services(location), staff, questions)
    customers = []
    for name, email, phone, _zone, _answers in CONTOSO_CUSTOMERS:
        # Keyed by e-mail, as the portal keeps one active customer per business and address.
        phones = (Phone(number=phone, type="mobile"),)
        fields = {"display_name": name, "email_address": email, "phones": phones}
        lookup = {"email_address__iexact": email, "is_active": True}
        customers.append(contoso.customers.update_or_create(**lookup, defaults=fields)[0])
    appointments = upsert_appointments(contoso, services, staff, customers, questions, now)
    return len(staff), len(questions), len(services), len(customers), appointments


def load_fabrikam() -> tuple[int, int]:
    """A second, unpublished business with no bookings, so the portal lists more than one; returns
    how many staff and services it has."""
    fabrikam = upsert_business(
        slug="fabrikam", graph_id="Fabrikam@contoso.onmicrosoft.com", display_name="Fabrikam",
        business_type="Bicycle repair", email="manager@fabrikam.com", phone="716-555-0100",
        web_site_url="https://www.fabrikam.com/", time_zone=NEW_YORK, is_published=False,
        address=PhysicalAddress(street="4567 Main Street", city="Buffalo", state="NY",
                                country_or_region="USA", postal_code="14202"),
        business_hours=week(dict.fromkeys(WEEKDAYS, (9, 17))),
        scheduling_policy=SchedulingPolicy(minimum_lead_time=timedelta(days=1)),
    )  # fmt: skip
    pradeep = ("Pradeep Gupta", "pradeepg@fabrikam.com", StaffRole.ADMINISTRATOR, NEW_YORK, None)
    staff = upsert_staff(fabrikam, {"pradeep": pradeep})
    tune_up = service_spec(
        "Bike tune-up", 60, 60.0, PriceType.FIXED_PRICE, post=15, staff=("pradeep",),
        description="Brakes, gears and a safety check while you wait.",
    )  # fmt: skip
    return len(staff), len(upsert_services(fabrikam, {"tune-up": tune_up}, staff, {}))


@transaction.atomic
def load_demo_data(*, now: datetime | None = None) -> DemoSummary:
    """Create or refresh the demo businesses and everything in them; safe to run any number of times.

    ``now`` anchors the appointments (tomorrow up to three weeks ahead); tests pass a fixed instant.
    """
    staff, questions, services, customers, appointments = load_contoso(now or timezone.now())
    fabrikam_staff, fabrikam_services = load_fabrikam()
    totals = (staff + fabrikam_staff, questions, services + fabrikam_services, customers, appointments)
    return DemoSummary(2, *totals)
