"""``notices``: one confirmation per booking, reminders when due, nothing for a cancelled booking."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from bookings import booking
from bookings.booking import CustomerDetails
from bookings.models import AppointmentCustomer, Notice
from bookings.notices import send_due
from bookings.self_service import cancel_booking, reschedule_booking
from bookings.values import Reminder, SchedulingPolicy, standard_week
from tests.factories import BusinessFactory, ServiceFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2030, 5, 6, 7, tzinfo=CHICAGO)  # a Monday before opening
POLICY = SchedulingPolicy(minimum_lead_time=timedelta(hours=1), maximum_advance=timedelta(days=30))


def at(hour: int, day: int = 0) -> datetime:
    return (NOW + timedelta(days=day)).replace(hour=hour)


@pytest.fixture
def service():
    business = BusinessFactory(business_hours=standard_week(), scheduling_policy=POLICY, is_published=True)
    service = ServiceFactory(
        business=business,
        display_name="Massage",
        default_reminders=(
            Reminder(offset=timedelta(days=1), message="See you tomorrow!"),
            Reminder(offset=timedelta(hours=1), recipients="customer"),
            Reminder(offset=timedelta(hours=2), recipients="staff"),
        ),
    )
    service.staff_members.set([StaffMemberFactory(business=business)])
    return service


def book(service, start, key=None) -> AppointmentCustomer:
    key = key or uuid.uuid4().hex
    details = CustomerDetails(name="Robin", email_address="robin@example.com", request_key=key)
    booking.book(service=service, start=start, customer=details, now=NOW)
    return AppointmentCustomer.objects.get(request_key=key)


def sent_subjects() -> list[str]:
    return [message.subject.split(":")[0] for message in mail.outbox]


def test_a_booking_queues_its_confirmation_and_the_customers_reminders(service):
    row = book(service, at(10, day=2))
    kinds = sorted((notice.kind, notice.due_at) for notice in Notice.objects.filter(row=row))
    assert kinds == [
        ("confirmation", NOW),
        ("reminder", at(10, day=1)),
        ("reminder", at(9, day=2)),
    ]  # the staff-only reminder is not the customer's


def test_the_confirmation_is_sent_once_however_often_the_scan_runs(service):
    book(service, at(10, day=2))
    assert send_due(now=NOW) == 1
    assert send_due(now=NOW) == 0
    assert sent_subjects() == ["Booking confirmed"]
    assert "/booking/" in mail.outbox[0].body  # the manage link


def test_the_same_form_twice_confirms_once(service):
    key = uuid.uuid4().hex
    book(service, at(10, day=2), key=key)
    book(service, at(10, day=2), key=key)
    send_due(now=NOW)
    assert sent_subjects() == ["Booking confirmed"]


def test_reminders_go_out_when_due_not_before(service):
    book(service, at(10, day=2))
    send_due(now=NOW)
    assert send_due(now=at(9, day=1)) == 0
    assert send_due(now=at(10, day=1)) == 1
    assert "See you tomorrow!" in mail.outbox[-1].body
    assert send_due(now=at(9, day=2)) == 1
    assert sent_subjects() == ["Booking confirmed", "Reminder", "Reminder"]


def test_a_move_sends_the_new_time_and_counts_reminders_from_it(service):
    row = book(service, at(10, day=2))
    send_due(now=NOW)
    reschedule_booking(row, start=at(14, day=3), now=NOW)
    send_due(now=NOW)
    assert sent_subjects() == ["Booking confirmed", "Booking rescheduled"]
    reminders = Notice.objects.filter(row=row, kind="reminder").order_by("due_at")
    assert [notice.due_at for notice in reminders] == [at(14, day=2), at(13, day=3)]


def test_a_cancelled_booking_gets_no_reminders(service):
    row = book(service, at(10, day=2))
    send_due(now=NOW)
    cancel_booking(row, now=NOW)
    assert send_due(now=at(10, day=2)) == 0
    assert sent_subjects() == ["Booking confirmed"]


def test_a_failing_mail_server_is_retried_by_the_next_scan(service, settings):
    book(service, at(10, day=2))
    settings.EMAIL_BACKEND = "tests.test_notices.BrokenBackend"
    assert send_due(now=NOW) == 0
    assert Notice.objects.get(kind="confirmation").last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_due(now=NOW) == 0  # still claimed by the failed attempt's lease
    assert send_due(now=NOW + timedelta(minutes=6)) == 1


class BrokenBackend:
    def __init__(self, *args, **kwargs) -> None:
        pass

    def send_messages(self, messages) -> int:
        raise ConnectionRefusedError("mail server down")
