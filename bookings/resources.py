"""Writes to a business and its definitions (staff members, services, questions, customers).

Every write goes through here, inside a transaction, after the model's own validation: the API,
the admin and (later) the sync code share one path, and that path is where a change is queued for
Microsoft Graph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.utils.text import slugify

from . import outbox, slot_cache
from .models import (
    Appointment,
    Business,
    Customer,
    CustomQuestion,
    OutboxKind,
    OutboxTarget,
    Service,
    ServiceQuestion,
    StaffMember,
)

Record = TypeVar("Record", bound=models.Model)

# Relations are written after the row exists; everything else is a plain attribute.
SERVICE_RELATIONS = ("staff_members", "question_assignments")


def save_record(instance: Record, *, creating: bool) -> Record:
    """Validate and save a business or definition: the one place their rows are written."""
    instance.full_clean(validate_unique=creating, validate_constraints=True)
    instance.save()
    slot_cache.invalidate(instance.pk if isinstance(instance, Business) else instance.business_id)
    return instance


def _target(instance: models.Model) -> OutboxTarget | None:
    return {
        Business: OutboxTarget.BUSINESS,
        StaffMember: OutboxTarget.STAFF_MEMBER,
        Service: OutboxTarget.SERVICE,
        CustomQuestion: OutboxTarget.CUSTOM_QUESTION,
        Customer: OutboxTarget.CUSTOMER,
        Appointment: OutboxTarget.APPOINTMENT,
    }.get(type(instance))


def record_edit(instance: models.Model, *, kind: OutboxKind, changed: Iterable[str] = ()) -> None:
    """Queue an owner's or staff member's change of ``instance`` for Graph, in the current
    transaction (the API and the admin call this; sync, which reads from Graph, never does).

    A business is created in Graph by its owner in Bookings, not from here: only its changes and
    its publishing are sent.
    """
    target = _target(instance)
    if target is None or (target == OutboxTarget.BUSINESS and kind == OutboxKind.CREATE):
        return
    if target == OutboxTarget.APPOINTMENT:
        from .booking import PUSHED_FIELDS

        changed = [name for name in changed if name in PUSHED_FIELDS | {"staff_members", "customers"}]
        if kind == OutboxKind.UPDATE and not changed:
            return
    business_id = instance.pk if isinstance(instance, Business) else instance.business_id
    outbox.record(
        business_id=business_id, kind=kind, target_type=target, target_id=instance.pk, changed=changed
    )


def _unique_value(model: type[models.Model], field: str, base: str, suffix: str = "") -> str:
    """``base``, or ``base`` with the smallest counter that makes it unique (case-insensitively)."""
    candidate, counter = f"{base}{suffix}", 1
    while model.objects.filter(**{f"{field}__iexact": candidate}).exists():
        counter += 1
        candidate = f"{base}{counter}{suffix}"
    return candidate


def new_mailbox_address(display_name: str) -> str:
    """The address Bookings gives a new business's mailbox: its name, squashed, at the tenant domain."""
    local = re.sub(r"[^a-z0-9]", "", slugify(display_name)) or "business"
    return _unique_value(Business, "graph_id", local[:60], f"@{settings.BOOKINGS_MAILBOX_DOMAIN}")


def new_business_slug(display_name: str) -> str:
    base = (slugify(display_name)[:70] or "business").strip("-")
    candidate, counter = base, 1
    while Business.objects.filter(slug=candidate).exists():
        counter += 1
        candidate = f"{base}-{counter}"
    return candidate


@transaction.atomic
def create_business(*, display_name: str, **fields: Any) -> Business:
    business = Business(
        display_name=display_name,
        graph_id=new_mailbox_address(display_name),
        slug=new_business_slug(display_name),
        **fields,
    )
    return save_record(business, creating=True)


@transaction.atomic
def update_business(business: Business, changes: dict[str, Any]) -> Business:
    for name, value in changes.items():
        setattr(business, name, value)
    save_record(business, creating=False)
    record_edit(business, kind=OutboxKind.UPDATE, changed=changes)
    return business


@transaction.atomic
def delete_business(business: Business) -> None:
    business.is_active = False
    business.is_published = False
    business.public_url = None
    business.save(update_fields=["is_active", "is_published", "public_url"])
    slot_cache.invalidate(business.pk)


def booking_page_url(business: Business) -> str:
    return f"{settings.PORTAL_BASE_URL}/book/{business.slug}/"


@transaction.atomic
def publish_business(business: Business) -> Business:
    """Open the booking page to customers."""
    business.is_published = True
    business.public_url = booking_page_url(business)
    business.save(update_fields=["is_published", "public_url"])
    slot_cache.invalidate(business.pk)
    record_edit(business, kind=OutboxKind.PUBLISH)
    return business


@transaction.atomic
def unpublish_business(business: Business) -> Business:
    business.is_published = False
    business.public_url = None
    business.save(update_fields=["is_published", "public_url"])
    slot_cache.invalidate(business.pk)
    record_edit(business, kind=OutboxKind.UNPUBLISH)
    return business


def _set_service_relations(service: Service, relations: dict[str, Any]) -> None:
    if "staff_members" in relations:
        service.staff_members.set(list(dict.fromkeys(relations["staff_members"])))
    if "question_assignments" in relations:
        service.question_assignments.all().delete()
        ServiceQuestion.objects.bulk_create(
            ServiceQuestion(service=service, question=question, is_required=required, position=position)
            for position, (question, required) in enumerate(relations["question_assignments"])
        )


DefinitionModel = type[StaffMember] | type[Service] | type[CustomQuestion] | type[models.Model]


@transaction.atomic
def create_definition(model: DefinitionModel, *, business: Business, fields: dict[str, Any]) -> Any:
    """Create a staff member, service, custom question or customer of ``business``."""
    fields = dict(fields)
    relations = {name: fields.pop(name) for name in SERVICE_RELATIONS if name in fields}
    instance = save_record(model(business=business, **fields), creating=True)
    if isinstance(instance, Service):
        _set_service_relations(instance, relations)
    record_edit(instance, kind=OutboxKind.CREATE)
    return instance


@transaction.atomic
def update_definition(instance: Record, changes: dict[str, Any]) -> Record:
    """Apply a partial update: members not in ``changes`` keep their values."""
    changes = dict(changes)
    relations = {name: changes.pop(name) for name in SERVICE_RELATIONS if name in changes}
    for name, value in changes.items():
        setattr(instance, name, value)
    save_record(instance, creating=False)
    if isinstance(instance, Service):
        _set_service_relations(instance, relations)
    record_edit(instance, kind=OutboxKind.UPDATE, changed=[*changes, *relations])
    return instance


@transaction.atomic
def delete_definition(instance: Record) -> None:
    """Deactivate, not delete: appointments keep pointing at what they were booked with."""
    instance.is_active = False
    instance.save(update_fields=["is_active"])
    slot_cache.invalidate(instance.business_id)
    record_edit(instance, kind=OutboxKind.DELETE)
