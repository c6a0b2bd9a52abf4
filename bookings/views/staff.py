"""The staff pages: a member's schedule, an appointment's details and the private calendar feed.

Who sees what is decided once, in ``access.schedule_scope``; the layout of a day or a week in
``schedule``; the queries in ``staff_selectors``. These views only read the request and render.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from .. import access, schedule, staff_selectors
from ..display import customer_zone, duration_label
from ..models import Business, StaffCalendarFeed, StaffMember
from ..notifications import is_web_link
from ..staff_feed import feed_window, staff_calendar
from ..values import WorkHours

# Far enough either way for any real schedule, and inside what date arithmetic can reach.
EARLIEST, LATEST = date(1970, 1, 1), date(2199, 12, 31)
NEW_FEED_SESSION_KEY = "staff_new_feed_url"


class ScheduleQuery(forms.Form):
    view = forms.ChoiceField(choices=[(schedule.WEEK, "Week"), (schedule.DAY, "Day")], required=False)
    date = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    business = forms.SlugField(required=False)

    def clean_date(self) -> date | None:
        day = self.cleaned_data.get("date")
        if day is not None and not EARLIEST <= day <= LATEST:
            raise forms.ValidationError("Choose a date between 1970 and 2199.")
        return day


def _schedule_url(business: Business, view: str, day: date) -> str:
    query = urlencode({"business": business.slug, "view": view, "date": f"{day:%Y-%m-%d}"})
    return f"{reverse('bookings:staff_schedule')}?{query}"


def _member_zone(member: StaffMember | None, business: Business) -> ZoneInfo:
    """The member's own zone if they have a known one, else their business's."""
    return customer_zone(member.time_zone if member else "", business.zone)


def _working_hours(
    member: StaffMember | None, business: Business, zone: ZoneInfo
) -> tuple[tuple[WorkHours, ...], ZoneInfo]:
    """The hours to shade and their zone: the member's own in their zone, unless they keep the
    business's hours (or the viewer is an owner with no membership there), which are in its zone."""
    if member is not None and not member.use_business_hours:
        return tuple(member.working_hours), zone
    return tuple(business.business_hours), business.zone


def _businesses(members: list[StaffMember], owner: bool) -> list[Business]:
    if owner:
        return list(Business.objects.filter(is_active=True).order_by("display_name", "pk"))
    return [member.business for member in members]


@login_required
@require_GET
def schedule_page(request: HttpRequest) -> HttpResponse:
    members = staff_selectors.memberships(request.user)
    owner = access.is_owner(request.user)
    businesses = _businesses(members, owner)
    if not businesses:
        return render(request, "staff/no_membership.html")
    query = ScheduleQuery(request.GET)
    status = 200
    if not query.is_valid():
        status = 400
        for errors in query.errors.values():
            for error in errors:
                messages.error(request, error)
    params = {key: value for key, value in query.cleaned_data.items() if key not in query.errors}
    business = next((b for b in businesses if b.slug == params.get("business")), None)
    if business is None and params.get("business"):
        status = 400
        messages.error(request, "You have no schedule at that business; showing your first one.")
    business = business or businesses[0]
    member = next((m for m in members if m.business_id == business.pk), None)
    zone = _member_zone(member, business)
    view = params.get("view") or schedule.WEEK
    now = timezone.now()
    today = now.astimezone(zone).date()
    first_day = schedule.first_day_of(view, params.get("date") or today)
    start, end = schedule.schedule_window(view, first_day, zone)
    scope = access.schedule_scope(members, owner=owner)
    entries, busy = staff_selectors.schedule_entries(
        scope=scope, business=business, member=member, start=start, end=end
    )
    hours, hours_zone = _working_hours(member, business, zone)
    layout = schedule.lay_out(
        view,
        first_day,
        zone,
        now=now,
        appointments=entries,
        busy=busy,
        working_hours=hours,
        hours_zone=hours_zone,
    )
    previous, following = schedule.neighbours(view, first_day)
    feed = StaffCalendarFeed.objects.active().filter(staff_member=member).first() if member else None
    new_feed_url = None
    shown_once = request.session.get(NEW_FEED_SESSION_KEY)
    if feed and shown_once and shown_once.get("member") == str(member.pk):
        new_feed_url = request.session.pop(NEW_FEED_SESSION_KEY)["url"]
    context: dict[str, Any] = {
        "layout": layout,
        "business": business,
        "businesses": businesses,
        "member": member,
        "whole_business": access.sees_whole_business(member, owner=owner),
        "view": view,
        "first_day": first_day,
        "last_day": layout.days[-1].date,
        "columns": [
            (day, _schedule_url(business, schedule.DAY, day.date), layout.labels_own_hours(day))
            for day in layout.days
        ],
        "previous_url": _schedule_url(business, view, previous),
        "next_url": _schedule_url(business, view, following),
        "today_url": _schedule_url(business, view, today),
        # Day from a week: today if this week holds it, else the week's first day.
        "day_url": _schedule_url(
            business, schedule.DAY, today if first_day <= today <= layout.days[-1].date else first_day
        ),
        "week_url": _schedule_url(business, schedule.WEEK, first_day),
        "feed": feed,
        "new_feed_url": new_feed_url,
    }
    return render(request, "staff/schedule.html", context, status=status)


