"""A signed-in customer's own bookings."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import selectors
from ..display import customer_zone
from ..manage_links import manage_token


@login_required
@require_GET
def my_bookings(request: HttpRequest) -> HttpResponse:
    """Bookings made under any of the account's verified addresses, as a guest or signed in: an
    address is only trusted once its owner proved it, so nobody sees another's bookings by
    signing up with their address."""
    addresses = EmailAddress.objects.filter(user=request.user, verified=True).values_list("email", flat=True)
    now = timezone.now()
    upcoming, past = [], []
    for row in selectors.bookings_for_addresses(list(addresses)):
        appointment = row.appointment
        zone = customer_zone(row.time_zone, appointment.business.zone)
        entry = {
            "row": row,
            "appointment": appointment,
            "start": appointment.start.astimezone(zone),
            "zone": zone,
            "token": manage_token(row),
        }
        (upcoming if appointment.end > now and not appointment.is_cancelled else past).append(entry)
    upcoming.reverse()  # soonest first
    return render(request, "bookings/my_bookings.html", {"upcoming": upcoming, "past": past})
