"""The owner's dashboard (the admin index) and its "Sync now" button.

The numbers come from :mod:`bookings.dashboard` (pure) through :func:`bookings.admin.queries.dashboard_data`;
this module only turns them into template context.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import dashboard
from ..models import Business
from .queries import Dashboard
from .sync import sync_businesses


def dashboard_context(data: Dashboard) -> dict[str, Any]:
    utilisation = [(row, dashboard.percent(row.ratio)) for row in data.utilisation]
    return {
        "dashboard": data,
        "days_chart": dashboard.column_chart(data.days, today=data.today),
        "days_total": sum(day.total for day in data.days),
        "utilisation_rows": utilisation,
        "utilisation_chart": dashboard.bar_chart(data.utilisation) if data.utilisation else None,
        "week_end": data.week + timedelta(days=6),
    }


@require_POST
def sync_now(request: HttpRequest) -> HttpResponse:
    """Pull every served business from Graph now; the dashboard then lists the new runs."""
    if not request.user.has_perm("bookings.change_business"):
        raise PermissionDenied
    served = list(Business.objects.filter(is_active=True).values_list("graph_id", flat=True))
    if served:
        sync_businesses(request, served)
    else:
        messages.warning(request, "No business is served yet: choose the businesses to serve first.")
    return HttpResponseRedirect(reverse("admin:index"))
