"""The customer's booking journey: business page, service page with its slot picker, details form.

Views stay thin: ``selectors`` reads, ``booking.book`` writes, ``forms`` checks shapes, and the
domain errors come back here once to become form errors or a "just taken" choice of nearby times.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from typing import NoReturn

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from .. import selectors, slot_cache
from ..booking import CustomerDetails, nearby_slots, place_booking
from ..display import customer_zone, local_window, slot_value, slots_by_day, week_start
from ..exceptions import InvalidAnswers, InvalidBooking, SlotUnavailable
from ..forms import BookingForm, SlotPickerForm, SlotQueryForm, time_zone_choices
from ..manage_links import manage_token
from ..models import Business, Service, ServiceQuestion
from ..rate_limits import limit_booking_posts
from .common import booking_context, local_slots, parse_slot

DAYS_SHOWN = 7
# How far past an empty week the picker looks for the next free day to offer.
NEXT_FREE_REACH = timedelta(days=62)


def _business_or_404(slug: str) -> Business:
    business = selectors.bookable_business(slug)
    if business is None:
        raise Http404("No booking page here.")
    return business


def _service_or_404(slug: str, service_id: uuid.UUID) -> Service:
    """The bookable service with its business (``service.business``), or 404."""
    service = selectors.bookable_service_at(slug, service_id)
    if service is None:
        _not_bookable(slug)
    return service


def _service_and_questions_or_404(slug: str, service_id: uuid.UUID) -> tuple[Service, list[ServiceQuestion]]:
    """``_service_or_404`` and the questions the service asks."""
    found = selectors.bookable_service_with_questions(slug, service_id)
    if found is None:
        _not_bookable(slug)
    return found


def _not_bookable(slug: str) -> NoReturn:
    if selectors.bookable_business(slug) is None:
        raise Http404("No booking page here.")
    raise Http404("This service cannot be booked here.")


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The portal's front page: every business customers can book with here."""
    return render(request, "home.html", {"businesses": selectors.published_businesses()})


@require_GET
def business_page(request: HttpRequest, slug: str) -> HttpResponse:
    business = _business_or_404(slug)
    services = [booking_context(business, service) for service in selectors.bookable_services(business)]
    return render(request, "bookings/business.html", {"business": business, "services": services})


@require_GET
def service_page(request: HttpRequest, slug: str, service_id: uuid.UUID) -> HttpResponse:
    """The slot picker: a week of free times by day, in the customer's zone, for anyone or one person."""
    service = _service_or_404(slug, service_id)
    business = service.business
    policy = selectors.scheduling_policy(service)
    staff = selectors.service_staff(service) if policy.allow_staff_selection else []
    picker = SlotPickerForm(request.GET, staff_members=staff)
    picker.is_valid()  # a bad value is shown as an error and the default used instead
    query = picker.cleaned_data
    zone = customer_zone(query.get("tz"), business.zone)
    staff_id = query.get("staff") or None
    now = timezone.now()
    today = now.astimezone(zone).date()
    first_day = week_start(query.get("week"), today)

    def compute() -> tuple[tuple, date | None]:
        start, end = local_window(first_day, DAYS_SHOWN, zone)
        slots = selectors.slots_for_service(service=service, start=start, end=end, now=now, staff_id=staff_id)
        if slots:
            return slots, None
        later = selectors.slots_for_service(
            service=service, start=end, end=end + NEXT_FREE_REACH, now=now, staff_id=staff_id
        )
        return slots, (later[0].start.astimezone(zone).date() if later else None)

    parts = ("week", service.pk, first_day, zone.key, staff_id)
    slots, next_free = slot_cache.cached(business.pk, parts, now, compute)
    chosen = {"tz": zone.key, "staff": staff_id or ""}
    return render(
        request,
        "bookings/service.html",
        {
            **booking_context(business, service),
            "picker": picker,
            "zone": zone,
            "zone_choices": time_zone_choices(),
            "days": slots_by_day(slots, zone, first_day, DAYS_SHOWN),
            "first_day": first_day,
            "previous_week": first_day - timedelta(days=DAYS_SHOWN) if first_day > today else None,
            "next_week": first_day + timedelta(days=DAYS_SHOWN),
            "next_free": next_free,
            "chosen": chosen,
            "slot_link": reverse("bookings:details", args=[business.slug, service.pk]),
        },
    )


