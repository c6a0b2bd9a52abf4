"""The customer pages' addresses: ``/book/<business>/…`` to book, ``/booking/<token>/…`` to manage;
the staff pages under ``/staff/``."""

from django.urls import path

from .views import account, manage, pages, staff

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
    path("staff/", staff.schedule_page, name="staff_schedule"),
    path("staff/appointments/<uuid:appointment_id>/", staff.appointment_page, name="staff_appointment"),
    path("staff/feed/", staff.create_feed, name="staff_feed_create"),
    path("staff/feed/revoke/", staff.revoke_feed, name="staff_feed_revoke"),
    path("staff/feed/<str:token>.ics", staff.feed, name="staff_feed"),
]
