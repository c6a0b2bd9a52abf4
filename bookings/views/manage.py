"""The private manage link: see a booking, cancel it with a message, move it to another time.

Anyone holding the link may act on that one booking and nothing else; a forged or altered link is
a plain 404, the same as one for a booking that never existed.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import notifications, selectors
from ..display import customer_zone, local_window, slots_by_day, week_start
from ..exceptions import BookingNotChangeable, OutsideLeadTime, SlotUnavailable
from ..forms import CancelForm, RescheduleForm, SlotPickerForm
from ..manage_links import manage_token, row_id_for_token
from ..models import AppointmentCustomer
from ..rate_limits import limit_booking_posts
from ..self_service import cancel_booking, change_deadline, check_changeable, reschedule_booking
from .common import booking_context, local_slots, send_quietly

DAYS_SHOWN = 7


def _row_or_404(token: str) -> AppointmentCustomer:
    row_id = row_id_for_token(token)
    row = selectors.customer_booking(row_id) if row_id is not None else None
    if row is None or not row.appointment.is_active:
        raise Http404("There is no booking at this address.")
    return row


def _manage_url(request: HttpRequest, row: AppointmentCustomer) -> str:
    return request.build_absolute_uri(reverse("bookings:manage", args=[manage_token(row)]))


def _refusal(row: AppointmentCustomer, now) -> str | None:
    """Why the customer cannot change this booking online now, in words for them; ``None`` if they can."""
    try:
        check_changeable(row, now=now)
    except BookingNotChangeable as refused:
        return refused.message
    except OutsideLeadTime as late:
        return _too_late_message(row, late)
    return None


def _too_late_message(row: AppointmentCustomer, late: OutsideLeadTime) -> str:
    zone = customer_zone(row.time_zone, row.appointment.business.zone)
    deadline = late.deadline.astimezone(zone)
    contact = row.appointment.business.phone or row.appointment.business.email
    reach = f" Please contact {row.appointment.business.display_name}" + (
        f" ({contact})." if contact else "."
    )
    return (
        f"Changes online were possible until {deadline:%A %-d %B %Y, %H:%M} ({zone.key}), "
        f"as the business needs notice before the appointment.{reach}"
    )


def _render_manage(
    request: HttpRequest,
    row: AppointmentCustomer,
    *,
    cancel_form: CancelForm | None = None,
    status: int = 200,
) -> HttpResponse:
    appointment = row.appointment
    business = appointment.business
    zone = customer_zone(row.time_zone, business.zone)
    now = timezone.now()
    context = (
        booking_context(business, appointment.service) if appointment.service else {"business": business}
    )
    return render(
        request,
        "bookings/manage.html",
        {
            **context,
            "row": row,
            "appointment": appointment,
            "zone": zone,
            "start": appointment.start.astimezone(zone),
            "end": appointment.end.astimezone(zone),
            "staff": [staff_row.staff_member for staff_row in appointment.staff_rows.all()],
            "refusal": _refusal(row, now),
            "deadline": change_deadline(appointment).astimezone(zone) if appointment.service else None,
            "cancel_form": cancel_form or CancelForm(),
            "token": manage_token(row),
            "just_booked": request.GET.get("booked") == "1",
            "just_moved": request.GET.get("moved") == "1",
            "just_cancelled": request.GET.get("cancelled") == "1",
        },
        status=status,
    )


@require_GET
def manage_page(request: HttpRequest, token: str) -> HttpResponse:
    return _render_manage(request, _row_or_404(token))


@require_GET
def calendar_file(request: HttpRequest, token: str) -> HttpResponse:
    """The booking as an ``.ics`` file, for calendars the e-mail's attachment did not reach."""
    row = _row_or_404(token)
    cancelled = row.appointment.is_cancelled
    body = notifications.booking_calendar(row, cancelled=cancelled, manage_url=_manage_url(request, row))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="booking.ics"'
    return response


@require_POST
@limit_booking_posts
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    row = _row_or_404(token)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _render_manage(request, row, cancel_form=form, status=400)
    try:
        cancel_booking(row, message=form.cleaned_data["message"], now=timezone.now())
    except BookingNotChangeable as refused:
        form.add_error(None, refused.message)
        return _render_manage(request, row, cancel_form=form, status=409)
    except OutsideLeadTime as late:
        form.add_error(None, _too_late_message(row, late))
        return _render_manage(request, row, cancel_form=form, status=409)
    cancelled = notifications.send_booking_cancelled
    transaction.on_commit(lambda: send_quietly(cancelled, row, manage_url=None))
    still_there = AppointmentCustomer.objects.filter(pk=row.pk).exists()
    if not still_there:  # a seat in a group session: the row is gone, so is its page
        return render(
            request,
            "bookings/cancelled.html",
            booking_context(row.appointment.business, row.appointment.service),
        )
    return redirect(f"{reverse('bookings:manage', args=[token])}?cancelled=1")


@require_http_methods(["GET", "POST"])
@limit_booking_posts
def reschedule(request: HttpRequest, token: str) -> HttpResponse:
    """A week of free times to move to, each a button; the move itself on POST."""
    row = _row_or_404(token)
    now = timezone.now()
    refusal = _refusal(row, now)
    if refusal is not None:
        return _render_manage(request, row, status=409 if request.method == "POST" else 200)
    business = row.appointment.business
    service = row.appointment.service
    picker = SlotPickerForm(request.GET, staff_members=[])
    picker.is_valid()
    zone = customer_zone(picker.cleaned_data.get("tz") or row.time_zone, business.zone)
    taken, nearby, error = False, [], None
    if request.method == "POST":
        form = RescheduleForm(request.POST)
        if form.is_valid():
            try:
                moved = reschedule_booking(row, start=form.cleaned_data["start"], now=now)
            except SlotUnavailable as gone:
                taken, nearby = True, local_slots(gone.nearby, zone)
            except (BookingNotChangeable, OutsideLeadTime):
                return _render_manage(request, row, status=409)
            else:
                return redirect(f"{reverse('bookings:manage', args=[manage_token(moved)])}?moved=1")
        else:
            error = "Please pick a time from the list."
    today = now.astimezone(zone).date()
    first_day = week_start(picker.cleaned_data.get("week"), today)
    start, end = local_window(first_day, DAYS_SHOWN, zone)
    slots = selectors.slots_for_service(
        service=service,
        start=start,
        end=end,
        now=now,
        ignoring=row.appointment.pk if not service.is_group else None,
    )
    slots = [slot for slot in slots if slot.start != row.appointment.start]
    return render(
        request,
        "bookings/reschedule.html",
        {
            **booking_context(business, service),
            "row": row,
            "token": token,
            "zone": zone,
            "current": row.appointment.start.astimezone(zone),
            "days": slots_by_day(slots, zone, first_day, DAYS_SHOWN),
            "first_day": first_day,
            "previous_week": first_day - timedelta(days=DAYS_SHOWN) if first_day > today else None,
            "next_week": first_day + timedelta(days=DAYS_SHOWN),
            "taken": taken,
            "nearby": nearby,
            "error": error,
            "picker": picker,
        },
        status=409 if taken else 400 if error else 200,
    )
