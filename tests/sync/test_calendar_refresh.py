"""Appointments made in Bookings reach the portal within one calendar refresh, and leave it again.

The emulator is Bookings: appointments are created, moved, cancelled and deleted through its HTTP
API as any Graph client would; the portal reads calendarView and getStaffAvailability over HTTP
with an app-only token (getStaffAvailability serves no other kind). The booking page's slots
(``selectors.slots_for_service``) are the proof that the time is taken or free.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bookings.enums import Origin
from bookings.graph.client import GraphClient
from bookings.graph.paths import business_path
from bookings.models import Appointment, Business, Service, StaffMember
from bookings.selectors import slots_for_service
from bookings.sync.calendar import CalendarRefresh, refresh_calendar
from tests.sync.conftest import BENTO, CONTOSO, DANA, emulator_client, sync_one

pytestmark = pytest.mark.django_db

SAMANTHA = "71d64d0e-7225-49b6-b0b1-070d476cda51"
JORDAN = "7ed53fa5-9ef2-4f2f-975b-27447440bc09"
# A Monday morning; Contoso works 08:00-17:00 in Chicago (14:00-23:00 UTC before DST on 9 March).
NOW = datetime(2031, 3, 3, 6, 0, tzinfo=UTC)
TUESDAY = datetime(2031, 3, 4, tzinfo=UTC)


def at(hour: int, minute: int = 0, day: datetime = TUESDAY) -> datetime:
    return day.replace(hour=hour, minute=minute)


def dtz(value: datetime) -> dict[str, str]:
    return {"dateTime": value.strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"}


def app_client(emulator, **options: Any) -> GraphClient:
    """A client with the app-only token production uses for background work; short retry waits."""
    return emulator_client(emulator, token=emulator.app_token, **options)


@pytest.fixture
def graph(demo_emulator) -> Iterator[GraphClient]:
    with app_client(demo_emulator) as client:
        yield client


@pytest.fixture
def contoso(graph) -> Business:
    """Contoso's definitions mirrored, as the definitions sync leaves them."""
    assert sync_one(graph, CONTOSO).state == "succeeded"
    return Business.objects.get(graph_id=CONTOSO)


def book_upstream(
    client: GraphClient,
    start: datetime,
    *,
    minutes: int = 30,
    staff: tuple[str, ...] = (DANA,),
    service: str = BENTO,
    **extra: Any,
) -> str:
    """Book in Bookings directly (its own page, Outlook, or another app): a POST to Graph."""
    body = {
        "serviceId": service,
        "startDateTime": dtz(start),
        "endDateTime": dtz(start + timedelta(minutes=minutes)),
        "staffMemberIds": list(staff),
        "customers": [{"name": "Walk In", "emailAddress": "walkin@example.com", "phone": "555-0100"}],
        **extra,
    }
    created = client.post(business_path(CONTOSO, "appointments"), body)
    assert created is not None
    return created["id"]


def move_upstream(client: GraphClient, graph_id: str, start: datetime, *, minutes: int = 30) -> None:
    """Move an appointment in Bookings directly: a PATCH of its times to Graph."""
    client.patch(
        business_path(CONTOSO, "appointments", graph_id),
        {"startDateTime": dtz(start), "endDateTime": dtz(start + timedelta(minutes=minutes))},
    )


def refresh(client: GraphClient, now: datetime = NOW) -> CalendarRefresh:
    result = refresh_calendar(client, Business.objects.get(graph_id=CONTOSO), now=now)
    assert result.ok, result.error
    return result


def dana_slots(day: datetime = TUESDAY) -> set[datetime]:
    """Bento starts on ``day`` that Dana can take (the booking page with Dana chosen)."""
    service = Service.objects.get(graph_id=BENTO)
    dana = StaffMember.objects.get(graph_id=DANA)
    slots = slots_for_service(
        service=service, start=day, end=day + timedelta(days=1), now=NOW, staff_id=dana.pk
    )
    return {slot.start for slot in slots}


def mirrored(graph_id: str) -> Appointment:
    return Appointment.objects.get(graph_id=graph_id)


# --- The acceptance check -------------------------------------------------------------------------


