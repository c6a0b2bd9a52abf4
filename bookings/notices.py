"""Booking e-mails owed to customers: queued with the change, sent once by a scan when due.

``for_booking`` / ``on_moved`` / ``on_cancelled`` run inside the booking's transaction, so the
confirmation exists exactly when the booking does (one per booking, by constraint) and reminders
move and vanish with it. ``send_due`` is the sending half: Celery beat runs it every minute, and
each commit that queued something asks for a run at once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from . import notifications
from .enums import ReminderRecipients
from .kicks import kick
from .manage_links import manage_token
from .models import Appointment, AppointmentCustomer, Notice, NoticeKind

logger = logging.getLogger(__name__)

SEND_LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5
CUSTOMER_RECIPIENTS = (ReminderRecipients.ALL_ATTENDEES, ReminderRecipients.CUSTOMER)


def for_booking(row: AppointmentCustomer, *, now: datetime) -> list[Notice]:
    """A new booking's notices, unsaved, for the booking's transaction to store with its rows
    (``inserts.insert_all``): the confirmation now, the reminders when due. Once committed, the due
    ones are sent. ``row`` may be unsaved too: the notices point at it."""
    confirmation = Notice(kind=NoticeKind.CONFIRMATION, appointment=row.appointment, row=row, due_at=now)
    _send_soon()
    return [confirmation, *_reminders(row, now=now)]


def on_moved(row: AppointmentCustomer, *, now: datetime) -> None:
    """The booking moved: its new time now, and reminders counted from the new start."""
    Notice.objects.filter(row=row, kind=NoticeKind.REMINDER, sent_at__isnull=True).delete()
    Notice.objects.create(kind=NoticeKind.RESCHEDULED, appointment=row.appointment, row=row, due_at=now)
    Notice.objects.bulk_create(_reminders(row, now=now))
    _send_soon()


def on_cancelled(row: AppointmentCustomer) -> None:
    """The booking is off: nothing still queued for it is sent (the cancellation is sent at once)."""
    Notice.objects.filter(row=row, sent_at__isnull=True).delete()


def _reminders(row: AppointmentCustomer, *, now: datetime) -> list[Notice]:
    """The row's reminders still ahead of ``now``, unsaved."""
    appointment = row.appointment
    return [
        Notice(
            kind=NoticeKind.REMINDER,
            appointment=appointment,
            row=row,
            due_at=appointment.start - reminder.offset,
            message=reminder.message,
        )
        for reminder in appointment.reminders
        if reminder.recipients in CUSTOMER_RECIPIENTS and appointment.start - reminder.offset > now
    ]


def _send_soon() -> None:
    """After the commit, have the due notices sent: by a worker when there is one, else right here."""

    def run() -> None:
        if settings.EMAIL_IN_WORKER:
            from .tasks import send_notices

            try:
                kick(send_notices, key="send-notices")
                return
            except Exception:  # the broker is down: beat's scan sends them later, or we do now
                logger.warning("could not queue sending notices; sending them now", exc_info=True)
        try:
            send_due(now=timezone.now())
        except Exception:  # a mail server failing must not fail the page; the scan retries
            logger.exception("sending notices failed")

    transaction.on_commit(run)


# --- Sending ---------------------------------------------------------------------------------------


def send_due(*, now: datetime, limit: int = 100) -> int:
    """Send the notices due by ``now``; returns how many went out.

    Each is claimed (``SKIP LOCKED``, with a lease) in its own committed transaction before it is
    sent and marked sent right after, so two scans never send the same one; a failure leaves it for
    a later scan, up to ``MAX_ATTEMPTS``.
    """
    sent = 0
    for notice in _claim(now=now, limit=limit):
        try:
            _deliver(notice)
        except Exception as error:  # SMTP and template errors alike: retried by a later scan
            logger.warning("notice %s not sent: %s", notice.pk, error)
            Notice.objects.filter(pk=notice.pk).update(last_error=str(error)[:2000])
            continue
        Notice.objects.filter(pk=notice.pk).update(sent_at=timezone.now(), claimed_until=None)
        sent += 1
    return sent


def _claim(*, now: datetime, limit: int) -> list[Notice]:
    due = (
        Notice.objects.filter(sent_at__isnull=True, due_at__lte=now, attempts__lt=MAX_ATTEMPTS)
        .exclude(claimed_until__gt=now)
        .order_by("due_at", "id")
    )
    with transaction.atomic():
        notices = list(due.select_for_update(skip_locked=True)[:limit])
        for notice in notices:
            notice.claimed_until = now + SEND_LEASE
            notice.attempts += 1
        Notice.objects.bulk_update(notices, ["claimed_until", "attempts"])
    return notices


def _deliver(notice: Notice) -> None:
    row = (
        AppointmentCustomer.objects.select_related("appointment__business", "appointment__service")
        .filter(pk=notice.row_id)
        .first()
    )
    appointment: Appointment | None = row.appointment if row else None
    if row is None or appointment is None or appointment.is_cancelled or not appointment.is_active:
        return  # the booking went away meanwhile: nothing to say any more
    manage_url = settings.PORTAL_BASE_URL + reverse("bookings:manage", args=[manage_token(row)])
    if notice.kind == NoticeKind.CONFIRMATION:
        notifications.send_booking_confirmation(row, manage_url=manage_url)
    elif notice.kind == NoticeKind.RESCHEDULED:
        notifications.send_booking_rescheduled(row, manage_url=manage_url)
    else:
        notifications.send_booking_reminder(row, manage_url=manage_url, message=notice.message)
