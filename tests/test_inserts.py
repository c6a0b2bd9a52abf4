"""``bookings.inserts.insert`` stores a new row exactly as ``save(force_insert=True)`` does.

Each spec saves the same new instance both ways and compares the rows read back through the ORM,
on whichever database the suite runs on (SQLite locally, PostgreSQL in CI): every column crosses
the boundary through the fields' own conversions, including the structured JSON values, the
UUIDs and the database-made ids.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.base import ModelState

from bookings.inserts import _insert_of, _statement, insert, insert_all
from bookings.models import Appointment, AppointmentCustomer, AppointmentStaff, Notice, NoticeKind, OutboxItem
from bookings.models.outbox import OutboxKind, OutboxTarget
from bookings.values import Location, QuestionAnswer
from tests.factories import (
    AppointmentFactory,
    BusinessFactory,
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
)

pytestmark = pytest.mark.django_db

NOON = datetime(2030, 5, 6, 12, 0, tzinfo=UTC)


@pytest.fixture
def appointment():
    business = BusinessFactory()
    service = ServiceFactory(business=business, pre_buffer=timedelta(minutes=10))
    return AppointmentFactory(
        business=business,
        service=service,
        start=NOON,
        end=NOON + timedelta(hours=1),
        pre_buffer=timedelta(minutes=10),
    )


def stored(instance):
    """Every column of the row as the ORM reads it back, the primary key left out."""
    row = type(instance).objects.get(pk=instance.pk)
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if not f.primary_key}


def twin(instance):
    """A second new instance with the same values (time defaults included), under a new key if
    the key is the portal's own."""
    other = copy.copy(instance)
    other._state = ModelState()
    pk = instance._meta.pk
    setattr(other, pk.attname, None if pk.db_returning else pk.get_default())
    return other


def saved_both_ways(make):
    """The row ``make()`` gives stored by ``save(force_insert=True)`` and by ``insert``."""
    by_save = make()
    by_insert = twin(by_save)
    by_save.save(force_insert=True)
    returned = insert(by_insert)
    assert returned is by_insert
    return by_save, by_insert


def test_an_appointment_is_stored_as_save_stores_it(appointment):
    by_save, by_insert = saved_both_ways(lambda: twin(appointment))

    assert stored(by_insert) == stored(by_save)
    assert by_insert.service_location == appointment.service_location
    assert not by_insert._state.adding and by_insert._state.db == connection.alias


def test_a_staff_row_takes_its_blocked_range_from_the_appointment(appointment):
    ann, bob = (
        StaffMemberFactory(business=appointment.business),
        StaffMemberFactory(business=appointment.business),
    )
    by_save = AppointmentStaff(appointment=appointment, staff_member=ann)
    by_save.save()
    by_insert = AppointmentStaff(appointment=appointment, staff_member=bob)
    by_insert.take_times_from(appointment)
    insert(by_insert)

    row = AppointmentStaff.objects.get(pk=by_insert.pk)
    assert (row.blocked_start, row.blocked_end) == (NOON - timedelta(minutes=10), NOON + timedelta(hours=1))
    assert row.is_exclusive
    assert {**stored(by_insert), "staff_member_id": ann.pk} == stored(by_save)


def test_a_customer_row_keeps_answers_location_and_its_new_id(appointment):
    customer = CustomerFactory(business=appointment.business)

    def make():
        return AppointmentCustomer(
            appointment=appointment,
            customer=customer,
            name="Ana Lima",
            email_address="ana@example.com",
            location=Location(display_name="Home"),
            time_zone="Europe/Lisbon",
            custom_question_answers=(QuestionAnswer(question_id="q1", question="Why?", answer="Because"),),
        )

    by_save, by_insert = saved_both_ways(make)

    assert isinstance(by_insert.pk, int) and by_insert.pk == by_save.pk + 1
    assert stored(by_insert) == stored(by_save)
    assert stored(by_insert)["custom_question_answers"][0].answer == "Because"


def test_outbox_items_and_notices_get_their_defaults_and_ids(appointment):
    def outbox_item():
        return OutboxItem(
            business_id=appointment.business_id,
            kind=OutboxKind.CREATE,
            target_type=OutboxTarget.APPOINTMENT,
            target_id=appointment.pk,
            changed=["start"],
        )

    by_save, by_insert = saved_both_ways(outbox_item)
    assert stored(by_insert) == stored(by_save)
    assert by_insert.pk == by_save.pk + 1

    row = insert(AppointmentCustomer(appointment=appointment, name="Ana"))
    notice = insert(Notice(kind=NoticeKind.CONFIRMATION, appointment=appointment, row=row, due_at=NOON))
    assert Notice.objects.get(pk=notice.pk).row == row


