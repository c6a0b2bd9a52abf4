"""The customer pages' addresses: ``/book/<business>/…`` to book, ``/booking/<token>/…`` to manage."""

from django.urls import path

from .views import account, manage, pages

app_name = "bookings"

urlpatterns = [
    path("book/<slug:slug>/", pages.business_page, name="business"),
    path("book/<slug:slug>/<uuid:service_id>/", pages.service_page, name="service"),
    path("book/<slug:slug>/<uuid:service_id>/slots.json", pages.slots_json, name="slots"),
    path("book/<slug:slug>/<uuid:service_id>/details/", pages.details_page, name="details"),
    path("booking/<str:token>/", manage.manage_page, name="manage"),
    path("booking/<str:token>/booking.ics", manage.calendar_file, name="calendar"),
    path("booking/<str:token>/cancel/", manage.cancel, name="cancel"),
    path("booking/<str:token>/reschedule/", manage.reschedule, name="reschedule"),
    path("my/bookings/", account.my_bookings, name="my_bookings"),
]
