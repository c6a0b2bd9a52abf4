"""``bookings.booking``: the writes to appointments, called directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bookings import booking, selectors
from bookings.booking import CustomerDetails
from bookings.models import Appointment, AppointmentCustomer, AppointmentStaff, Customer
from tests.factories import (
    AppointmentFactory,
    BusinessFactory,
    CustomerFactory,
    ServiceFactory,
    StaffMemberFactory,
)

pytestmark = pytest.mark.django_db

START = datetime(2030, 5, 6, 15, 0, tzinfo=UTC)


@pytest.fixture
def business():
    return BusinessFactory()


@pytest.fixture
def service(business):
    return ServiceFactory(
        business=business,
        display_name="Catered bento",
        default_duration=timedelta(minutes=30),
        pre_buffer=timedelta(minutes=5),
        post_buffer=timedelta(minutes=10),
        maximum_attendees_count=2,
        default_price=10.0,
        default_price_type="fixedPrice",
    )


def blocked_ranges(appointment) -> set[tuple[datetime, datetime]]:
    return set(
        AppointmentStaff.objects.filter(appointment=appointment).values_list("blocked_start", "blocked_end")
    )


# --- create_appointment --------------------------------------------------------------------------


def test_create_appointment_blocks_each_staff_members_time_including_the_buffers(business, service):
    dana, alex = StaffMemberFactory(business=business), StaffMemberFactory(business=business)

    appointment = booking.create_appointment(
        business=business, service=service, start=START, staff_members=[dana, alex]
    )

    rows = AppointmentStaff.objects.filter(appointment=appointment)
    assert {row.staff_member for row in rows} == {dana, alex}
    assert blocked_ranges(appointment) == {(START - timedelta(minutes=5), START + timedelta(minutes=40))}


def test_create_appointment_uses_the_buffers_given_instead_of_the_services(business, service):
    dana = StaffMemberFactory(business=business)

    appointment = booking.create_appointment(
        business=business,
        service=service,
        start=START,
        end=START + timedelta(hours=1),
        staff_members=[dana],
        pre_buffer=timedelta(0),
        post_buffer=timedelta(minutes=15),
    )

    assert blocked_ranges(appointment) == {(START, START + timedelta(minutes=75))}


def test_create_appointment_books_a_staff_member_once_even_if_named_twice(business, service):
    dana = StaffMemberFactory(business=business)

    appointment = booking.create_appointment(
        business=business, service=service, start=START, staff_members=[dana, dana]
    )

    assert AppointmentStaff.objects.filter(appointment=appointment).count() == 1


def test_create_appointment_takes_unset_members_from_the_service(business, service):
    appointment = booking.create_appointment(business=business, service=service, start=START, price=None)

    appointment.refresh_from_db()
    assert appointment.end == START + timedelta(minutes=30)
    assert appointment.service_name == "Catered bento"
    assert (appointment.price, appointment.price_type) == (10.0, "fixedPrice")
    assert (appointment.pre_buffer, appointment.post_buffer) == (timedelta(minutes=5), timedelta(minutes=10))
    assert appointment.maximum_attendees_count == 2


def test_create_appointment_records_each_customer_as_given(business, service):
    appointment = booking.create_appointment(
        business=business,
        service=service,
        start=START,
        customer_time_zone="America/Chicago",
        customers=[
            CustomerDetails(
                name="Jordan Miller",
                email_address="jordanm@contoso.com",
                phone="213-555-0199",
                notes="Allergic to nuts.",
            )
        ],
    )

    row = AppointmentCustomer.objects.get(appointment=appointment)
    assert (row.name, row.email_address, row.phone, row.notes) == (
        "Jordan Miller",
        "jordanm@contoso.com",
        "213-555-0199",
        "Allergic to nuts.",
    )
    assert row.time_zone == "America/Chicago"
    assert row.customer == Customer.objects.get(business=business, email_address="jordanm@contoso.com")


def test_create_appointment_refuses_more_customers_than_places_and_saves_nothing(business, service):
    guests = [CustomerDetails(name=f"Guest {n}", email_address=f"guest{n}@example.com") for n in range(3)]

    with pytest.raises(ValidationError) as raised:
        booking.create_appointment(business=business, service=service, start=START, customers=guests)

    assert "customers" in raised.value.message_dict
    assert not Appointment.objects.exists()
    assert not Customer.objects.exists()


def test_create_appointment_refuses_an_end_before_the_start(business, service):
    with pytest.raises(ValidationError):
        booking.create_appointment(
            business=business, service=service, start=START, end=START - timedelta(minutes=1)
        )

    assert not Appointment.objects.exists()


# --- resolve_customer ----------------------------------------------------------------------------


def test_resolve_customer_finds_the_customer_by_id(business):
    customer = CustomerFactory(business=business, email_address="jordanm@contoso.com")

    found = booking.resolve_customer(
        business, CustomerDetails(customer_id=str(customer.id), email_address="other@example.com")
    )

    assert found == customer


def test_resolve_customer_finds_the_customer_by_graph_id(business):
    customer = CustomerFactory(business=business, graph_id="7ed53fa5-9ef2-4f2f-975b-27447440bc09")

    found = booking.resolve_customer(
        business, CustomerDetails(customer_id="7ed53fa5-9ef2-4f2f-975b-27447440bc09")
    )

    assert found == customer


def test_resolve_customer_ignores_the_id_of_another_businesss_customer(business):
    foreign = CustomerFactory(business=BusinessFactory(), email_address="jordanm@contoso.com")

    found = booking.resolve_customer(
        business,
        CustomerDetails(customer_id=str(foreign.id), name="Jordan", email_address="jordanm@contoso.com"),
    )

    assert found != foreign
    assert found.business == business


def test_resolve_customer_finds_the_customer_by_email_ignoring_case(business):
    customer = CustomerFactory(business=business, email_address="JordanM@Contoso.com")

    found = booking.resolve_customer(
        business, CustomerDetails(name="Jordan", email_address="jordanm@contoso.COM")
    )

    assert found == customer
    assert Customer.objects.count() == 1


def test_resolve_customer_falls_back_to_the_email_when_the_id_is_unknown(business):
    customer = CustomerFactory(business=business, email_address="jordanm@contoso.com")

    found = booking.resolve_customer(
        business,
        CustomerDetails(
            customer_id="7ed53fa5-9ef2-4f2f-975b-27447440bc09", email_address="jordanm@contoso.com"
        ),
    )

    assert found == customer


def test_resolve_customer_creates_a_new_customer_when_none_matches(business):
    CustomerFactory(business=BusinessFactory(), email_address="jordanm@contoso.com")  # another business's

    created = booking.resolve_customer(
        business,
        CustomerDetails(name="Jordan Miller", email_address="jordanm@contoso.com", phone="213-555-0199"),
    )

    assert created.business == business
    assert created.display_name == "Jordan Miller"
    assert created.email_address == "jordanm@contoso.com"
    assert [phone.number for phone in created.phones] == ["213-555-0199"]
    assert Customer.objects.filter(business=business).count() == 1


def test_resolve_customer_names_a_new_customer_after_the_email_when_no_name_is_given(business):
    created = booking.resolve_customer(business, CustomerDetails(email_address="jordanm@contoso.com"))

    assert created.display_name == "jordanm@contoso.com"


def test_resolve_customer_ignores_deactivated_customers(business):
    CustomerFactory(business=business, email_address="jordanm@contoso.com", is_active=False)

    found = booking.resolve_customer(
        business, CustomerDetails(name="Jordan", email_address="jordanm@contoso.com")
    )

    assert found.is_active
    assert Customer.objects.filter(business=business, is_active=True).count() == 1


def test_resolve_customer_without_name_or_email_finds_nobody(business):
    assert booking.resolve_customer(business, CustomerDetails(phone="213-555-0199")) is None
    assert not Customer.objects.exists()


# --- update_appointment --------------------------------------------------------------------------


def test_update_appointment_moves_the_blocked_ranges_with_new_times(business, service):
    dana = StaffMemberFactory(business=business)
    appointment = booking.create_appointment(
        business=business, service=service, start=START, staff_members=[dana]
    )
    later = START + timedelta(days=1)

    booking.update_appointment(appointment, {"start": later, "end": later + timedelta(hours=1)})

    assert blocked_ranges(appointment) == {(later - timedelta(minutes=5), later + timedelta(minutes=70))}


def test_update_appointment_moves_the_blocked_ranges_with_new_buffers(business, service):
    dana = StaffMemberFactory(business=business)
    appointment = booking.create_appointment(
        business=business, service=service, start=START, staff_members=[dana]
    )

    booking.update_appointment(
        appointment, {"pre_buffer": timedelta(minutes=30), "post_buffer": timedelta(0)}
    )

    assert blocked_ranges(appointment) == {(START - timedelta(minutes=30), START + timedelta(minutes=30))}


def test_update_appointment_replaces_staff_when_given_and_blocks_their_time(business, service):
    dana, alex = StaffMemberFactory(business=business), StaffMemberFactory(business=business)
    appointment = booking.create_appointment(
        business=business, service=service, start=START, staff_members=[dana]
    )

    booking.update_appointment(
        appointment,
        {"start": START + timedelta(hours=1), "end": START + timedelta(hours=2)},
        staff_members=[alex],
    )

    [row] = AppointmentStaff.objects.filter(appointment=appointment)
    assert row.staff_member == alex
    assert (row.blocked_start, row.blocked_end) == (
        START + timedelta(minutes=55),
        START + timedelta(minutes=130),
    )


def test_update_appointment_keeps_staff_and_customers_when_not_given(business, service):
    dana = StaffMemberFactory(business=business)
    appointment = booking.create_appointment(
        business=business,
        service=service,
        start=START,
        staff_members=[dana],
        customers=[CustomerDetails(name="Jordan", email_address="jordanm@contoso.com")],
    )

    booking.update_appointment(appointment, {"price": 12.0})

    appointment.refresh_from_db()
    assert appointment.price == 12.0
    assert list(appointment.staff_members.all()) == [dana]
    assert [row.email_address for row in appointment.customer_rows.all()] == ["jordanm@contoso.com"]


def test_update_appointment_replaces_customers_when_given(business, service):
    appointment = booking.create_appointment(
        business=business,
        service=service,
        start=START,
        customers=[CustomerDetails(name="Jordan", email_address="jordanm@contoso.com")],
    )

    booking.update_appointment(
        appointment, {}, customers=[CustomerDetails(name="Adele", email_address="adelev@proseware.com")]
    )

    assert [row.email_address for row in appointment.customer_rows.all()] == ["adelev@proseware.com"]


def test_update_appointment_to_another_service_takes_its_name(business, service):
    appointment = booking.create_appointment(business=business, service=service, start=START)
    tasting = ServiceFactory(business=business, display_name="Bento tasting")

    booking.update_appointment(appointment, {"service": tasting})

    appointment.refresh_from_db()
    assert (appointment.service, appointment.service_name) == (tasting, "Bento tasting")


def test_update_appointment_keeps_a_custom_service_name_when_the_service_stays(business, service):
    appointment = booking.create_appointment(
        business=business, service=service, start=START, service_name="Bento!"
    )

    booking.update_appointment(appointment, {"service": service, "price": 5.0})

    appointment.refresh_from_db()
    assert appointment.service_name == "Bento!"


def test_update_appointment_refuses_fewer_places_than_booked_customers(business, service):
    appointment = booking.create_appointment(
        business=business,
        service=service,
        start=START,
        customers=[
            CustomerDetails(name=f"Guest {n}", email_address=f"guest{n}@example.com") for n in range(2)
        ],
    )

    with pytest.raises(ValidationError):
        booking.update_appointment(appointment, {"maximum_attendees_count": 1})

    appointment.refresh_from_db()
    assert appointment.maximum_attendees_count == 2


def test_update_appointment_refuses_an_end_before_the_start_and_keeps_the_blocked_ranges(business, service):
    dana = StaffMemberFactory(business=business)
    appointment = booking.create_appointment(
        business=business, service=service, start=START, staff_members=[dana]
    )
    before = blocked_ranges(appointment)

    with pytest.raises(ValidationError):
        booking.update_appointment(appointment, {"end": START - timedelta(hours=1)})

    assert blocked_ranges(appointment) == before
    assert Appointment.objects.get(pk=appointment.pk).end == START + timedelta(minutes=30)


# --- cancel_appointment and delete_appointment ---------------------------------------------------


def test_cancel_appointment_records_the_message_and_the_time(business, service):
    appointment = AppointmentFactory(business=business, service=service)
    before = timezone.now()

    booking.cancel_appointment(appointment, message="Your appointment has been cancelled.")

    after = timezone.now()
    appointment.refresh_from_db()
    assert appointment.is_cancelled
    assert appointment.cancellation_message == "Your appointment has been cancelled."
    assert before <= appointment.cancelled_at <= after
    assert before <= appointment.last_updated_date_time <= after


def test_cancelled_appointment_no_longer_takes_up_time(business, service):
    appointment = AppointmentFactory(business=business, service=service)

    booking.cancel_appointment(appointment)

    assert appointment not in selectors.appointments(business)
    assert appointment not in selectors.calendar_view(business, appointment.start, appointment.end)
    assert Appointment.objects.filter(pk=appointment.pk).exists()


def test_delete_appointment_deactivates_it(business, service):
    appointment = AppointmentFactory(business=business, service=service)

    booking.delete_appointment(appointment)

    appointment.refresh_from_db()
    assert not appointment.is_active
    assert appointment not in selectors.appointments(business)
