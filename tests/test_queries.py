"""The SQL-written hot reads (``bookings/queries.py``) answer what the ORM queries they replace did.

Each spec builds rows that one condition of the query must tell apart, then compares the SQL read
with the same read written with the ORM, on whichever database the suite runs on (SQLite locally,
PostgreSQL in CI): the UUIDs, the timestamps and the booleans all cross the boundary by hand there.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import Count

from bookings import queries
from bookings.availability import Interval
from bookings.enums import Origin
from bookings.models import AppointmentCustomer, AppointmentStaff, ServiceQuestion, StaffBusyInterval
from tests.factories import (
    AppointmentFactory,
    BusinessFactory,
    CustomerFactory,
    CustomQuestionFactory,
    ServiceFactory,
    StaffMemberFactory,
)

pytestmark = pytest.mark.django_db

NOON = datetime(2030, 5, 6, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.fixture
def business():
    return BusinessFactory(slug="salon", is_published=True)


@pytest.fixture
def ann(business):
    return StaffMemberFactory(business=business, display_name="Ann")


@pytest.fixture
def bob(business):
    return StaffMemberFactory(business=business, display_name="Bob")


def service_of(business, staff=(), **fields):
    service = ServiceFactory(business=business, **fields)
    service.staff_members.set(staff)
    return service


def appointment(service, staff, start, end=None, **fields):
    booked = AppointmentFactory(
        business=service.business, service=service, start=start, end=end or start + HOUR, **fields
    )
    for member in staff:
        AppointmentStaff(appointment=booked, staff_member=member).save()
    return booked


# --- bookable_service_at ---------------------------------------------------------------------------


def test_a_bookable_service_comes_with_its_business_loaded(business, ann, django_assert_num_queries):
    service = service_of(business, [ann])

    with django_assert_num_queries(1):
        found = queries.bookable_service_at("salon", service.pk)
        assert found.business.display_name == business.display_name

    assert found == service
    assert found.default_duration == service.default_duration
    assert found.scheduling_policy == service.scheduling_policy


@pytest.mark.parametrize(
    "change",
    [
        "unpublished business",
        "inactive business",
        "inactive service",
        "hidden service",
        "no staff",
        "only inactive staff",
        "only another business's staff",
        "another slug",
        "another id",
    ],
)
def test_a_service_customers_may_not_book_is_not_found(business, ann, change):
    service = service_of(business, [ann])
    slug, service_id = "salon", service.pk
    if change == "unpublished business":
        business.is_published = False
        business.save()
    elif change == "inactive business":
        business.is_active = False
        business.save()
    elif change == "inactive service":
        service.is_active = False
        service.save()
    elif change == "hidden service":
        service.is_hidden_from_customers = True
        service.save()
    elif change == "no staff":
        service.staff_members.clear()
    elif change == "only inactive staff":
        ann.is_active = False
        ann.save()
    elif change == "only another business's staff":
        service.staff_members.set([StaffMemberFactory()])
    elif change == "another slug":
        BusinessFactory(slug="elsewhere", is_published=True)
        slug = "elsewhere"
    else:
        service_id = uuid.uuid4()

    assert queries.bookable_service_at(slug, service_id) is None


# --- service_questions -----------------------------------------------------------------------------


def test_questions_are_the_active_ones_of_the_service_business_in_their_order(business, ann):
    service = service_of(business, [ann])
    second = CustomQuestionFactory(business=business, display_name="Second?")
    first = CustomQuestionFactory(business=business, display_name="First?")
    retired = CustomQuestionFactory(business=business, display_name="Retired?", is_active=False)
    foreign = CustomQuestionFactory(display_name="Another business's?")
    for position, question in enumerate([first, second, retired, foreign]):
        ServiceQuestion.objects.create(service=service, question=question, position=position)
    ServiceQuestion.objects.create(service=service_of(business), question=first, position=0)

    found = queries.service_questions(service)

    expected = list(
        service.question_assignments.filter(question__is_active=True, question__business_id=business.pk)
        .select_related("question")
        .order_by("position", "pk")
    )
    assert found == expected
    assert [assignment.question.display_name for assignment in found] == ["First?", "Second?"]


def test_questions_cost_one_query_however_many_there_are(business, ann, django_assert_num_queries):
    service = service_of(business, [ann])
    for position in range(3):
        question = CustomQuestionFactory(business=business)
        ServiceQuestion.objects.create(service=service, question=question, position=position)

    with django_assert_num_queries(1):
        found = queries.service_questions(service)
        assert [assignment.question.business_id for assignment in found] == [business.pk] * 3


# --- service_staff_hours ---------------------------------------------------------------------------


def test_staff_hours_are_the_active_members_of_the_business_who_deliver_it(business, ann, bob):
    outsider = StaffMemberFactory()
    retired = StaffMemberFactory(business=business, is_active=False)
    StaffMemberFactory(business=business)  # does not deliver it
    service = service_of(business, [ann, bob, outsider, retired])

    found = queries.service_staff_hours(service)

    assert [member.pk for member in found] == sorted([ann.pk, bob.pk])
    by_id = {member.pk: member for member in found}
    assert by_id[ann.pk].working_hours == ann.working_hours
    assert by_id[ann.pk].time_zone == ann.time_zone
    assert by_id[ann.pk].use_business_hours == ann.use_business_hours


# --- staff_time ------------------------------------------------------------------------------------


def by_start(interval: Interval) -> tuple:
    return (interval.start, interval.end)


def orm_blocked_and_busy(staff_ids, reach, ignoring=None):
    rows = AppointmentStaff.objects.live().filter(
        staff_member_id__in=staff_ids, blocked_start__lt=reach.end, blocked_end__gt=reach.start
    )
    if ignoring is not None:
        rows = rows.exclude(appointment_id=ignoring)
    taken: dict = {}
    for staff_id, start, end in rows.values_list("staff_member_id", "blocked_start", "blocked_end"):
        taken.setdefault(staff_id, []).append(Interval(start, end))
    busy = StaffBusyInterval.objects.filter(
        staff_member_id__in=staff_ids, start__lt=reach.end, end__gt=reach.start
    )
    for staff_id, start, end in busy.values_list("staff_member_id", "start", "end"):
        taken.setdefault(staff_id, []).append(Interval(start, end))
    return {staff_id: sorted(intervals, key=by_start) for staff_id, intervals in taken.items()}


def test_taken_time_is_live_appointments_of_both_origins_and_busy_intervals(business, ann, bob):
    service = service_of(business, [ann, bob], pre_buffer=timedelta(minutes=15))
    appointment(service, [ann], NOON, pre_buffer=timedelta(minutes=15))
    appointment(service, [bob], NOON + HOUR, origin=Origin.GRAPH)
    appointment(service, [ann], NOON + 2 * HOUR, is_cancelled=True)
    appointment(service, [bob], NOON + 2 * HOUR, is_active=False)
    appointment(service, [ann], NOON - 3 * HOUR)  # ends before the reach
    appointment(service, [ann], NOON + 5 * HOUR)  # starts at its end
    appointment(service, [StaffMemberFactory(business=business)], NOON)  # someone else's
    StaffBusyInterval.objects.create(
        staff_member=bob, start=NOON - HOUR, end=NOON + HOUR / 2, fetched_at=NOON
    )
    StaffBusyInterval.objects.create(
        staff_member=bob, start=NOON + 6 * HOUR, end=NOON + 7 * HOUR, fetched_at=NOON
    )
    reach = Interval(NOON - HOUR, NOON + 5 * HOUR)

    found = queries.staff_time(service, reach).taken

    assert {
        staff_id: sorted(intervals, key=by_start) for staff_id, intervals in found.items()
    } == orm_blocked_and_busy([ann.pk, bob.pk], reach)
    assert sorted(found[ann.pk], key=by_start) == [Interval(NOON - timedelta(minutes=15), NOON + HOUR)]
    assert sorted(found[bob.pk], key=by_start) == [
        Interval(NOON - HOUR, NOON + HOUR / 2),
        Interval(NOON + HOUR, NOON + 2 * HOUR),
    ]
    assert all(interval.start.tzinfo is not None for intervals in found.values() for interval in intervals)


def test_the_appointment_being_moved_does_not_take_its_own_time(business, ann):
    service = service_of(business, [ann])
    moving = appointment(service, [ann], NOON)
    appointment(service, [ann], NOON + HOUR)
    reach = Interval(NOON, NOON + 3 * HOUR)

    found = queries.staff_time(service, reach, ignoring=moving.pk).taken

    assert found == orm_blocked_and_busy([ann.pk], reach, ignoring=moving.pk)
    assert found == {ann.pk: [Interval(NOON + HOUR, NOON + 2 * HOUR)]}


def test_staff_time_comes_with_the_hours_of_the_staff_who_deliver_the_service(
    business, ann, bob, django_assert_num_queries
):
    outsider = StaffMemberFactory()
    retired = StaffMemberFactory(business=business, is_active=False)
    service = service_of(business, [ann, bob, outsider, retired])
    appointment(service, [retired], NOON)

    with django_assert_num_queries(1):
        found = queries.staff_time(service, Interval(NOON - HOUR, NOON + HOUR))

    assert found.hours == queries.service_staff_hours(service)
    assert [member.pk for member in found.hours] == sorted([ann.pk, bob.pk])
    assert found.taken == {}  # the retired member's appointment is not the service's staff's time
    assert found.starts == {}


def test_only_the_chosen_staff_members_time_is_read(business, ann, bob):
    service = service_of(business, [ann, bob])
    appointment(service, [ann], NOON)
    appointment(service, [bob], NOON)
    reach = Interval(NOON - HOUR, NOON + 2 * HOUR)

    found = queries.staff_time(service, reach, only=bob.pk, starts_within=reach)

    assert [member.pk for member in found.hours] == sorted([ann.pk, bob.pk])
    assert found.taken == orm_blocked_and_busy([bob.pk], reach) == {bob.pk: [Interval(NOON, NOON + HOUR)]}
    assert found.starts == {bob.pk: 1}


def test_a_service_nobody_delivers_has_no_staff_time(business):
    service = service_of(business, [])

    found = queries.staff_time(
        service, Interval(NOON, NOON + HOUR), starts_within=Interval(NOON, NOON + HOUR)
    )

    assert found == queries.StaffTime(hours=[], taken={}, starts={})


# --- staff_load ------------------------------------------------------------------------------------


def test_staff_load_counts_live_appointments_starting_in_the_window(business, ann, bob):
    service = service_of(business, [ann, bob])
    appointment(service, [ann], NOON)
    appointment(service, [ann], NOON + HOUR)
    appointment(service, [ann], NOON + 2 * HOUR, is_cancelled=True)
    appointment(service, [bob], NOON + HOUR, origin=Origin.GRAPH)
    appointment(service, [bob], NOON + 9 * HOUR)  # starts after the window
    appointment(service, [bob], NOON - 2 * HOUR, end=NOON + HOUR)  # started before it
    window = (NOON, NOON + 8 * HOUR)

    found = queries.staff_load([ann.pk, bob.pk], *window)
    read_with_the_time = queries.staff_time(
        service, Interval(NOON, NOON + HOUR), starts_within=Interval(*window)
    )

    expected = dict(
        AppointmentStaff.objects.live()
        .filter(
            staff_member_id__in=[ann.pk, bob.pk],
            appointment__start__gte=window[0],
            appointment__start__lt=window[1],
        )
        .values("staff_member_id")
        .annotate(count=Count("id"))
        .values_list("staff_member_id", "count")
    )
    assert found == read_with_the_time.starts == expected == {ann.pk: 2, bob.pk: 1}


# --- customers and booking keys --------------------------------------------------------------------


def test_the_active_customer_is_found_by_address_whatever_its_case(business):
    customer = CustomerFactory(business=business, email_address="Ada.Lovelace@Example.com")
    CustomerFactory(business=business, email_address="ada.lovelace@example.com", is_active=False)
    CustomerFactory(email_address="ada.lovelace@example.com")  # another business's

    assert queries.active_customer_by_email(business.pk, "ADA.LOVELACE@example.COM") == customer
    assert queries.active_customer_by_email(business.pk, "someone@example.com") is None
    assert queries.active_customer_by_email(business.pk, "") is None


def test_a_booking_is_found_by_its_form_key(business, ann):
    booked = appointment(service_of(business, [ann]), [ann], NOON)
    row = AppointmentCustomer.objects.create(appointment=booked, name="Ada", request_key="k" * 32)
    AppointmentCustomer.objects.create(appointment=booked, name="Bo")

    assert queries.booking_by_request_key("k" * 32) == row
    assert queries.booking_by_request_key("unknown") is None


# --- bookable_service_with_questions --------------------------------------------------------------


def test_the_service_comes_with_its_questions_in_one_statement(business, ann, django_assert_num_queries):
    service = service_of(business, [ann])
    first, second = CustomQuestionFactory(business=business), CustomQuestionFactory(business=business)
    retired = CustomQuestionFactory(business=business, is_active=False)
    ServiceQuestion.objects.create(service=service, question=second, position=2, is_required=True)
    ServiceQuestion.objects.create(service=service, question=first, position=1)
    ServiceQuestion.objects.create(service=service, question=retired, position=0)

    with django_assert_num_queries(1):
        found, asked = queries.bookable_service_with_questions("salon", service.pk)
        assert found.business.display_name == business.display_name
        assert [assignment.question.display_name for assignment in asked] == [
            first.display_name,
            second.display_name,
        ]

    assert found == queries.bookable_service_at("salon", service.pk)
    assert [(a.pk, a.question_id, a.is_required) for a in asked] == [
        (a.pk, a.question_id, a.is_required) for a in queries.service_questions(service)
    ]


def test_a_service_without_questions_or_not_bookable(business, ann):
    service = service_of(business, [ann])
    hidden = service_of(business, [ann], is_hidden_from_customers=True)

    assert queries.bookable_service_with_questions("salon", service.pk) == (service, [])
    assert queries.bookable_service_with_questions("salon", hidden.pk) is None
    assert queries.bookable_service_with_questions("elsewhere", service.pk) is None
