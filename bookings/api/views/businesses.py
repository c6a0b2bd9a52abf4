"""Booking businesses, their publish/unpublish actions, and currencies."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from ... import access, resources, selectors
from ...models import Business
from .. import odata
from ..errors import AccessDenied, ItemNotFound
from ..serializers.business import BusinessListItemSerializer, BusinessSerializer
from ..serializers.currency import CurrencySerializer
from .base import BusinessScopedView, GraphView


def business_entity(view: GraphView, business: Business) -> dict:
    data = BusinessSerializer(business, context=view.serializer_context()).data
    return odata.entity_body(view.request, "bookingBusinesses", data)


class BusinessesView(GraphView):
    """``GET`` lists businesses (id and name only, ``?query=`` filters by name); ``POST`` creates one."""

    serializer_class = BusinessSerializer

    def get(self, request: Request) -> Response:
        businesses = access.visible_businesses(
            request.user, selectors.search_businesses(request.query_params.get("query"))
        )
        return self.collection(businesses, BusinessListItemSerializer, "bookingBusinesses")

    def post(self, request: Request) -> Response:
        if not access.may_manage_businesses(request.user):
            raise AccessDenied("Only owners may create booking businesses.")
        serializer = BusinessSerializer(data=request.data, context=self.serializer_context())
        serializer.is_valid(raise_exception=True)
        business = resources.create_business(**serializer.validated_data)
        return Response(business_entity(self, business), status=status.HTTP_201_CREATED)


class BusinessView(BusinessScopedView):
    serializer_class = BusinessSerializer

    def get(self, request: Request, business_id: str) -> Response:
        return Response(business_entity(self, self.business))

    def patch(self, request: Request, business_id: str) -> Response:
        serializer = BusinessSerializer(
            self.business, data=request.data, partial=True, context=self.serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        resources.update_business(self.business, serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def delete(self, request: Request, business_id: str) -> Response:
        if not access.may_manage_businesses(request.user):
            raise AccessDenied("Only owners may delete booking businesses.")
        resources.delete_business(self.business)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PublishView(BusinessScopedView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, business_id: str) -> Response:
        resources.publish_business(self.business)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UnpublishView(BusinessScopedView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, business_id: str) -> Response:
        resources.unpublish_business(self.business)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CurrenciesView(GraphView):
    serializer_class = CurrencySerializer

    def get(self, request: Request) -> Response:
        return self.collection(selectors.currencies(), CurrencySerializer, "bookingCurrencies")


class CurrencyView(GraphView):
    serializer_class = CurrencySerializer

    def get(self, request: Request, currency_id: str) -> Response:
        # An ISO 4217 code is three ASCII letters; anything else (a NUL, which PostgreSQL refuses in a
        # query, included) cannot name a currency, so it is not looked up.
        code = currency_id.upper()
        is_code = len(code) == 3 and code.isascii() and code.isalpha()
        currency = selectors.currencies().filter(pk=code).first() if is_code else None
        if currency is None:
            raise ItemNotFound(f"Currency '{currency_id[:10]}' was not found.")
        data = CurrencySerializer(currency).data
        return Response(odata.entity_body(request, "bookingCurrencies", data))
