"""``/api/v1.0/solutions/…``: Graph's Bookings paths, served by the portal.

Ids are matched with ``path`` converters where Graph ids may contain ``/`` (appointment ids are
Exchange item ids: ``AAMkADc7zF4J0AAA8v/KnAAA=``); Django decodes ``%2F`` before routing.
"""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .errors import api_not_found
from .views import appointments, businesses, definitions

BUSINESS = "v1.0/solutions/bookingBusinesses/<str:business_id>"


def item_routes(segment: str, collection_view, item_view) -> list:
    return [
        path(f"{BUSINESS}/{segment}", collection_view.as_view()),
        path(f"{BUSINESS}/{segment}/<path:item_id>", item_view.as_view()),
    ]


urlpatterns = [
    path(
        "schema/",
        SpectacularAPIView.as_view(permission_classes=[], authentication_classes=[]),
        name="api-schema",
    ),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(
            url_name="api-schema", permission_classes=[], authentication_classes=[]
        ),
        name="api-docs",
    ),
    path("v1.0/solutions/bookingBusinesses", businesses.BusinessesView.as_view()),
    path(f"{BUSINESS}", businesses.BusinessView.as_view()),
    path(f"{BUSINESS}/publish", businesses.PublishView.as_view()),
    path(f"{BUSINESS}/unpublish", businesses.UnpublishView.as_view()),
    path(f"{BUSINESS}/calendarView", appointments.CalendarView.as_view()),
    # Cancel before the item routes: ``<path:…>`` would otherwise swallow "/cancel".
    path(f"{BUSINESS}/appointments/<path:item_id>/cancel", appointments.CancelAppointmentView.as_view()),
    path(f"{BUSINESS}/calendarView/<path:item_id>/cancel", appointments.CancelAppointmentView.as_view()),
    path(f"{BUSINESS}/calendarView/<path:item_id>", appointments.AppointmentView.as_view()),
    *item_routes("appointments", appointments.AppointmentsView, appointments.AppointmentView),
    *item_routes("staffMembers", definitions.StaffMembersView, definitions.StaffMemberView),
    *item_routes("services", definitions.ServicesView, definitions.ServiceView),
    *item_routes("customQuestions", definitions.CustomQuestionsView, definitions.CustomQuestionView),
    *item_routes("customers", definitions.CustomersView, definitions.CustomerView),
    path("v1.0/solutions/bookingCurrencies", businesses.CurrenciesView.as_view()),
    path("v1.0/solutions/bookingCurrencies/<str:currency_id>", businesses.CurrencyView.as_view()),
    # Any character, newline too: an id ending in a decoded %0A matches no route above and must still
    # get Graph's 404, not the HTML one.
    re_path(r"^[\s\S]*$", api_not_found),
]
