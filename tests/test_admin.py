"""The owner's admin: every page opens, Graph's fields stay Graph's, lists stay cheap, actions act."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.enums import AnswerInputType, Origin, PriceType, StaffRole
from bookings.models import (
    ApiToken,
    Appointment,
    AppointmentCustomer,
    AppointmentStaff,
    Business,
    Currency,
    Customer,
    CustomQuestion,
    GraphConnection,
    Notice,
    OutboxItem,
    Service,
    ServiceQuestion,
    StaffBusyInterval,
    StaffCalendarFeed,
    StaffMember,
    SyncRun,
)
from bookings.values import Phone, QuestionAnswer, Reminder, SchedulingPolicy

pytestmark = pytest.mark.django_db

REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "bookings"), key=lambda m: m.__name__
)
# Edited as inlines of their parent (Service or Appointment), not on pages of their own.
INLINE_ONLY = {ServiceQuestion, AppointmentStaff, AppointmentCustomer}
# Made by commands and sync, not typed in: no add page (GraphConnection is one row, made on demand).
NOT_ADDED_HERE = {
    ApiToken,
    SyncRun,
    GraphConnection,
    OutboxItem,
    StaffBusyInterval,
    Notice,
    StaffCalendarFeed,
}
# Logs of what happened, read but never edited: no change form to save.
READ_ONLY = {SyncRun, OutboxItem, StaffBusyInterval, Notice}
START = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def make_business(tag: str) -> SimpleNamespace:
    """A business with one of everything the admin shows, all linked the way sync links them."""
    business = Business.objects.create(
        graph_id=f"{tag}@contoso.onmicrosoft.com",
        slug=tag,
        display_name=tag.title(),
        time_zone="America/Chicago",
    )
    dana = StaffMember.objects.create(
        business=business,
        graph_id=f"{tag}-staff-dana",
        origin=Origin.GRAPH,
        display_name="Dana Swope",
        email_address=f"dana@{tag}.example",
        role=StaffRole.ADMINISTRATOR,
    )
    sam = StaffMember.objects.create(
        business=business,
        graph_id=f"{tag}-staff-sam",
        display_name="Samantha Booth",
        email_address=f"sam@{tag}.example",
        role=StaffRole.GUEST,
    )
    question = CustomQuestion.objects.create(
        business=business,
        graph_id=f"{tag}-question",
        display_name="What is your shoe size?",
        answer_input_type=AnswerInputType.RADIO_BUTTON,
        answer_options=["38", "40"],
    )
    service = Service.objects.create(
        business=business,
        graph_id=f"{tag}-service",
        display_name="Bento",
        default_price=10,
        default_price_type=PriceType.FIXED_PRICE,
        default_reminders=(Reminder(offset=timedelta(hours=1), message="See you soon"),),
        scheduling_policy=SchedulingPolicy(time_slot_interval=timedelta(minutes=15)),
    )
    service.staff_members.add(dana, sam)
    ServiceQuestion.objects.create(service=service, question=question, is_required=True)
    customer = Customer.objects.create(
        business=business,
        graph_id=f"{tag}-customer",
        display_name="Jordan Miller",
        email_address=f"jordan@{tag}.example",
        phones=(Phone(number="+1 555 0100", type="mobile"),),
    )
    appointment = Appointment.objects.create(
        business=business,
        service=service,
        service_name="Bento",
        graph_id=f"{tag}-appointment",
        origin=Origin.GRAPH,
        start=START,
        end=START + timedelta(minutes=30),
        pre_buffer=timedelta(minutes=10),
        price=10,
        price_type=PriceType.FIXED_PRICE,
    )
    AppointmentStaff.objects.create(appointment=appointment, staff_member=dana)
    AppointmentCustomer.objects.create(
        appointment=appointment,
        customer=customer,
        name="Jordan Miller",
        email_address=customer.email_address,
        custom_question_answers=(
            QuestionAnswer(question_id=question.api_id, question=question.display_name, answer="40"),
        ),
    )
    currency = Currency.objects.create(id=tag[:3].upper(), symbol="¤")
    user = get_user_model().objects.create_user(f"{tag}-integration")
    token, _secret = ApiToken.objects.issue(user, name="Zapier")
    sync_run = SyncRun.objects.create(
        business=business, business_graph_id=business.graph_id, state="succeeded"
    )
    outbox_item = OutboxItem.objects.create(
        business=business, kind="create", target_type="appointment", target_id=appointment.pk
    )
    notice = Notice.objects.create(kind="confirmation", appointment=appointment, due_at=START)
    busy = StaffBusyInterval.objects.create(
        staff_member=dana, start=START, end=START + timedelta(hours=1), fetched_at=START
    )
    feed, _address_secret = StaffCalendarFeed.objects.issue(dana)
    return SimpleNamespace(
        business=business,
        dana=dana,
        sam=sam,
        question=question,
        service=service,
        customer=customer,
        appointment=appointment,
        currency=currency,
        feed=feed,
        token=token,
        sync_run=sync_run,
        outbox_item=outbox_item,
        busy=busy,
        notice=notice,
        graph_connection=GraphConnection.current(),
    )


@pytest.fixture
def contoso() -> SimpleNamespace:
    return make_business("contoso")


def one_of(world: SimpleNamespace, model: type[models.Model]) -> models.Model:
    return {type(value): value for value in vars(world).values()}[model]


def admin_url(model: type[models.Model], view: str, *args: Any) -> str:
    return reverse(f"admin:bookings_{model._meta.model_name}_{view}", args=args)


def unchanged_form_data(response: Any) -> dict[str, Any]:
    """What a browser posts back for the add or change form in ``response`` when nothing is edited."""
    data: dict[str, Any] = {}
    page_forms: list[forms.Form] = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        page_forms += formset.initial_forms
        prefix = formset.prefix
        data |= {
            f"{prefix}-TOTAL_FORMS": len(formset.initial_forms),
            f"{prefix}-INITIAL_FORMS": len(formset.initial_forms),
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
    for form in page_forms:
        for bound in form:
            value = bound.value()
            widget = bound.field.widget
            widget = widget.widget if isinstance(widget, RelatedFieldWidgetWrapper) else widget
            if isinstance(widget, forms.MultiWidget):
                for index, part in enumerate(widget.decompress(value)):
                    data[f"{bound.html_name}_{index}"] = "" if part is None else str(part)
            elif isinstance(widget, forms.CheckboxInput):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(item) for item in value]
            else:
                data[bound.html_name] = "" if value is None else str(value)
    return data


def form_errors(response: Any) -> Any:
    if response.status_code != 200 or not response.context or "adminform" not in response.context:
        return response.status_code
    inline_errors = [inline.formset.errors for inline in response.context["inline_admin_formsets"]]
    return response.context["adminform"].form.errors, inline_errors


def listed(response: Any) -> list[models.Model]:
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


# --- Every page opens ----------------------------------------------------------------------------


def test_every_bookings_model_has_an_admin_page_or_is_edited_inline() -> None:
    assert set(apps.get_app_config("bookings").get_models()) == set(REGISTERED) | INLINE_ONLY


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model.__name__)
def test_changelist_opens_with_rows(
    admin_client: Any, contoso: SimpleNamespace, model: type[models.Model]
) -> None:
    assert len(listed(admin_client.get(admin_url(model, "changelist")))) >= 1


@pytest.mark.parametrize(
    "model", [model for model in REGISTERED if model not in NOT_ADDED_HERE], ids=lambda m: m.__name__
)
def test_add_page_opens(admin_client: Any, contoso: SimpleNamespace, model: type[models.Model]) -> None:
    assert admin_client.get(admin_url(model, "add")).status_code == 200


def test_api_tokens_cannot_be_added_in_the_admin_because_their_secret_is_shown_only_by_the_command(
    admin_client: Any,
) -> None:
    assert admin_client.get(admin_url(ApiToken, "add")).status_code == 403


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model.__name__)
def test_change_page_opens_for_a_populated_record(
    admin_client: Any, contoso: SimpleNamespace, model: type[models.Model]
) -> None:
    assert admin_client.get(admin_url(model, "change", one_of(contoso, model).pk)).status_code == 200


@pytest.mark.parametrize(
    "model", [model for model in REGISTERED if model not in READ_ONLY], ids=lambda model: model.__name__
)
def test_saving_an_unchanged_change_form_succeeds_and_cannot_touch_graph_ids(
    admin_client: Any, contoso: SimpleNamespace, model: type[models.Model]
) -> None:
    record = one_of(contoso, model)
    url = admin_url(model, "change", record.pk)
    data = unchanged_form_data(admin_client.get(url))
    data |= {"graph_id": "tampered@evil.example", "origin": Origin.PORTAL, "_save": "Save"}

    response = admin_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    fresh = model.objects.get(pk=record.pk)
    for name in ("graph_id", "origin"):
        if hasattr(record, name):
            assert getattr(fresh, name) == getattr(record, name)


# --- Business ------------------------------------------------------------------------------------


def test_business_is_added_with_the_mailbox_address_that_becomes_its_graph_id(admin_client: Any) -> None:
    url = admin_url(Business, "add")
    data = unchanged_form_data(admin_client.get(url))
    data |= {"mailbox_address": "fourthcoffee@contoso.onmicrosoft.com", "display_name": "Fourth Coffee"}
    data |= {"slug": "fourth-coffee", "_save": "Save"}

    response = admin_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    business = Business.objects.get(slug="fourth-coffee")
    assert business.graph_id == "fourthcoffee@contoso.onmicrosoft.com"
    assert len(business.business_hours) == 7  # the standard week offered on the add page


def test_business_added_without_a_mailbox_address_gets_the_one_bookings_would_give_it(
    admin_client: Any, settings: Any
) -> None:
    settings.BOOKINGS_MAILBOX_DOMAIN = "contoso.onmicrosoft.com"
    url = admin_url(Business, "add")
    data = unchanged_form_data(admin_client.get(url))
    data |= {"display_name": "Fourth Coffee", "slug": "fourth-coffee", "_save": "Save"}

    response = admin_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    assert Business.objects.get(slug="fourth-coffee").graph_id == "fourthcoffee@contoso.onmicrosoft.com"


def test_business_cannot_be_added_twice_with_one_mailbox_in_any_letter_case(
    admin_client: Any, contoso: SimpleNamespace
) -> None:
    url = admin_url(Business, "add")
    data = unchanged_form_data(admin_client.get(url))
    data |= {"mailbox_address": "CONTOSO@contoso.onmicrosoft.com", "display_name": "Again", "slug": "again"}

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "mailbox_address" in response.context["adminform"].form.errors
    assert Business.objects.count() == 1


def test_publish_action_publishes_the_booking_page(admin_client: Any, contoso: SimpleNamespace) -> None:
    response = admin_client.post(
        admin_url(Business, "changelist"),
        {"action": "publish_booking_page", "_selected_action": [contoso.business.pk]},
    )

    assert response.status_code == 302
    contoso.business.refresh_from_db()
    assert contoso.business.is_published
    assert contoso.business.public_url


def test_unpublish_action_unpublishes_the_booking_page(admin_client: Any, contoso: SimpleNamespace) -> None:
    changelist = admin_url(Business, "changelist")
    admin_client.post(
        changelist, {"action": "publish_booking_page", "_selected_action": [contoso.business.pk]}
    )

    response = admin_client.post(
        changelist, {"action": "unpublish_booking_page", "_selected_action": [contoso.business.pk]}
    )

    assert response.status_code == 302
    contoso.business.refresh_from_db()
    assert not contoso.business.is_published


# --- Search and filters --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "query", "expected"),
    [
        (Business, "fabrikam@contoso.onmicrosoft", "business"),
        (StaffMember, "dana@fabrikam.example", "dana"),
        (StaffMember, "fabrikam-staff-sam", "sam"),
        (Customer, "jordan@fabrikam", "customer"),
        (Service, "fabrikam-service", "service"),
        (CustomQuestion, "fabrikam-question", "question"),
        (Appointment, "jordan@fabrikam.example", "appointment"),
        (Appointment, "fabrikam-appointment", "appointment"),
        (Currency, "FAB", "currency"),
        (ApiToken, "fabrikam-integration", "token"),
    ],
)
def test_search_finds_by_names_emails_and_graph_ids(
    admin_client: Any, contoso: SimpleNamespace, model: type[models.Model], query: str, expected: str
) -> None:
    fabrikam = make_business("fabrikam")

    found = listed(admin_client.get(admin_url(model, "changelist"), {"q": query}))

    assert found == [getattr(fabrikam, expected)]


def test_filters_narrow_the_lists(admin_client: Any, contoso: SimpleNamespace) -> None:
    fabrikam = make_business("fabrikam")
    fabrikam.appointment.is_cancelled = True
    fabrikam.appointment.save()
    later = Appointment.objects.create(
        business=fabrikam.business, start=START + timedelta(days=40), end=START + timedelta(days=40, hours=1)
    )

    def changelist(model: type[models.Model], **params: Any) -> list[models.Model]:
        return listed(admin_client.get(admin_url(model, "changelist"), params))

    assert changelist(StaffMember, role__exact=StaffRole.GUEST, business__id__exact=fabrikam.business.pk) == [
        fabrikam.sam
    ]
    assert changelist(Service, default_price_type__exact=PriceType.FIXED_PRICE) == [
        contoso.service,
        fabrikam.service,
    ]
    assert changelist(Service, default_price_type__exact=PriceType.FREE) == []
    assert changelist(Appointment, is_cancelled__exact=1) == [fabrikam.appointment]
    assert changelist(Appointment, origin__exact=Origin.PORTAL) == [later]
    assert changelist(Appointment, start__year=2026, start__month=4) == [later]
    assert changelist(Appointment, staff_members__id__exact=contoso.dana.pk) == [contoso.appointment]
    assert changelist(Customer, is_active__exact=1, business__id__exact=contoso.business.pk) == [
        contoso.customer
    ]


def test_customer_page_links_to_that_customers_appointments(
    admin_client: Any, contoso: SimpleNamespace
) -> None:
    make_business("fabrikam")
    page = admin_client.get(admin_url(Customer, "change", contoso.customer.pk)).content.decode()
    link = f"?customer_rows__customer__id__exact={contoso.customer.pk}"
    assert link in page

    assert listed(admin_client.get(admin_url(Appointment, "changelist") + link)) == [contoso.appointment]


# --- Lists stay cheap ----------------------------------------------------------------------------


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model.__name__)
def test_changelist_queries_do_not_grow_with_rows(
    admin_client: Any, django_assert_max_num_queries: Any, model: type[models.Model]
) -> None:
    make_business("contoso")
    url = admin_url(model, "changelist")
    admin_client.get(url)  # session and content types warmed up
    with CaptureQueriesContext(connection) as one_business:
        admin_client.get(url)
    for tag in ("fabrikam", "northwind", "tailspin", "wingtip", "adatum"):
        make_business(tag)

    with django_assert_max_num_queries(len(one_business.captured_queries)):
        assert len(listed(admin_client.get(url))) >= (1 if model is GraphConnection else 6)


def test_appointment_list_shows_staff_and_customers_in_a_bounded_number_of_queries(
    admin_client: Any, contoso: SimpleNamespace, django_assert_max_num_queries: Any
) -> None:
    for day in range(1, 40):
        appointment = Appointment.objects.create(
            business=contoso.business,
            service=contoso.service,
            start=START + timedelta(days=day),
            end=START + timedelta(days=day, minutes=30),
        )
        AppointmentStaff.objects.create(appointment=appointment, staff_member=contoso.sam)
        AppointmentCustomer.objects.create(appointment=appointment, name=f"Guest {day}")

    with django_assert_max_num_queries(15 + 3):  # + the Graph health banner's three, on every page
        response = admin_client.get(admin_url(Appointment, "changelist"))

    page = response.content.decode()
    assert "Samantha Booth" in page
    assert "Guest 39" in page
    assert "2026-03-02 09:00 (America/Chicago)" in page  # 15:00 UTC in the business's zone


# --- Appointments --------------------------------------------------------------------------------


def test_staff_blocked_ranges_are_read_only_and_follow_a_rescheduled_appointment(
    admin_client: Any, contoso: SimpleNamespace
) -> None:
    url = admin_url(Appointment, "change", contoso.appointment.pk)
    page = admin_client.get(url)
    staff_inline = page.context["inline_admin_formsets"][0].formset
    assert staff_inline.model is AppointmentStaff
    assert not {"blocked_start", "blocked_end"} & set(staff_inline.form.base_fields)

    data = unchanged_form_data(page)
    data |= {"start_1": "16:00:00", "end_1": "17:00:00", "_save": "Save"}
    response = admin_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    row = AppointmentStaff.objects.get(appointment=contoso.appointment)
    assert (row.blocked_start, row.blocked_end) == (
        START + timedelta(minutes=50),  # 16:00 less the 10-minute pre-buffer
        START + timedelta(hours=2),
    )


def test_cancel_action_cancels_through_the_booking_service_and_leaves_cancelled_ones_alone(
    admin_client: Any, contoso: SimpleNamespace
) -> None:
    earlier = datetime(2026, 1, 1, tzinfo=UTC)
    cancelled = Appointment.objects.create(
        business=contoso.business,
        start=START,
        end=START + timedelta(hours=1),
        is_cancelled=True,
        cancelled_at=earlier,
        cancellation_message="Closed",
    )

    response = admin_client.post(
        admin_url(Appointment, "changelist"),
        {"action": "cancel_appointments", "_selected_action": [contoso.appointment.pk, cancelled.pk]},
    )

    assert response.status_code == 302
    contoso.appointment.refresh_from_db()
    cancelled.refresh_from_db()
    assert contoso.appointment.is_cancelled
    assert contoso.appointment.cancelled_at is not None
    assert (cancelled.cancelled_at, cancelled.cancellation_message) == (earlier, "Closed")


def test_cancellation_cannot_be_ticked_in_the_form(admin_client: Any, contoso: SimpleNamespace) -> None:
    url = admin_url(Appointment, "change", contoso.appointment.pk)
    data = unchanged_form_data(admin_client.get(url)) | {"is_cancelled": "on"}

    response = admin_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    contoso.appointment.refresh_from_db()
    assert not contoso.appointment.is_cancelled


# --- Services ------------------------------------------------------------------------------------


def test_service_offers_only_its_own_business_staff_and_refuses_another_business_staff(
    admin_client: Any, contoso: SimpleNamespace
) -> None:
    fabrikam = make_business("fabrikam")
    url = admin_url(Service, "change", contoso.service.pk)
    page = admin_client.get(url)
    offered = page.context["adminform"].form.fields["staff_members"].queryset
    assert set(offered) == {contoso.dana, contoso.sam}

    data = unchanged_form_data(page) | {"staff_members": [str(fabrikam.dana.pk)]}
    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "staff_members" in response.context["adminform"].form.errors
    assert set(contoso.service.staff_members.all()) == {contoso.dana, contoso.sam}


def test_service_question_assignments_are_edited_inline_with_is_required(
    admin_client: Any, contoso: SimpleNamespace
) -> None:
    url = admin_url(Service, "change", contoso.service.pk)
    data = unchanged_form_data(admin_client.get(url))
    assert data["question_assignments-0-is_required"] == "on"
    del data["question_assignments-0-is_required"]

    response = admin_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    assert not ServiceQuestion.objects.get(service=contoso.service).is_required


def test_emptying_a_list_box_saves_an_empty_list(admin_client: Any, contoso: SimpleNamespace) -> None:
    url = admin_url(Service, "change", contoso.service.pk)
    data = unchanged_form_data(admin_client.get(url)) | {"default_reminders": ""}

    response = admin_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    contoso.service.refresh_from_db()
    assert contoso.service.default_reminders == ()


def test_graph_values_are_edited_as_json_and_validated(admin_client: Any, contoso: SimpleNamespace) -> None:
    url = admin_url(Service, "change", contoso.service.pk)
    data = unchanged_form_data(admin_client.get(url))
    assert '"timeSlotInterval": "PT15M"' in data["scheduling_policy"]

    response = admin_client.post(url, data | {"scheduling_policy": '{"timeSlotInterval": "soon"}'})

    assert response.status_code == 200
    assert "scheduling_policy" in response.context["adminform"].form.errors


# --- API tokens ----------------------------------------------------------------------------------


def test_revoke_action_revokes_only_the_selected_live_tokens(
    admin_client: Any, contoso: SimpleNamespace
) -> None:
    spare, _secret = ApiToken.objects.issue(contoso.token.user, name="Spare")
    earlier = datetime(2026, 1, 1, tzinfo=UTC)
    old, _secret = ApiToken.objects.issue(contoso.token.user, name="Old")
    ApiToken.objects.filter(pk=old.pk).update(revoked_at=earlier)

    response = admin_client.post(
        admin_url(ApiToken, "changelist"),
        {"action": "revoke", "_selected_action": [contoso.token.pk, old.pk]},
    )

    assert response.status_code == 302
    contoso.token.refresh_from_db()
    spare.refresh_from_db()
    old.refresh_from_db()
    assert contoso.token.revoked_at is not None
    assert spare.revoked_at is None
    assert old.revoked_at == earlier


def test_calendar_feeds_are_revoked_from_the_admin_and_their_hash_is_never_shown(
    admin_client: Any, contoso: SimpleNamespace
) -> None:
    spare, _address_secret = StaffCalendarFeed.objects.issue(contoso.sam)
    url = admin_url(StaffCalendarFeed, "changelist")

    page = admin_client.get(admin_url(StaffCalendarFeed, "change", contoso.feed.pk))
    response = admin_client.post(url, {"action": "revoke", "_selected_action": [contoso.feed.pk]})

    assert contoso.feed.token_hash not in page.content.decode()
    assert response.status_code == 302
    contoso.feed.refresh_from_db()
    spare.refresh_from_db()
    assert contoso.feed.revoked_at is not None and spare.revoked_at is None


def test_token_page_never_shows_the_hash(admin_client: Any, contoso: SimpleNamespace) -> None:
    page = admin_client.get(admin_url(ApiToken, "change", contoso.token.pk)).content.decode()
    assert contoso.token.prefix in page
    assert contoso.token.key_hash not in page


@pytest.mark.parametrize("model_name", ["business", "service", "staffmember", "customquestion", "customer"])
def test_deleting_in_the_admin_deactivates_as_the_api_does(admin_client, model_name):
    records = make_business("deleted")
    record = {
        "business": records.business,
        "service": records.service,
        "staffmember": records.dana,
        "customquestion": records.question,
        "customer": records.customer,
    }[model_name]

    response = admin_client.post(
        reverse(f"admin:bookings_{model_name}_delete", args=[record.pk]), {"post": "yes"}, follow=True
    )

    assert response.status_code == 200
    record.refresh_from_db()
    assert record.is_active is False


def test_moving_an_appointment_onto_a_taken_time_is_explained_not_a_server_error(
    admin_client: Any, contoso: SimpleNamespace
) -> None:
    taken = contoso.appointment
    Appointment.objects.filter(pk=taken.pk).update(origin=Origin.PORTAL)  # booked here: exclusive
    taken.refresh_from_db()
    for row in taken.staff_rows.all():
        row.save()
    other = Appointment.objects.create(
        business=contoso.business,
        service=contoso.service,
        service_name=contoso.service.display_name,
        start=taken.start + timedelta(hours=3),
        end=taken.end + timedelta(hours=3),
    )
    AppointmentStaff(appointment=other, staff_member=taken.staff_rows.first().staff_member).save()
    url = admin_url(Appointment, "change", other.pk)
    data = unchanged_form_data(admin_client.get(url))
    start = taken.start.astimezone(UTC)  # the admin reads times in the site's zone, UTC
    data |= {"start_0": start.strftime("%Y-%m-%d"), "start_1": start.strftime("%H:%M:%S"), "_save": "Save"}

    response = admin_client.post(url, data, follow=True)

    assert response.status_code == 200
    other.refresh_from_db()
    if connection.vendor == "postgresql":  # only PostgreSQL refuses overlaps in the database itself
        assert other.start == taken.start + timedelta(hours=3)
        assert "Nothing was saved" in response.content.decode()
