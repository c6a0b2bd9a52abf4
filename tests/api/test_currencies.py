"""Currencies: ``/solutions/bookingCurrencies`` (CONTRACT §2.7).

The table is loaded by a data migration, so a fresh database already knows every currency Bookings
offers; a business's ``defaultCurrencyIso`` must name one of them.
"""

from __future__ import annotations

import pytest

from bookings.models import Currency
from tests.api.graph_assertions import all_pages, assert_odata_error
from tests.conftest import example

pytestmark = pytest.mark.django_db


def test_the_data_migration_loads_the_iso_4217_currencies():
    assert Currency.objects.count() > 100
    assert Currency.objects.get(pk="USD").symbol == "$"
    assert Currency.objects.get(pk="EUR").symbol == "€"


def test_list_returns_id_and_symbol_in_a_value_envelope(api):
    response = api.get("bookingCurrencies")

    assert response.status_code == 200
    body = response.json()
    assert body["@odata.context"] == "http://testserver/api/v1.0/solutions/$metadata#bookingCurrencies"
    assert body["value"]
    assert all(set(item) == {"id", "symbol"} for item in body["value"])


def test_list_is_sorted_by_code_and_includes_usd(api):
    currencies, _pages = all_pages(api, "bookingCurrencies")

    codes = [item["id"] for item in currencies]
    assert codes == sorted(codes)
    assert len(codes) == len(set(codes)) == Currency.objects.count()
    assert {"id": "USD", "symbol": "$"} in currencies


def test_list_contains_every_currency_of_microsofts_example_with_the_same_symbol(api):
    currencies, _pages = all_pages(api, "bookingCurrencies")

    for currency in example("bookingcurrency-list.response.json")["value"]:
        assert currency in currencies


def test_list_pages_with_top(api):
    body = api.get("bookingCurrencies", {"$top": "2"}).json()

    assert [item["id"] for item in body["value"]] == list(Currency.objects.values_list("id", flat=True)[:2])
    assert "$skiptoken=" in body["@odata.nextLink"]


def test_list_with_count_true_reports_every_currency(api):
    body = api.get("bookingCurrencies", {"$count": "true"}).json()

    assert body["@odata.count"] == Currency.objects.count()


def test_get_usd_returns_microsofts_example(api):
    response = api.get("bookingCurrencies/USD")

    assert response.status_code == 200
    microsofts = example("bookingcurrency-get.response.json")
    assert response.json() == {
        **microsofts,
        "@odata.context": "http://testserver/api/v1.0/solutions/$metadata#bookingCurrencies/$entity",
    }


def test_get_matches_the_code_case_insensitively(api):
    response = api.get("bookingCurrencies/usd")

    assert response.status_code == 200
    assert response.json()["id"] == "USD"
    assert response.json()["symbol"] == "$"


def test_get_returns_non_ascii_symbols_unescaped(api):
    response = api.get("bookingCurrencies/EUR")

    assert response.json()["symbol"] == "€"
    assert "€".encode() in response.content


@pytest.mark.parametrize("code", ["XYZ", "US", "DOLLAR", "U$D", "U%00D", "%C3%9CSD"])
def test_get_of_an_unknown_currency_is_404_odata_error(api, code):
    assert_odata_error(api.get(f"bookingCurrencies/{code}"), 404, code="ErrorItemNotFound")


@pytest.mark.parametrize("method", ["post", "patch", "delete"])
def test_currencies_are_read_only(api, method):
    assert_odata_error(getattr(api, method)("bookingCurrencies/USD"), 405, code="notSupported")


def test_a_business_accepts_any_currency_in_the_table(api):
    response = api.post("bookingBusinesses", {"displayName": "Tokyo Tea", "defaultCurrencyIso": "JPY"})

    assert response.status_code == 201
    assert response.json()["defaultCurrencyIso"] == "JPY"


def test_a_business_refuses_a_currency_missing_from_the_table(api):
    response = api.post("bookingBusinesses", {"displayName": "Contoso", "defaultCurrencyIso": "XXY"})

    error = assert_odata_error(response, 400, code="invalidRequest", member="defaultCurrencyIso")
    assert [detail["target"] for detail in error["details"]] == ["defaultCurrencyIso"]
    assert "XXY" in error["message"]


def test_a_currency_added_to_the_table_becomes_usable_for_businesses(api):
    Currency.objects.create(id="XTS", symbol="¤")

    assert api.get("bookingCurrencies/XTS").json()["symbol"] == "¤"
    response = api.post("bookingBusinesses", {"displayName": "Testing", "defaultCurrencyIso": "XTS"})
    assert response.status_code == 201