@login_required
@require_GET
def appointment_page(request: HttpRequest, appointment_id: uuid.UUID) -> HttpResponse:
    members = staff_selectors.memberships(request.user)
    scope = access.schedule_scope(members, owner=access.is_owner(request.user))
    appointment = staff_selectors.visible_appointment(scope, appointment_id)
    if appointment is None:
        raise Http404("There is no appointment here that you may see.")
    member = next((m for m in members if m.business_id == appointment.business_id), None)
    zone = _member_zone(member, appointment.business)
    customers = [
        {
            "row": row,
            "answers": [qa for qa in row.custom_question_answers if qa.answer or qa.selected_options],
        }
        for row in appointment.customer_rows.all()
    ]
    return render(
        request,
        "staff/appointment.html",
        {
            "appointment": appointment,
            "zone": zone,
            "start": appointment.start.astimezone(zone),
            "end": appointment.end.astimezone(zone),
            "staff": [row.staff_member for row in appointment.staff_rows.all()],
            "customers": customers,
            "buffers": (duration_label(appointment.pre_buffer), duration_label(appointment.post_buffer)),
            "join_url": appointment.join_web_url if is_web_link(appointment.join_web_url or "") else "",
            "back": _schedule_url(
                appointment.business, schedule.DAY, appointment.start.astimezone(zone).date()
            ),
        },
    )


def _posted_member(request: HttpRequest) -> StaffMember:
    """The member whose feed the form names (by business); only the user's own memberships."""
    slug = request.POST.get("business", "")
    member = next((m for m in staff_selectors.memberships(request.user) if m.business.slug == slug), None)
    if member is None:
        raise Http404("You have no schedule at that business.")
    return member


def _back_to_schedule(member: StaffMember) -> HttpResponse:
    return redirect(f"{reverse('bookings:staff_schedule')}?{urlencode({'business': member.business.slug})}")


@login_required
@require_POST
def create_feed(request: HttpRequest) -> HttpResponse:
    """A new private feed address, replacing any earlier one. The address is shown once: it is kept
    in the session (server side) until the schedule page has displayed it, never in the database."""
    member = _posted_member(request)
    _, raw = StaffCalendarFeed.objects.issue(member)
    request.session[NEW_FEED_SESSION_KEY] = {
        "member": str(member.pk),
        "url": request.build_absolute_uri(reverse("bookings:staff_feed", args=[raw])),
    }
    messages.success(request, "Your calendar feed address is ready. Any earlier address no longer works.")
    return _back_to_schedule(member)


@login_required
@require_POST
def revoke_feed(request: HttpRequest) -> HttpResponse:
    member = _posted_member(request)
    StaffCalendarFeed.objects.active().filter(staff_member=member).update(revoked_at=timezone.now())
    request.session.pop(NEW_FEED_SESSION_KEY, None)
    messages.success(request, "Your calendar feed address is revoked: calendars using it stop updating.")
    return _back_to_schedule(member)


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself. Calendar programs fetch it with no session: the address is the credential,
    so an unknown or revoked one is a plain 404."""
    found = StaffCalendarFeed.objects.for_token(token)
    if found is None or not found.staff_member.business.is_active:
        raise Http404("There is no calendar at this address.")
    member = found.staff_member
    now = timezone.now()
    start, end = feed_window(now)
    scope = access.schedule_scope([member])
    appointments = staff_selectors.feed_appointments(member, scope, start, end)
    StaffCalendarFeed.objects.filter(pk=found.pk).update(last_fetched_at=now)
    body = staff_calendar(
        member,
        appointments,
        lambda appointment: request.build_absolute_uri(
            reverse("bookings:staff_appointment", args=[appointment.pk])
        ),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="schedule.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