def test_an_appointment_made_in_bookings_takes_its_slot_off_the_booking_page_after_one_refresh(
    graph, contoso
):
    assert at(16) in dana_slots()
    graph_id = book_upstream(graph, at(16))

    result = refresh(graph)

    assert at(16) not in dana_slots()
    assert result.created == 1 and result.removed == 0
    appointment = mirrored(graph_id)
    assert appointment.origin == Origin.GRAPH and not appointment.is_cancelled
    assert (appointment.start, appointment.end) == (at(16), at(16, 30))


def test_an_appointment_cancelled_in_bookings_frees_its_slot_after_one_refresh(graph, contoso):
    graph_id = book_upstream(graph, at(16))
    refresh(graph)
    assert at(16) not in dana_slots()
    graph.post(business_path(CONTOSO, "appointments", graph_id, "cancel"), {"cancellationMessage": "Ill"})

    result = refresh(graph)

    assert at(16) in dana_slots()
    assert result.removed == 1
    appointment = mirrored(graph_id)
    assert appointment.is_cancelled and appointment.cancelled_at == NOW


def test_an_appointment_deleted_in_bookings_frees_its_slot_too(graph, contoso):
    graph_id = book_upstream(graph, at(16))
    refresh(graph)
    graph.delete(business_path(CONTOSO, "appointments", graph_id))

    assert refresh(graph).removed == 1
    assert at(16) in dana_slots() and mirrored(graph_id).is_cancelled


# --- What is mirrored -------------------------------------------------------------------------------


def test_the_mirrored_appointment_carries_service_staff_buffers_and_customers(graph, contoso):
    graph_id = book_upstream(graph, at(16), staff=(DANA, SAMANTHA), customerTimeZone="America/Chicago")

    refresh(graph)

    appointment = mirrored(graph_id)
    assert appointment.business == contoso and appointment.service.graph_id == BENTO
    assert appointment.service_name == "Bento"
    assert (appointment.pre_buffer, appointment.post_buffer) == (timedelta(minutes=5), timedelta(minutes=10))
    rows = {row.staff_member.graph_id: row for row in appointment.staff_rows.select_related("staff_member")}
    assert set(rows) == {DANA, SAMANTHA}
    assert {(row.blocked_start, row.blocked_end) for row in rows.values()} == {(at(15, 55), at(16, 40))}
    assert not any(row.is_exclusive for row in rows.values())
    (customer,) = appointment.customer_rows.all()
    assert (customer.name, customer.email_address, customer.phone) == (
        "Walk In",
        "walkin@example.com",
        "555-0100",
    )
    assert appointment.customer_time_zone == "America/Chicago"


def test_a_known_customer_is_linked_and_a_service_unknown_here_leaves_the_service_empty(graph, contoso):
    from bookings.models import Customer

    jordan = Customer.objects.create(
        business=contoso, graph_id=JORDAN, display_name="Jordan Miller", email_address="jordanm@contoso.com"
    )
    graph_id = book_upstream(graph, at(16), customers=[{"customerId": JORDAN, "name": "Jordan Miller"}])
    Service.objects.filter(graph_id=BENTO).update(graph_id="not-this-one")

    refresh(graph)

    appointment = mirrored(graph_id)
    assert appointment.service is None and appointment.service_name == "Bento"
    assert appointment.customer_rows.get().customer == jordan


def test_an_appointment_moved_in_bookings_moves_here_and_frees_the_old_time(graph, contoso):
    graph_id = book_upstream(graph, at(16))
    refresh(graph)
    move_upstream(graph, graph_id, at(19))

    result = refresh(graph)

    assert result.updated == 1 and result.created == 0 and result.removed == 0
    appointment = mirrored(graph_id)
    assert (appointment.start, appointment.end) == (at(19), at(19, 30))
    assert appointment.staff_rows.get().blocked_start == at(18, 55)
    assert at(16) in dana_slots() and at(19) not in dana_slots()


def test_an_appointment_given_to_another_staff_member_in_bookings_frees_the_first(graph, contoso):
    graph_id = book_upstream(graph, at(16))
    refresh(graph)
    graph.patch(business_path(CONTOSO, "appointments", graph_id), {"staffMemberIds": [SAMANTHA]})

    assert refresh(graph).updated == 1
    assert at(16) in dana_slots()
    assert mirrored(graph_id).staff_rows.get().staff_member.graph_id == SAMANTHA


