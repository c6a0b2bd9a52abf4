"""Generic Graph collection and item views: the resource-specific parts are a ``ResourceSpec``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from rest_framework import status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ... import access, selectors
from ...models import Business, StaffMember
from .. import odata
from ..errors import AccessDenied, BusinessNotFound, ItemNotFound
from ..serializers.base import GraphSerializer


def everything(queryset: QuerySet, member: StaffMember | None, *, owner: bool) -> QuerySet:
    """Every record of the business: what each of its people may see of most resources."""
    return queryset


def any_change(member: StaffMember | None, fields: dict[str, Any], *, owner: bool, instance: Any) -> bool:
    return True


@dataclass(frozen=True)
class ResourceSpec:
    """How one kind of business child resource is listed, read and written."""

    segment: str  # Graph's navigation name, e.g. "staffMembers"
    serializer: type[GraphSerializer]
    queryset: Callable[[Business], QuerySet]
    create: Callable[[Business, dict[str, Any]], Any]
    update: Callable[[Any, dict[str, Any]], Any]
    delete: Callable[[Any], None]
    # Graph answers PATCH with 204, except for customers and custom questions (200 with the entity).
    patch_returns_entity: bool = False
    # What the caller (``member``, or an owner) may see of ``queryset``, by ``access``'s rules; what
    # it leaves out is answered as missing.
    seen_by: Callable[..., QuerySet] = everything
    # Whether the caller may save these validated fields: a new record (``instance`` None) or a change.
    may_save: Callable[..., bool] = any_change
    # Why ``may_save`` said no, as the 403's message.
    refused_save: str = "Your role in this booking business does not allow this change."


class GraphView(APIView):
    """Base of every Graph-shaped view."""

    def serializer_context(self, **extra: Any) -> dict[str, Any]:
        return {
            "request": self.request,
            "include_unknown_enums": odata.prefers_unknown_enum_members(self.request),
            **extra,
        }

    def collection(self, queryset: QuerySet, serializer: type, fragment: str, **context: Any) -> Response:
        page = odata.read_page_request(self.request)
        rows = list(queryset[page.offset : page.offset + page.size + 1])
        has_more = len(rows) > page.size
        items = serializer(
            rows[: page.size], many=True, context=self.serializer_context(listing=True, **context)
        ).data
        total = queryset.count() if page.include_count else None
        return Response(
            odata.collection_body(
                self.request, fragment=fragment, items=items, page=page, has_more=has_more, total=total
            )
        )


class BusinessScopedView(GraphView):
    """A view under ``/solutions/bookingBusinesses/{id}/…``: only for people of that business."""

    # What an unsafe request changes, for ``access.member_may_write`` (an API segment name).
    write_scope = "business"

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not (self.owner or self.member):
            raise AccessDenied("You have no access to this booking business.")
        changing = request.method not in SAFE_METHODS
        if changing and not (self.owner or access.member_may_write(self.member, self.write_scope)):
            raise AccessDenied("Your role in this booking business does not allow this change.")

    @cached_property
    def owner(self) -> bool:
        return access.is_owner(self.request.user)

    @cached_property
    def member(self) -> StaffMember | None:
        """The caller's staff record in this business (none for owners: they act as owners)."""
        return None if self.owner else access.membership(self.request.user, self.business)

    @cached_property
    def business(self) -> Business:
        business = selectors.find_business(self.kwargs["business_id"])
        if business is None:
            raise BusinessNotFound()
        return business

    def fragment(self, segment: str) -> str:
        return f"{odata.business_segment(self.business.graph_id)}/{segment}"


class ResourceView(BusinessScopedView):
    spec: ResourceSpec

    @property
    def write_scope(self) -> str:
        return self.spec.segment

    def visible(self, queryset: QuerySet) -> QuerySet:
        return self.spec.seen_by(queryset, self.member, owner=self.owner)

    def check_save(self, fields: dict[str, Any], instance: Any = None) -> None:
        if not self.spec.may_save(self.member, fields, owner=self.owner, instance=instance):
            raise AccessDenied(self.spec.refused_save)

    def entity(self, instance: Any, *, reload: bool = True) -> dict[str, Any]:
        # After a write: read it back with its relations loaded, as a GET would. Not narrowed to what
        # the caller sees: they just wrote it (a customer they created is on none of their bookings).
        if reload:
            instance = self.spec.queryset(self.business).get(pk=instance.pk)
        data = self.spec.serializer(instance, context=self.serializer_context(business=self.business)).data
        return odata.entity_body(
            self.request, self.fragment(self.spec.segment), data, self.spec.serializer.odata_type
        )


class ResourceCollectionView(ResourceView):
    def get(self, request: Request, business_id: str) -> Response:
        return self.collection(
            self.visible(self.spec.queryset(self.business)),
            self.spec.serializer,
            self.fragment(self.spec.segment),
            business=self.business,
        )

    def post(self, request: Request, business_id: str) -> Response:
        serializer = self.spec.serializer(
            data=request.data, context=self.serializer_context(business=self.business)
        )
        serializer.is_valid(raise_exception=True)
        self.check_save(serializer.validated_data)
        created = self.spec.create(self.business, serializer.validated_data)
        return Response(self.entity(created), status=status.HTTP_201_CREATED)


class ResourceItemView(ResourceView):
    def get_object(self) -> Any:
        found = selectors.find(self.visible(self.spec.queryset(self.business)), self.kwargs["item_id"])
        if found is None:
            raise ItemNotFound()
        return found

    def get(self, request: Request, business_id: str, item_id: str) -> Response:
        return Response(self.entity(self.get_object(), reload=False))

    def patch(self, request: Request, business_id: str, item_id: str) -> Response:
        instance = self.get_object()
        serializer = self.spec.serializer(
            instance, data=request.data, partial=True, context=self.serializer_context(business=self.business)
        )
        serializer.is_valid(raise_exception=True)
        self.check_save(serializer.validated_data, instance)
        updated = self.spec.update(instance, serializer.validated_data)
        if self.spec.patch_returns_entity:
            return Response(self.entity(updated))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def delete(self, request: Request, business_id: str, item_id: str) -> Response:
        self.spec.delete(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
