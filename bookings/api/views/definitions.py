"""Staff members, services, custom questions and customers of a business."""

from __future__ import annotations

from ... import access, resources, selectors
from ...models import Customer, CustomQuestion, Service, StaffMember
from ..serializers.definitions import (
    CustomerSerializer,
    CustomQuestionSerializer,
    ServiceSerializer,
    StaffMemberSerializer,
)
from .base import ResourceCollectionView, ResourceItemView, ResourceSpec, everything


def _spec(
    segment: str,
    model: type,
    serializer: type,
    queryset,
    *,
    patch_returns_entity: bool = False,
    seen_by=everything,
) -> ResourceSpec:
    return ResourceSpec(
        segment=segment,
        serializer=serializer,
        queryset=queryset,
        create=lambda business, fields: resources.create_definition(model, business=business, fields=fields),
        update=resources.update_definition,
        delete=resources.delete_definition,
        patch_returns_entity=patch_returns_entity,
        seen_by=seen_by,
    )


STAFF = _spec("staffMembers", StaffMember, StaffMemberSerializer, selectors.staff_members)
SERVICES = _spec("services", Service, ServiceSerializer, selectors.services)
QUESTIONS = _spec(
    "customQuestions",
    CustomQuestion,
    CustomQuestionSerializer,
    selectors.custom_questions,
    patch_returns_entity=True,
)
# A team member sees the customers of their own appointments only (``access.customers_seen``).
CUSTOMERS = _spec(
    "customers",
    Customer,
    CustomerSerializer,
    selectors.customers,
    patch_returns_entity=True,
    seen_by=access.customers_seen,
)


class StaffMembersView(ResourceCollectionView):
    spec = STAFF


class StaffMemberView(ResourceItemView):
    spec = STAFF


class ServicesView(ResourceCollectionView):
    spec = SERVICES


class ServiceView(ResourceItemView):
    spec = SERVICES


class CustomQuestionsView(ResourceCollectionView):
    spec = QUESTIONS


class CustomQuestionView(ResourceItemView):
    spec = QUESTIONS


class CustomersView(ResourceCollectionView):
    spec = CUSTOMERS


class CustomerView(ResourceItemView):
    spec = CUSTOMERS