@require_GET
def slots_json(request: HttpRequest, slug: str, service_id: uuid.UUID) -> HttpResponse:
    """Free slots as JSON for scripts on the booking page: ``?start=YYYY-MM-DD&days=N&tz=&staff=``.

    Times are given in UTC and in the zone asked for; an unknown zone falls back to the business's.
    """
    query = SlotQueryForm(request.GET)
    if not query.is_valid():
        return JsonResponse({"errors": query.errors.get_json_data()}, status=400)
    now = timezone.now()
    parts = ("json", service_id, *(query.cleaned_data.get(name) for name in ("start", "days", "tz", "staff")))
    # A popular week is served from the cache before any query: the encoded body is what is kept.
    known_business = slot_cache.business_of(slug)
    if known_business is not None and (body := slot_cache.lookup(known_business, parts, now)) is not None:
        return HttpResponse(body, content_type="application/json")
    service = _service_or_404(slug, service_id)
    business = service.business
    zone = customer_zone(query.cleaned_data.get("tz"), business.zone)
    first_day = week_start(query.cleaned_data.get("start"), now.astimezone(zone).date())
    start, end = local_window(first_day, query.cleaned_data.get("days") or 7, zone)
    slots = selectors.slots_for_service(
        service=service, start=start, end=end, now=now, staff_id=query.cleaned_data.get("staff")
    )
    body = json.dumps(
        {
            "timeZone": zone.key,
            "slots": [
                {
                    "start": slot_value(slot.start),
                    "end": slot_value(slot.end),
                    "localStart": slot.start.astimezone(zone).isoformat(),
                    "seatsLeft": slot.seats_left,
                }
                for slot in slots
            ],
        }
    )
    slot_cache.remember_business(slug, business.pk)
    slot_cache.store(business.pk, parts, now, body)
    return HttpResponse(body, content_type="application/json")


@require_http_methods(["GET", "POST"])
@limit_booking_posts
def details_page(request: HttpRequest, slug: str, service_id: uuid.UUID) -> HttpResponse:
    """Who is booking and their answers, for the slot picked; on submit, the booking itself."""
    service, questions = _service_and_questions_or_404(slug, service_id)
    business = service.business
    user = request.user if request.user.is_authenticated else None
    data = request.POST if request.method == "POST" else None
    form = BookingForm(
        data,
        questions=questions,
        email_locked=bool(user and user.email),
        initial=_initial(request, user),
    )
    if data is None:
        return _details_get(request, business, service, form)
    if not form.is_valid():
        return _render_details(request, business, service, form, status=400)
    key = form.cleaned_data["request_key"]
    zone = customer_zone(form.cleaned_data.get("tz"), business.zone)
    details = CustomerDetails(
        name=form.cleaned_data["name"].strip(),
        email_address=form.cleaned_data["email"],
        phone=form.cleaned_data["phone"].strip(),
        notes=form.cleaned_data["notes"].strip(),
        time_zone=zone.key,
        request_key=key,
    )
    try:
        row = place_booking(
            service=service,
            start=form.cleaned_data["start"],
            customer=details,
            staff_id=form.cleaned_data.get("staff"),
            answers=form.answers(),
            questions=questions,
            now=timezone.now(),
        )
    except SlotUnavailable as taken:
        nearby = local_slots(taken.nearby, zone)
        return _render_details(request, business, service, form, status=409, taken=True, nearby=nearby)
    except InvalidAnswers as invalid:
        form.add_answer_errors(invalid.errors)
        return _render_details(request, business, service, form, status=400)
    except InvalidBooking as invalid:
        form.add_error(None, invalid.message)
        return _render_details(request, business, service, form, status=400)
    if user is not None and row.customer and row.customer.user_id is None:
        row.customer.user = user
        row.customer.save(update_fields=["user"])
    return redirect(f"{reverse('bookings:manage', args=[manage_token(row)])}?booked=1")


def _initial(request: HttpRequest, user) -> dict:
    initial = {key: request.GET.get(key, "") for key in ("start", "staff", "tz")}
    initial["request_key"] = uuid.uuid4().hex
    if user is not None:
        initial["name"] = user.get_full_name() or user.get_username()
        initial["email"] = user.email
    return initial


def _details_get(
    request: HttpRequest, business: Business, service: Service, form: BookingForm
) -> HttpResponse:
    """The form for a slot from the picker; a slot gone already is said so before any typing."""
    start = parse_slot(request.GET.get("start"))
    if start is None:
        return render(
            request,
            "bookings/pick_again.html",
            {**booking_context(business, service), "message": "Please pick a time from the list."},
            status=400,
        )
    zone = customer_zone(request.GET.get("tz"), business.zone)
    now = timezone.now()
    offered = selectors.slots_for_service(
        service=service,
        start=start,
        end=start + timedelta(minutes=1),
        now=now,
        staff_id=request.GET.get("staff") or None,
    )
    if not any(slot.start == start for slot in offered):
        nearby = local_slots(nearby_slots(service=service, start=start, now=now), zone)
        return _render_details(request, business, service, form, status=409, taken=True, nearby=nearby)
    return _render_details(request, business, service, form, status=200)


def _render_details(
    request: HttpRequest,
    business: Business,
    service: Service,
    form: BookingForm,
    *,
    status: int,
    taken: bool = False,
    nearby=(),
) -> HttpResponse:
    raw_start = form.data.get("start") if form.is_bound else form.initial.get("start")
    raw_tz = form.data.get("tz") if form.is_bound else form.initial.get("tz")
    zone = customer_zone(raw_tz, business.zone)
    start = parse_slot(raw_start)
    picked = start.astimezone(zone) if start else None
    return render(
        request,
        "bookings/details.html",
        {
            **booking_context(business, service),
            "form": form,
            "zone": zone,
            "picked": picked,
            "picked_end": (picked + service.default_duration) if picked else None,
            "taken": taken,
            "nearby": nearby,
            "back": reverse("bookings:service", args=[business.slug, service.pk]) + f"?tz={zone.key}",
        },
        status=status,
    )
