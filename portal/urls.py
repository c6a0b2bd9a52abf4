from django.contrib import admin
from django.urls import include, path

from bookings.views import health, pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("health/", health.health, name="health"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/", include("bookings.api.urls")),
    path("", include("bookings.urls")),
]
