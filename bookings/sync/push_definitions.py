"""Delivering the owner's edits of definitions (staff, services, questions, the business) to Graph.

The bodies are the API serializers' Graph JSON (one translation of each resource, shared with the
portal's own API), minus read-only members, with references rewritten to Graph's ids. A PATCH
carries only the members of the fields that changed. A create whose answer was lost is looked up
(by e-mail for staff, by name for services and questions) before it is sent again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..api.serializers.business import BusinessSerializer
from ..api.serializers.definitions import CustomQuestionSerializer, ServiceSerializer, StaffMemberSerializer
from ..graph.client import GraphClient
from ..graph.paths import business_path
from ..models import Business, CustomQuestion, OutboxItem, OutboxKind, OutboxTarget, Service, StaffMember

# Members Graph sets itself: never sent.
READ_ONLY = frozenset(
    {"id", "createdDateTime", "lastUpdatedDateTime", "webUrl", "membershipStatus", "isPublished", "publicUrl"}
)


class DependencyPending(Exception):
    """The item refers to a record Graph has not got yet (its create is queued): try again shortly."""


# target type -> (model, serializer, collection segment, member that identifies a lost create)
DEFINITIONS: dict[str, tuple[type, type, str, str]] = {
    OutboxTarget.STAFF_MEMBER: (StaffMember, StaffMemberSerializer, "staffMembers", "emailAddress"),
    OutboxTarget.SERVICE: (Service, ServiceSerializer, "services", "displayName"),
    OutboxTarget.CUSTOM_QUESTION: (
        CustomQuestion,
        CustomQuestionSerializer,
        "customQuestions",
        "displayName",
    ),
}


def graph_body(instance: Any, serializer_class: type, changed: Iterable[str] | None = None) -> dict[str, Any]:
    """The resource as Graph takes it; only the members of ``changed`` model fields when given."""
    data = serializer_class(instance, context={"include_unknown_enums": True}).data
    body = {name: value for name, value in data.items() if name not in READ_ONLY}
    if isinstance(instance, Service):
        body["staffMemberIds"] = _graph_ids(instance.staff_members.filter(is_active=True))
        assignments = instance.question_assignments.select_related("question").filter(
            question__is_active=True
        )
        body["customQuestions"] = [
            {"questionId": _graph_id(assignment.question), "isRequired": assignment.is_required}
            for assignment in assignments
        ]
    if changed is not None:
        wanted = _members_of(serializer_class, changed)
        body = {name: value for name, value in body.items() if name in wanted or name == "@odata.type"}
    return body


def _has_members(body: dict[str, Any]) -> bool:
    return any(not name.startswith("@odata.") for name in body)


def _members_of(serializer_class: type, changed: Iterable[str]) -> set[str]:
    sources = {field.source: name for name, field in serializer_class().fields.items()}
    sources["question_assignments"] = "customQuestions"
    sources["custom_questions"] = "customQuestions"
    return {sources[field] for field in changed if field in sources}


def _graph_id(record: Any) -> str:
    if not record.graph_id:
        raise DependencyPending
    return record.graph_id


def _graph_ids(records: Iterable[Any]) -> list[str]:
    return [_graph_id(record) for record in records]


def _store(model: type, pk: Any, graph_id: str) -> None:
    model.objects.filter(pk=pk, graph_id__isnull=True).update(graph_id=graph_id)


def _definition(item: OutboxItem) -> tuple[Any, type, str, str]:
    model, serializer_class, segment, key = DEFINITIONS[item.target_type]
    return model.objects.select_related("business").get(pk=item.target_id), serializer_class, segment, key


def _create(client: GraphClient, item: OutboxItem, summary: Any) -> bool:
    instance, serializer_class, segment, key = _definition(item)
    if instance.graph_id or not instance.is_active:
        return False
    mailbox = instance.business.graph_id
    body = graph_body(instance, serializer_class)
    if item.attempts > 1 and body.get(key):
        wanted = str(body[key]).lower()
        for entry in client.iter_collection(business_path(mailbox, segment)):
            if str(entry.get(key) or "").lower() == wanted and entry.get("id"):
                client.patch(business_path(mailbox, segment, entry["id"]), body)
                _store(type(instance), instance.pk, str(entry["id"]))
                return True
    created = client.post(business_path(mailbox, segment), json=body)
    if not created or not created.get("id"):
        raise ValueError("Graph answered a create without an id")
    _store(type(instance), instance.pk, str(created["id"]))
    return False


def _update(client: GraphClient, item: OutboxItem, summary: Any) -> bool:
    instance, serializer_class, segment, _key = _definition(item)
    if not instance.graph_id:
        return False  # its create carries the current state
    body = graph_body(instance, serializer_class, item.changed)
    if _has_members(body):
        client.patch(business_path(instance.business.graph_id, segment, instance.graph_id), body)
    return False


def _delete(client: GraphClient, item: OutboxItem, summary: Any) -> bool:
    instance, _serializer, segment, _key = _definition(item)
    if instance.graph_id:
        client.delete(business_path(instance.business.graph_id, segment, instance.graph_id))
    return False


def _business_update(client: GraphClient, item: OutboxItem, summary: Any) -> bool:
    business = Business.objects.get(pk=item.target_id)
    body = graph_body(business, BusinessSerializer, item.changed)
    body.pop("displayName", None)  # Graph ignores a rename through PATCH
    if _has_members(body):
        client.patch(business_path(business.graph_id), body)
    return False


def _business_action(action: str) -> Callable[[GraphClient, OutboxItem, Any], bool]:
    def run(client: GraphClient, item: OutboxItem, summary: Any) -> bool:
        business = Business.objects.get(pk=item.target_id)
        client.post(business_path(business.graph_id, action))
        return False

    return run


HANDLERS: dict[tuple[str, str], Callable[[GraphClient, OutboxItem, Any], bool]] = {
    **{(target, OutboxKind.CREATE): _create for target in DEFINITIONS},
    **{(target, OutboxKind.UPDATE): _update for target in DEFINITIONS},
    **{(target, OutboxKind.DELETE): _delete for target in DEFINITIONS},
    (OutboxTarget.BUSINESS, OutboxKind.UPDATE): _business_update,
    (OutboxTarget.BUSINESS, OutboxKind.PUBLISH): _business_action("publish"),
    (OutboxTarget.BUSINESS, OutboxKind.UNPUBLISH): _business_action("unpublish"),
}
