"""Delivering customers and appointments to Graph: what each outbox item sends, and how a create
whose answer was lost is found again (see ``push`` for claiming, retries and leases)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Case, Q, Value, When

from .. import isoformats
from ..enums import Origin
from ..graph.batch import BatchRequest
from ..graph.client import GraphClient
from ..graph.errors import GraphServerError
from ..graph.outgoing import AttendeeIds, appointment_body, customer_body, matches_attempt
from ..graph.paths import business_path
from ..models import Appointment, AppointmentCustomer, Customer, OutboxItem, OutboxKind, OutboxTarget
from .push_definitions import DependencyPending

if TYPE_CHECKING:
    from .push_settle import PushSummary

LOOKUP_MARGIN = timedelta(minutes=1)


# --- Customers -------------------------------------------------------------------------------------


def _customer_create(client: GraphClient, item: OutboxItem, summary: PushSummary) -> bool:
    customer = Customer.objects.select_related("business").get(pk=item.target_id)
    if customer.graph_id:
        return False
    mailbox = customer.business.graph_id
    if item.attempts > 1 and customer.email_address:
        found = _find_customer(client, mailbox, customer.email_address)
        if found:
            client.patch(business_path(mailbox, "customers", found), customer_body(customer))
            store_graph_id(Customer, customer.pk, found)
            return True
    created = client.post(business_path(mailbox, "customers"), json=customer_body(customer))
    store_graph_id(Customer, customer.pk, id_of(created))
    return False


def _find_customer(client: GraphClient, mailbox: str, email: str) -> str | None:
    wanted = email.lower()
    for entry in client.iter_collection(business_path(mailbox, "customers")):
        if str(entry.get("emailAddress") or "").lower() == wanted and entry.get("id"):
            return str(entry["id"])
    return None


def _customer_update(client: GraphClient, item: OutboxItem, summary: PushSummary) -> bool:
    customer = Customer.objects.select_related("business").get(pk=item.target_id)
    if not customer.graph_id:
        return False  # its create has not reached Graph (a dead item shows why); nothing to update
    client.patch(
        business_path(customer.business.graph_id, "customers", customer.graph_id), customer_body(customer)
    )
    return False


def _customer_delete(client: GraphClient, item: OutboxItem, summary: PushSummary) -> bool:
    customer = Customer.objects.select_related("business").get(pk=item.target_id)
    if customer.graph_id:
        client.delete(business_path(customer.business.graph_id, "customers", customer.graph_id))
    return False


# --- Appointments ----------------------------------------------------------------------------------


def _appointments() -> Any:
    """Appointments with everything their Graph body needs, in a fixed number of queries."""
    return Appointment.objects.select_related("business", "service").prefetch_related(
        "staff_rows__staff_member", "customer_rows__customer"
    )


def _appointment(item: OutboxItem) -> Appointment:
    return _appointments().get(pk=item.target_id)


def _attendees(appointment: Appointment) -> list[AttendeeIds]:
    attendees = []
    for row in appointment.customer_rows.all():
        if row.customer is not None and not row.customer.graph_id:
            raise DependencyPending  # its customer's create goes first
        attendees.append(
            AttendeeIds(row=row, customer_graph_id=row.customer.graph_id if row.customer else None)
        )
    return attendees


def _body(appointment: Appointment, *, changed: list[str] | None = None) -> dict[str, Any]:
    portal_emails = not settings.BOOKINGS_SENDS_CUSTOMER_EMAIL and appointment.origin == Origin.PORTAL
    return appointment_body(
        appointment,
        service_graph_id=appointment.service.graph_id if appointment.service else None,
        staff_graph_ids=[
            row.staff_member.graph_id for row in appointment.staff_rows.all() if row.staff_member.graph_id
        ],
        attendees=_attendees(appointment),
        opt_out_of_customer_email=appointment.opt_out_of_customer_email or portal_emails,
        changed=changed,
    )


def _appointment_create(client: GraphClient, item: OutboxItem, summary: PushSummary) -> bool:
    appointment = _appointment(item)
    if appointment.graph_id:
        return False
    if appointment.is_cancelled or not appointment.is_active:
        return False  # cancelled before Graph heard of it: nothing to create, nothing to cancel
    body = _body(appointment)
    mailbox = appointment.business.graph_id
    service_graph_id = appointment.service.graph_id if appointment.service else None
    emails = [row.email_address for row in appointment.customer_rows.all()]
    if item.attempts > 1 or item.last_attempt:
        tried = {appointment.start}
        if item.last_attempt.get("start"):
            tried.add(isoformats.parse_datetime_offset(item.last_attempt["start"]))
        for start in sorted(tried):
            found = _find_appointment(client, mailbox, service_graph_id, start, emails)
            if found:
                # Graph holds what the lost attempt sent; the booking may have changed since.
                client.patch(business_path(mailbox, "appointments", found), body)
                store_graph_id(Appointment, appointment.pk, found)
                summary.touched_windows.append((appointment.business_id, appointment.start, appointment.end))
                return True
    # Written down before sending: if the answer is lost, the next attempt searches at this start.
    OutboxItem.objects.filter(pk=item.pk).update(
        last_attempt={"start": isoformats.format_datetime_offset(appointment.start)}
    )
    item.last_attempt = {"start": isoformats.format_datetime_offset(appointment.start)}
    created = client.post(business_path(mailbox, "appointments"), json=body)
    store_graph_id(Appointment, appointment.pk, id_of(created))
    summary.touched_windows.append((appointment.business_id, appointment.start, appointment.end))
    return False


def _find_appointment(
    client: GraphClient, mailbox: str, service_graph_id: str | None, start: datetime, emails: list[str]
) -> str | None:
    params = {
        "start": isoformats.format_datetime_offset(start - LOOKUP_MARGIN),
        "end": isoformats.format_datetime_offset(start + LOOKUP_MARGIN),
    }
    for entry in client.iter_collection(business_path(mailbox, "calendarView"), params):
        if matches_attempt(
            entry, service_graph_id=service_graph_id, start=start, emails=emails
        ) and entry.get("id"):
            return str(entry["id"])
    return None


def _appointment_update(client: GraphClient, item: OutboxItem, summary: PushSummary) -> bool:
    appointment = _appointment(item)
    if not appointment.graph_id:
        return False  # never created in Graph (cancelled first, or its create is dead)
    body = _body(appointment, changed=list(item.changed))
    if len(body) > 1:
        client.patch(business_path(appointment.business.graph_id, "appointments", appointment.graph_id), body)
        summary.touched_windows.append((appointment.business_id, appointment.start, appointment.end))
    return False


def _appointment_cancel(client: GraphClient, item: OutboxItem, summary: PushSummary) -> bool:
    appointment = _appointment(item)
    if not appointment.graph_id:
        return False
    path = business_path(appointment.business.graph_id, "appointments", appointment.graph_id, "cancel")
    client.post(path, json={"cancellationMessage": item.message})
    summary.touched_windows.append((appointment.business_id, appointment.start, appointment.end))
    return False


def _appointment_delete(client: GraphClient, item: OutboxItem, summary: PushSummary) -> bool:
    appointment = _appointment(item)
    if appointment.graph_id:
        client.delete(business_path(appointment.business.graph_id, "appointments", appointment.graph_id))
        summary.touched_windows.append((appointment.business_id, appointment.start, appointment.end))
    return False


def store_graph_id(model: Any, pk: Any, graph_id: str) -> None:
    store_graph_ids(model, {pk: graph_id})


def store_graph_ids(model: Any, graph_ids: dict[Any, str]) -> None:
    """Each record ``pk`` gets the Graph id Graph gave it, unless it has one already; a fixed number
    of queries however many records (a whole ``$batch`` is stored at once)."""
    if not graph_ids:
        return
    if model is Appointment:
        # A calendar refresh between the create and this line may have copied the booking from
        # Graph as a graph-origin row; that copy is this very appointment, so it goes.
        copies = Q(pk__in=[])
        for pk, business_id in Appointment.objects.filter(pk__in=graph_ids).values_list("pk", "business_id"):
            copies |= Q(business_id=business_id, graph_id=graph_ids[pk])
        Appointment.objects.filter(copies, origin=Origin.GRAPH).exclude(pk__in=graph_ids).delete()
    without_id = Q(graph_id__isnull=True) | Q(graph_id="")
    model.objects.filter(without_id, pk__in=graph_ids).update(
        graph_id=Case(*(When(pk=pk, then=Value(graph_id)) for pk, graph_id in graph_ids.items()))
    )


def id_of(created: dict | None) -> str:
    if not created or not created.get("id"):
        raise GraphServerError("Graph answered a create without an id", status=502)
    return str(created["id"])


HANDLERS: dict[tuple[str, str], Callable[[GraphClient, OutboxItem, PushSummary], bool]] = {
    (OutboxTarget.CUSTOMER, OutboxKind.CREATE): _customer_create,
    (OutboxTarget.CUSTOMER, OutboxKind.UPDATE): _customer_update,
    (OutboxTarget.CUSTOMER, OutboxKind.DELETE): _customer_delete,
    (OutboxTarget.APPOINTMENT, OutboxKind.CREATE): _appointment_create,
    (OutboxTarget.APPOINTMENT, OutboxKind.UPDATE): _appointment_update,
    (OutboxTarget.APPOINTMENT, OutboxKind.CANCEL): _appointment_cancel,
    (OutboxTarget.APPOINTMENT, OutboxKind.DELETE): _appointment_delete,
}


# --- Creates sent in $batch (see push.deliver_batch) ---------------------------------------------


@dataclass(frozen=True)
class PreparedCreate:
    request: BatchRequest
    model: Any
    pk: Any
    last_attempt: dict[str, Any] | None = None
    window: tuple[uuid.UUID, datetime, datetime] | None = None


Prepared = PreparedCreate | None | Exception  # None: nothing to create; an exception: not now


def _prepare_customer_creates(items: list[OutboxItem]) -> dict[int, Prepared]:
    customers = Customer.objects.select_related("business").in_bulk([item.target_id for item in items])
    prepared: dict[int, Prepared] = {}
    for item in items:
        customer = customers.get(item.target_id)
        if customer is None:
            prepared[item.pk] = Customer.DoesNotExist(f"customer {item.target_id} is gone")
        elif customer.graph_id:
            prepared[item.pk] = None
        else:
            path = business_path(customer.business.graph_id, "customers")
            request = BatchRequest(str(item.pk), "POST", path, customer_body(customer))
            prepared[item.pk] = PreparedCreate(request, Customer, customer.pk)
    return prepared


def _prepare_appointment_creates(items: list[OutboxItem]) -> dict[int, Prepared]:
    appointments = _appointments().in_bulk([item.target_id for item in items])
    prepared: dict[int, Prepared] = {}
    for item in items:
        appointment = appointments.get(item.target_id)
        if appointment is None:
            prepared[item.pk] = Appointment.DoesNotExist(f"appointment {item.target_id} is gone")
            continue
        if appointment.graph_id or appointment.is_cancelled or not appointment.is_active:
            prepared[item.pk] = None  # already in Graph, or cancelled before Graph heard of it
            continue
        try:
            body = _body(appointment)  # DependencyPending while a customer has no Graph id
        except DependencyPending as error:
            prepared[item.pk] = error
            continue
        path = business_path(appointment.business.graph_id, "appointments")
        prepared[item.pk] = PreparedCreate(
            BatchRequest(str(item.pk), "POST", path, body),
            Appointment,
            appointment.pk,
            last_attempt={"start": isoformats.format_datetime_offset(appointment.start)},
            window=(appointment.business_id, appointment.start, appointment.end),
        )
    return prepared


# What a claim's first-attempt creates of each kind send in $batch, by outbox item id.
PREPARERS: dict[str, Callable[[list[OutboxItem]], dict[int, Prepared]]] = {
    OutboxTarget.CUSTOMER: _prepare_customer_creates,
    OutboxTarget.APPOINTMENT: _prepare_appointment_creates,
}


def customers_of(appointment_ids: list[Any]) -> dict[Any, set[Any]]:
    """The customers (ids) on each of these appointments: whose creates must reach Graph first."""
    customers: dict[Any, set[Any]] = {}
    rows = AppointmentCustomer.objects.filter(appointment_id__in=appointment_ids, customer__isnull=False)
    for appointment_id, customer_id in rows.values_list("appointment_id", "customer_id"):
        customers.setdefault(appointment_id, set()).add(customer_id)
    return customers