def test_a_second_refresh_without_changes_upstream_writes_nothing(
    graph, contoso, django_assert_max_num_queries
):
    book_upstream(graph, at(16))
    book_upstream(graph, at(18), staff=(SAMANTHA,))
    refresh(graph)
    before = list(Appointment.objects.values_list("pk", "last_updated_date_time", "is_cancelled"))

    result = refresh(graph)

    assert (result.created, result.updated, result.unchanged, result.removed) == (0, 0, 2, 0)
    assert list(Appointment.objects.values_list("pk", "last_updated_date_time", "is_cancelled")) == before


def test_an_appointment_reappearing_upstream_is_live_again(graph, contoso, demo_emulator):
    graph_id = book_upstream(graph, at(16))
    refresh(graph)
    with demo_emulator.state.lock:  # hidden for one refresh, as if a read had missed it
        hidden = demo_emulator.state.business(CONTOSO).items["appointments"].pop(graph_id)
    refresh(graph)
    assert mirrored(graph_id).is_cancelled
    with demo_emulator.state.lock:
        demo_emulator.state.business(CONTOSO).items["appointments"][graph_id] = hidden

    assert refresh(graph).updated == 1
    appointment = mirrored(graph_id)
    assert not appointment.is_cancelled and appointment.cancelled_at is None
    assert at(16) not in dana_slots()


def test_appointments_outside_the_window_are_neither_read_nor_cancelled(graph, contoso):
    old = book_upstream(graph, NOW - timedelta(days=3))
    refresh(graph)
    assert not Appointment.objects.filter(graph_id=old).exists()
    # One mirrored long ago and now behind the window stays as it was.
    past = book_upstream(graph, NOW - timedelta(hours=2))
    refresh(graph)
    graph.delete(business_path(CONTOSO, "appointments", past))

    result = refresh(graph, now=NOW + timedelta(days=2))

    assert result.removed == 0 and not mirrored(past).is_cancelled


def test_the_window_reaches_the_longest_maximum_advance_of_the_business_and_its_services(graph, contoso):
    contoso.scheduling_policy = contoso.scheduling_policy.__class__(maximum_advance=timedelta(days=5))
    contoso.save()

    result = refresh(graph)

    # Bento and Kaiseki allow 10 days ahead; a day more covers slots ending past the edge.
    assert (result.start, result.end) == (NOW - timedelta(days=1), NOW + timedelta(days=11))
    capped = contoso.scheduling_policy.__class__(maximum_advance=timedelta(days=900))
    Business.objects.filter(pk=contoso.pk).update(scheduling_policy=capped)
    assert refresh(graph).end == NOW + timedelta(days=366)


# --- The portal's own bookings ----------------------------------------------------------------------


def test_a_booking_the_portal_pushed_is_not_copied_as_a_bookings_appointment(graph, contoso):
    from bookings.booking import create_appointment

    dana = StaffMember.objects.get(graph_id=DANA)
    local = create_appointment(
        business=contoso, service=Service.objects.get(graph_id=BENTO), start=at(16), staff_members=[dana]
    )
    pushed_id = book_upstream(graph, at(16))  # what the push sent
    Appointment.objects.filter(pk=local.pk).update(graph_id=pushed_id)  # and recorded

    result = refresh(graph)

    assert result.portal_bookings == 1 and result.created == 0
    assert Appointment.objects.get() == local
    local.refresh_from_db()
    assert local.origin == Origin.PORTAL and not local.overlaps_portal_booking


def test_a_booking_whose_push_has_not_recorded_its_graph_id_yet_is_not_copied_either(graph, contoso):
    from bookings.booking import CustomerDetails, create_appointment

    create_appointment(
        business=contoso,
        service=Service.objects.get(graph_id=BENTO),
        start=at(16),
        staff_members=[StaffMember.objects.get(graph_id=DANA)],
        customers=[CustomerDetails(name="Walk In", email_address="WalkIn@example.com")],
    )
    book_upstream(graph, at(16))  # the push's create reached Graph; its answer is still on the way

    result = refresh(graph)

    assert result.portal_bookings == 1 and Appointment.objects.count() == 1