def test_a_refused_row_raises_the_orms_integrity_error_and_stores_nothing(appointment):
    insert(AppointmentCustomer(appointment=appointment, name="Ana", request_key="form-1"))

    with pytest.raises(IntegrityError), transaction.atomic():
        insert(AppointmentCustomer(appointment=appointment, name="Ana again", request_key="form-1"))

    assert AppointmentCustomer.objects.filter(request_key="form-1").count() == 1


# --- insert_all: several rows, one round trip on PostgreSQL ---------------------------------------


def test_rows_of_one_change_go_in_one_statement_on_postgresql(appointment, django_assert_num_queries):
    ann = StaffMemberFactory(business=appointment.business)
    staff_row = AppointmentStaff(appointment=appointment, staff_member=ann)
    staff_row.take_times_from(appointment)
    customer_row = AppointmentCustomer(appointment=appointment, name="Ana", request_key="form-2")
    item = OutboxItem(
        business_id=appointment.business_id,
        kind=OutboxKind.CREATE,
        target_type=OutboxTarget.APPOINTMENT,
        target_id=appointment.pk,
    )

    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 3):
        insert_all(staff_row, customer_row, item)

    assert AppointmentStaff.objects.get(pk=staff_row.pk).staff_member == ann
    assert AppointmentCustomer.objects.get(pk=customer_row.pk).request_key == "form-2"
    assert OutboxItem.objects.get(pk=item.pk).target_id == appointment.pk
    assert not any(row._state.adding for row in (staff_row, customer_row, item))


def test_a_row_may_point_at_an_earlier_row_whose_key_the_database_makes(appointment):
    """The confirmation names the customer row stored in the same call (its id is made there)."""
    first = AppointmentCustomer(appointment=appointment, name="Ana")
    second = AppointmentCustomer(appointment=appointment, name="Bea")
    notices = [
        Notice(kind=NoticeKind.CONFIRMATION, appointment=appointment, row=first, due_at=NOON),
        Notice(kind=NoticeKind.CONFIRMATION, appointment=appointment, row=second, due_at=NOON),
        Notice(
            kind=NoticeKind.REMINDER, appointment=appointment, row=second, due_at=NOON + timedelta(hours=1)
        ),
    ]

    insert_all(first, second, *notices)

    stored_rows = {notice.pk: Notice.objects.get(pk=notice.pk).row_id for notice in notices}
    assert stored_rows == {notices[0].pk: first.pk, notices[1].pk: second.pk, notices[2].pk: second.pk}
    assert [notice.row_id for notice in notices] == [first.pk, second.pk, second.pk]
    assert first.pk != second.pk


def test_a_refused_row_stores_none_of_the_others(appointment):
    insert(AppointmentCustomer(appointment=appointment, name="Ana", request_key="form-3"))
    row = AppointmentCustomer(appointment=appointment, name="Ana again", request_key="form-3")
    confirmation = Notice(kind=NoticeKind.CONFIRMATION, appointment=appointment, row=row, due_at=NOON)

    with pytest.raises(IntegrityError), transaction.atomic():
        insert_all(row, confirmation)

    assert AppointmentCustomer.objects.filter(request_key="form-3").count() == 1
    assert not Notice.objects.exists()


def test_psycopg_keeps_the_booking_statement_parsed():
    """A booking's five rows make one statement; psycopg parses it once per process only if the
    statement is within its cache bounds, which ``bookings.inserts`` raises for it."""
    psycopg_queries = pytest.importorskip("psycopg._queries")
    plans = [
        _insert_of(model, connection)
        for model in (Appointment, AppointmentStaff, OutboxItem, AppointmentCustomer, Notice)
    ]
    statement = _statement(plans, [{}, {}, {}, {}, {2: 3}])

    assert len(statement) <= psycopg_queries.MAX_CACHED_STATEMENT_LENGTH
    assert statement.count("%s") <= psycopg_queries.MAX_CACHED_STATEMENT_PARAMS


def test_a_row_pointing_at_an_unsaved_row_stored_elsewhere_is_refused(appointment):
    """As ``save()`` refuses it: the link would be lost."""
    unsaved = AppointmentCustomer(appointment=appointment, name="Ana")
    confirmation = Notice(kind=NoticeKind.CONFIRMATION, appointment=appointment, row=unsaved, due_at=NOON)
    other = AppointmentCustomer(appointment=appointment, name="Bea")

    with pytest.raises(ValueError, match="unsaved AppointmentCustomer"):
        insert_all(other, confirmation)
    with pytest.raises(ValueError, match="unsaved AppointmentCustomer"):
        insert(confirmation)

    assert other._state.adding and not AppointmentCustomer.objects.exists()  # nothing was written
