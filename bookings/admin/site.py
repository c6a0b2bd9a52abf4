"""The portal's admin site: Django's, plus the owner's pages and the Graph health banner.

The index is the owner's dashboard; ``graph/…`` connects Microsoft 365 and chooses the businesses to
serve; every page's context carries ``graph_health`` (read lazily: only pages that draw the banner,
i.e. those of a signed-in owner, pay for its three queries).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from .queries import dashboard_data, graph_health


class PortalAdminSite(admin.AdminSite):
    site_header = "Bookings portal"
    site_title = "Bookings portal"
    index_title = "Dashboard"
    index_template = "admin/dashboard.html"

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_active and user.is_staff:
            context["graph_health"] = SimpleLazyObject(graph_health)
        return context

    def get_urls(self) -> list[URLResolver | URLPattern]:
        # Imported here, not at the top: they import modules that register on ``admin.site``, which is
        # this class while Django sets it up.
        from . import connect, overview, serve

        own = [
            path("graph/", self.admin_view(connect.connection_page), name="graph_connection"),
            path("graph/connect/", self.admin_view(connect.start_sign_in), name="graph_connect"),
            path("graph/callback/", self.admin_view(connect.finish_sign_in), name="graph_callback"),
            path("graph/test/", self.admin_view(connect.test_connection), name="graph_test"),
            path("graph/businesses/", self.admin_view(serve.choose_businesses), name="graph_businesses"),
            path("sync-now/", self.admin_view(overview.sync_now), name="sync_now"),
        ]
        return own + super().get_urls()

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        from .overview import dashboard_context

        context = dashboard_context(dashboard_data(now=timezone.now()))
        return super().index(request, {**context, **(extra_context or {})})