def test_a_portal_booking_missing_upstream_is_left_alone(graph, contoso):
    from bookings.booking import create_appointment

    local = create_appointment(
        business=contoso,
        service=Service.objects.get(graph_id=BENTO),
        start=at(16),
        staff_members=[StaffMember.objects.get(graph_id=DANA)],
    )
    Appointment.objects.filter(pk=local.pk).update(graph_id="AAMkADgone=")

    assert refresh(graph).removed == 0
    local.refresh_from_db()
    assert not local.is_cancelled


# --- Paging and bad items ---------------------------------------------------------------------------


def test_a_calendar_longer_than_a_page_arrives_whole(graph, contoso, demo_emulator):
    ids = {book_upstream(graph, at(14) + timedelta(hours=hour)) for hour in range(7)}
    demo_emulator.page_size = 2

    result = refresh(graph)

    assert result.created == 7
    assert set(Appointment.objects.values_list("graph_id", flat=True)) == ids
    pages = [r for r in demo_emulator.requests if "calendarView" in r.path and "skiptoken" in r.path.lower()]
    assert len(pages) >= 3
    assert refresh(graph).removed == 0  # every page counted as listed


def plant_appointment(emulator, item: dict[str, Any]) -> None:
    """Put an item into Bookings as is, bypassing the validation a POST would get."""
    with emulator.state.lock:
        emulator.state.business(CONTOSO).items["appointments"][item.get("id", "no-id")] = item


def test_an_unreadable_item_is_skipped_and_reported_and_the_rest_is_mirrored(graph, contoso, demo_emulator):
    good = book_upstream(graph, at(16))
    template = next(a for a in demo_emulator.items(CONTOSO, "appointments") if a["id"] == good)
    # What Graph's own validation never lets through, but a client must survive (a missing start
    # is in test_calendar_mapping: the emulator cannot even list such an item).
    plant_appointment(demo_emulator, {k: v for k, v in template.items() if k != "id"})
    plant_appointment(
        demo_emulator,
        {**template, "id": "AAMkADbackwards=", "startDateTime": dtz(at(18)), "endDateTime": dtz(at(17))},
    )
    offset_zone = {"dateTime": "2031-03-04T12:00:00", "timeZone": "(UTC-06:00) Central Time (US & Canada)"}
    plant_appointment(demo_emulator, {**template, "id": "AAMkADzone=", "startDateTime": offset_zone})

    result = refresh(graph)

    assert result.created == 1 and result.skipped == 3
    assert set(Appointment.objects.values_list("graph_id", flat=True)) == {good}
    assert any("AAMkADbackwards=" in line and "skipped" in line for line in result.problems)
    assert any("(no id)" in line for line in result.problems)


def test_a_staff_member_not_known_here_is_left_out_and_the_appointment_still_blocks_the_others(
    graph, contoso, demo_emulator
):
    stranger = demo_emulator.add_staff_member(
        CONTOSO, {"displayName": "New Hire", "emailAddress": "new@contoso.com", "role": "guest"}
    )
    graph_id = book_upstream(graph, at(16), staff=(DANA, stranger))

    result = refresh(graph)

    assert result.created == 1
    assert [row.staff_member.graph_id for row in mirrored(graph_id).staff_rows.all()] == [DANA]
    assert any(stranger in line for line in result.problems)
    assert at(16) not in dana_slots()
    # Once the definitions sync brings the new staff member in, the next refresh adds them.
    sync_one(graph, CONTOSO)
    assert refresh(graph).updated == 1
    assert mirrored(graph_id).staff_rows.count() == 2


def test_an_optional_member_graph_sends_malformed_is_ignored_not_fatal(graph, contoso, demo_emulator):
    good = book_upstream(graph, at(16))
    template = next(a for a in demo_emulator.items(CONTOSO, "appointments") if a["id"] == good)
    plant_appointment(
        demo_emulator,
        {**template, "id": "AAMkADodd=", "preBuffer": "soon", "joinWebUrl": "not a url", "price": "ten"},
    )

    result = refresh(graph)

    assert result.created == 2 and result.skipped == 0
    odd = mirrored("AAMkADodd=")
    assert odd.pre_buffer == timedelta(0) and odd.join_web_url is None
    assert sum("AAMkADodd=" in line for line in result.problems) == 3
