"""The booking journey over HTTP: what each page shows and what submitting the details form does."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings import booking
from bookings.booking import CustomerDetails
from bookings.display import slot_value
from bookings.models import Appointment, AppointmentCustomer
from tests.factories import BusinessFactory, ServiceFactory, StaffMemberFactory

from .conftest import a_free_slot, answer_field, booking_form, details_url, free_slots, manage_path

pytestmark = pytest.mark.django_db


def test_the_home_page_lists_published_businesses_only(client, business):
    BusinessFactory(display_name="Hidden Shop", is_published=False)
    page = client.get("/").content.decode()
    assert "Salon" in page and "/book/salon/" in page
    assert "Hidden Shop" not in page


def test_the_business_page_lists_bookable_services_with_price_and_duration(client, service, business, ann):
    hidden = ServiceFactory(business=business, display_name="Staff only", is_hidden_from_customers=True)
    hidden.staff_members.set([ann])
    service.default_price, service.default_price_type = 25, "startingAt"
    service.save()
    business.default_currency_iso = "GBP"
    business.save()

    page = client.get("/book/salon/").content.decode()

    assert "Haircut" in page and "30 minutes" in page and "From GBP 25.00" in page
    assert "Staff only" not in page


def test_an_unpublished_business_has_no_booking_page(client, business, service):
    business.is_published = False
    business.save()
    assert client.get("/book/salon/").status_code == 404
    assert client.get(f"/book/salon/{service.pk}/").status_code == 404


def test_the_slot_picker_shows_a_week_of_times_in_the_customers_zone(client, service):
    slot = a_free_slot(service)
    page = client.get(f"/book/salon/{service.pk}/", {"tz": "Asia/Tokyo"}).content.decode()
    assert "Times are shown in Asia/Tokyo" in page
    local = slot.start.astimezone(ZoneInfo("Asia/Tokyo"))
    assert f"start={slot_value(slot.start)}" in page
    assert f">{local:%H:%M}</a>" in page


def test_the_slot_picker_falls_back_to_the_business_zone_for_an_unknown_one(client, service):
    response = client.get(f"/book/salon/{service.pk}/", {"tz": "Mars/Olympus_Mons", "week": "not a date"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Times are shown in Europe/London" in page
    assert "Week starting: Enter a valid date." in page


def test_the_slot_picker_costs_a_fixed_number_of_queries(client, service, business):
    for number in range(30):
        extra = StaffMemberFactory(business=business, display_name=f"Extra {number}", use_business_hours=True)
        service.staff_members.add(extra)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/book/salon/{service.pk}/").status_code == 200
    assert len(queries) <= 8, [query["sql"] for query in queries]


def test_the_staff_choice_is_offered_only_when_the_policy_allows_it(client, service, business):
    assert "Anyone available" in client.get(f"/book/salon/{service.pk}/").content.decode()
    business.scheduling_policy = business.scheduling_policy.__class__(
        **{**business.scheduling_policy.__dict__, "allow_staff_selection": False}
    )
    business.save()
    assert "Anyone available" not in client.get(f"/book/salon/{service.pk}/").content.decode()


def test_a_guest_books_and_lands_on_the_booking_with_a_confirmation_email(
    client, service, django_capture_on_commit_callbacks
):
    slot = a_free_slot(service)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(details_url(service), booking_form(service, slot.start))

    assert response.status_code == 302 and response["Location"].endswith("?booked=1")
    row = AppointmentCustomer.objects.get()
    assert row.appointment.start == slot.start
    assert row.time_zone == "Europe/Paris"
    assert [answer.answer for answer in row.custom_question_answers][:1] == ["None"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ann.customer@example.com"]
    assert manage_path(response).split("/")[2] in mail.outbox[0].body
    page = client.get(response["Location"]).content.decode()
    assert "You&#x27;re booked" in page or "You're booked" in page


def test_a_required_question_left_blank_is_a_field_error_and_books_nothing(client, service):
    slot = a_free_slot(service)
    response = client.post(
        details_url(service), booking_form(service, slot.start, **{answer_field(service, 0): ""})
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Appointment.objects.exists()


def test_an_answer_that_is_not_an_option_is_refused(client, service):
    slot = a_free_slot(service)
    response = client.post(
        details_url(service), booking_form(service, slot.start, **{answer_field(service, 1): "Fax"})
    )
    assert response.status_code == 400
    assert "Choose one of the options." in response.content.decode()
    assert not Appointment.objects.exists()


def test_an_oversized_answer_is_refused(client, service):
    slot = a_free_slot(service)
    form = booking_form(service, slot.start, **{answer_field(service, 0): "x" * 5000})
    response = client.post(details_url(service), form)
    assert response.status_code == 400
    assert not Appointment.objects.exists()


def test_a_time_taken_meanwhile_offers_the_nearest_free_times_and_keeps_the_details(
    client, service, ann, bob
):
    slot = a_free_slot(service)
    for number in range(2):  # both staff members
        booking.book(
            service=service,
            start=slot.start,
            customer=CustomerDetails(name=f"Other {number}", email_address=f"other{number}@example.com"),
            answers={str(service.question_assignments.order_by("position")[0].question_id): "no"},
            now=slot.start - timedelta(days=1),
        )

    response = client.post(details_url(service), booking_form(service, slot.start, name="Keep Me"))

    assert response.status_code == 409
    page = response.content.decode()
    assert "Sorry, this time was just taken" in page
    assert 'type="radio" name="start"' in page
    assert 'value="Keep Me"' in page
    assert Appointment.objects.count() == 2


def test_the_same_form_submitted_twice_books_once(client, service, django_capture_on_commit_callbacks):
    slot = a_free_slot(service)
    form = booking_form(service, slot.start)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(details_url(service), form)
        second = client.post(details_url(service), form)

    assert manage_path(first) == manage_path(second)
    assert Appointment.objects.count() == 1
    assert len(mail.outbox) == 1


def test_opening_the_details_page_for_a_gone_time_says_so_before_any_typing(client, service):
    slot = a_free_slot(service)
    past = slot.start - timedelta(days=30)
    response = client.get(details_url(service), {"start": slot_value(past)})
    assert response.status_code == 409
    assert "Sorry, this time was just taken" in response.content.decode()


@pytest.mark.parametrize(
    "start",
    ["", "tomorrow", "2026-13-45T10:00:00Z", "99999-01-01T00:00:00Z", "2026-12-01T10:00:00", "x" * 500],
)
def test_a_tampered_start_in_a_link_asks_to_pick_again(client, service, start):
    response = client.get(details_url(service), {"start": start})
    assert response.status_code == 400
    assert "Please pick a time from the list." in response.content.decode()


@pytest.mark.parametrize("start", ["garbage", "2026-12-01T10:00:00", "1000-01-01T00:00:00Z"])
def test_a_tampered_start_in_the_form_is_a_form_error(client, service, start):
    form = booking_form(service, a_free_slot(service).start, start=start)
    response = client.post(details_url(service), form)
    assert response.status_code == 400
    assert "This time is not valid" in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_time_off_the_grid_is_not_booked(client, service):
    slot = a_free_slot(service)
    response = client.post(details_url(service), booking_form(service, slot.start + timedelta(minutes=7)))
    assert response.status_code == 409
    assert not Appointment.objects.exists()


def test_another_business_s_staff_member_cannot_be_chosen(client, service):
    outsider = StaffMemberFactory(display_name="Elsewhere")
    slot = a_free_slot(service)
    response = client.post(details_url(service), booking_form(service, slot.start, staff=str(outsider.pk)))
    assert response.status_code == 400
    assert "does not offer this service" in response.content.decode()
    assert not Appointment.objects.exists()


def test_another_business_s_service_is_not_found_under_this_business(client, service):
    other = ServiceFactory(display_name="Theirs")
    assert client.get(f"/book/salon/{other.pk}/").status_code == 404
    assert (
        client.post(
            f"/book/salon/{other.pk}/details/", booking_form(service, a_free_slot(service).start)
        ).status_code
        == 404
    )


@pytest.mark.parametrize("key", ["", "short", "Z" * 32, "0" * 31 + "\x00"])
def test_a_missing_or_forged_form_key_asks_to_start_again(client, service, key):
    response = client.post(
        details_url(service), booking_form(service, a_free_slot(service).start, request_key=key)
    )
    assert response.status_code == 400
    assert not Appointment.objects.exists()


def test_an_unknown_time_zone_in_the_form_falls_back_to_the_business_zone(client, service):
    response = client.post(
        details_url(service), booking_form(service, a_free_slot(service).start, tz="Nowhere/City")
    )
    assert response.status_code == 302
    assert AppointmentCustomer.objects.get().time_zone == "Europe/London"


def test_a_signed_in_customer_books_under_their_account_address(client, service, django_user_model):
    user = django_user_model.objects.create_user("kim", "kim@example.com", "pw-kim-123456")
    client.force_login(user)
    form = booking_form(service, a_free_slot(service).start, email="someone.else@example.com")
    assert client.post(details_url(service), form).status_code == 302
    row = AppointmentCustomer.objects.get()
    assert row.email_address == "kim@example.com"
    assert row.customer.user == user


def test_the_slots_json_lists_free_times_in_utc_and_the_asked_zone(client, service):
    response = client.get(f"/book/salon/{service.pk}/slots.json", {"days": "2", "tz": "America/New_York"})
    assert response.status_code == 200
    body = response.json()
    assert body["timeZone"] == "America/New_York"
    expected = {slot_value(slot.start) for slot in free_slots(service, days=1)}
    assert expected & {entry["start"] for entry in body["slots"]}


@pytest.mark.parametrize(
    "query", [{"days": "0"}, {"days": "365"}, {"days": "٣"}, {"start": "yesterday"}, {"staff": "x"}]
)
def test_the_slots_json_answers_bad_queries_with_400(client, service, query):
    assert client.get(f"/book/salon/{service.pk}/slots.json", query).status_code == 400
