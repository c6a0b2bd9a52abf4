"""Booking businesses: ``/solutions/bookingBusinesses`` (CONTRACT §2.1, §5.4, §5.5, §5.8).

Create answers 201 with the full entity and Bookings' defaults; the list carries only ``id`` and
``displayName``; PATCH is partial, answers 204 and ignores what Graph cannot change; publish and
unpublish answer 204 and move ``isPublished``/``publicUrl``.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from bookings.models import Business
from tests.api.graph_assertions import assert_odata_error
from tests.conftest import example
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db

WEEKDAY_HOURS = [{"startTime": "08:00:00.0000000", "endTime": "17:00:00.0000000"}]
MICROSOFTS_DEFAULT_WEEK = [
    {"day": "monday", "timeSlots": WEEKDAY_HOURS},
    {"day": "tuesday", "timeSlots": WEEKDAY_HOURS},
    {"day": "wednesday", "timeSlots": WEEKDAY_HOURS},
    {"day": "thursday", "timeSlots": WEEKDAY_HOURS},
    {"day": "friday", "timeSlots": WEEKDAY_HOURS},
    {"day": "saturday", "timeSlots": []},
    {"day": "sunday", "timeSlots": []},
]
MICROSOFTS_DEFAULT_POLICY = {
    "timeSlotInterval": "PT30M",
    "minimumLeadTime": "P1D",
    "maximumAdvance": "P365D",
    "sendConfirmationsToOwner": True,
    "allowStaffSelection": True,
}
# A v1.0 member newer than Microsoft's create sample; Graph documents false as its default.
DEFAULT_POLICY = {**MICROSOFTS_DEFAULT_POLICY, "isMeetingInviteToCustomersEnabled": False}


def create(api, body: dict) -> dict:
    response = api.post("bookingBusinesses", body)
    assert response.status_code == 201, response.json()
    return response.json()


# --- create -------------------------------------------------------------------------------------


def test_create_with_microsofts_example_returns_201_and_the_full_entity(api):
    response = api.post("bookingBusinesses", example("bookingbusiness-create.request.json"))

    assert response.status_code == 201
    body = response.json()
    assert body["@odata.context"].endswith("/v1.0/solutions/$metadata#bookingBusinesses/$entity")
    assert body["id"] == f"fourthcoffee@{settings.BOOKINGS_MAILBOX_DOMAIN}"
    assert body["displayName"] == "Fourth Coffee"
    assert body["phone"] == "206-555-0100"
    assert body["email"] == "manager@fourthcoffee.com"
    assert body["webSiteUrl"] == "https://www.fourthcoffee.com"
    assert body["defaultCurrencyIso"] == "USD"
    sent_address = example("bookingbusiness-create.request.json")["address"]
    assert {name: body["address"][name] for name in sent_address} == sent_address


def test_create_response_has_every_member_of_microsofts_create_response(api):
    body = create(api, example("bookingbusiness-create.request.json"))

    microsofts = example("bookingbusiness-create.response.json")
    assert set(microsofts) <= set(body)
    for name in (
        "displayName",
        "businessType",
        "phone",
        "email",
        "webSiteUrl",
        "languageTag",
        "defaultCurrencyIso",
        "isPublished",
        "publicUrl",
        "businessHours",
    ):
        assert body[name] == microsofts[name], name
    assert body["schedulingPolicy"] == {
        **microsofts["schedulingPolicy"],
        "isMeetingInviteToCustomersEnabled": False,
    }
    assert {name: body["address"][name] for name in microsofts["address"]} == microsofts["address"]


def test_create_with_only_a_display_name_gets_bookings_defaults(api):
    body = create(api, example("bookingbusiness-create.minimal.request.json"))

    assert body["displayName"] == "Contoso"
    assert body["id"] == f"contoso@{settings.BOOKINGS_MAILBOX_DOMAIN}"
    assert body["businessType"] == ""
    assert body["languageTag"] == "en-US"
    assert body["defaultCurrencyIso"] == "USD"
    assert body["isPublished"] is False
    assert body["publicUrl"] is None
    assert body["businessHours"] == MICROSOFTS_DEFAULT_WEEK
    assert body["schedulingPolicy"] == DEFAULT_POLICY
    assert body["createdDateTime"].endswith("Z")
    assert body["lastUpdatedDateTime"].endswith("Z")


def test_created_business_id_is_a_mailbox_address_usable_at_once(api):
    business_id = create(api, {"displayName": "Alpine Ski House"})["id"]

    local, _, domain = business_id.partition("@")
    assert local and domain
    assert api.get(f"bookingBusinesses/{business_id}").status_code == 200


@pytest.mark.parametrize(
    ("display_name", "local_part"),
    [
        ("Fourth Coffee", "fourthcoffee"),
        ("Café Crème", "cafecreme"),
        ("A-1 Tyres & Co.", "a1tyresco"),
        ("!!!", "business"),
    ],
)
def test_the_mailbox_address_is_the_name_squashed_to_letters_and_digits(api, display_name, local_part):
    assert (
        create(api, {"displayName": display_name})["id"] == f"{local_part}@{settings.BOOKINGS_MAILBOX_DOMAIN}"
    )


def test_two_businesses_with_the_same_name_get_different_mailboxes(api):
    first = create(api, {"displayName": "Contoso"})["id"]
    second = create(api, {"displayName": "Contoso"})["id"]

    assert first.lower() != second.lower()


def test_create_keeps_given_hours_and_policy_and_normalises_durations(api):
    body = create(
        api,
        {
            "displayName": "Night Owls",
            "businessHours": [
                {"day": "saturday", "timeSlots": [{"startTime": "20:00:00", "endTime": "23:30:00"}]}
            ],
            "schedulingPolicy": {
                **MICROSOFTS_DEFAULT_POLICY,
                "timeSlotInterval": "PT90M",
                "minimumLeadTime": "PT0S",
            },
        },
    )

    assert body["businessHours"] == [
        {"day": "saturday", "timeSlots": [{"startTime": "20:00:00.0000000", "endTime": "23:30:00.0000000"}]}
    ]
    assert body["schedulingPolicy"]["timeSlotInterval"] == "PT1H30M"
    assert body["schedulingPolicy"]["minimumLeadTime"] == "PT0S"


@pytest.mark.parametrize(
    "body",
    [{}, {"displayName": ""}, {"displayName": None}, {"phone": "206-555-0100"}],
    ids=["missing", "empty", "null", "only-phone"],
)
def test_create_without_a_display_name_is_400_naming_display_name(api, body):
    error = assert_odata_error(api.post("bookingBusinesses", body), 400)

    assert "displayName" in error["message"]
    assert [detail["target"] for detail in error["details"]] == ["displayName"]
    assert Business.objects.count() == 0


def test_create_ignores_read_only_members(api):
    body = create(
        api,
        {
            "displayName": "Contoso",
            "id": "chosen@example.com",
            "isPublished": True,
            "publicUrl": "https://example.com/book",
        },
    )

    assert body["id"] != "chosen@example.com"
    assert body["isPublished"] is False
    assert body["publicUrl"] is None


def test_create_ignores_unknown_members_as_graph_clients_must(api):
    body = create(api, {"displayName": "Contoso", "someFutureProperty": {"x": 1}})

    assert "someFutureProperty" not in body


def test_create_accepts_a_lower_case_currency_and_stores_it_upper_case(api):
    assert create(api, {"displayName": "Contoso", "defaultCurrencyIso": "eur"})["defaultCurrencyIso"] == "EUR"


@pytest.mark.parametrize("code", ["XYZ", "US", "DOLLARS", ""])
def test_create_with_a_currency_missing_from_the_currency_table_is_400(api, code):
    error = assert_odata_error(
        api.post("bookingBusinesses", {"displayName": "Contoso", "defaultCurrencyIso": code}), 400
    )

    assert "defaultCurrencyIso" in [detail["target"] for detail in error["details"]]
    assert Business.objects.count() == 0


# --- list ---------------------------------------------------------------------------------------


def test_list_returns_only_id_and_display_name_in_a_value_envelope(api):
    contoso = BusinessFactory(
        display_name="Contoso lunch delivery", graph_id="Contosolunchdelivery@contoso.com"
    )
    fabrikam = BusinessFactory(display_name="Fabrikam", graph_id="Fabrikam@contoso.com")

    response = api.get("bookingBusinesses")

    assert response.status_code == 200
    assert response.json() == {
        "@odata.context": "http://testserver/api/v1.0/solutions/$metadata#bookingBusinesses",
        "value": [
            {"id": contoso.graph_id, "displayName": "Contoso lunch delivery"},
            {"id": fabrikam.graph_id, "displayName": "Fabrikam"},
        ],
    }


def test_list_has_the_shape_of_microsofts_list_response(api):
    BusinessFactory()

    body = api.get("bookingBusinesses").json()

    microsofts = example("bookingbusiness-list.response.json")
    assert set(body) == set(microsofts)
    assert set(body["value"][0]) == set(microsofts["value"][0])


def test_list_of_no_businesses_is_an_empty_value(api):
    assert api.get("bookingBusinesses").json()["value"] == []


def test_list_query_filters_by_name_case_insensitively(api):
    BusinessFactory(display_name="Adventure Works Cycles", graph_id="AdventureWorksCycles@contoso.com")
    BusinessFactory(display_name="Contoso")

    response = api.get("bookingBusinesses", {"query": "adventure"})

    assert response.status_code == 200
    assert response.json()["value"] == [
        {"id": "AdventureWorksCycles@contoso.com", "displayName": "Adventure Works Cycles"}
    ]


def test_list_query_matching_nothing_is_an_empty_value(api):
    BusinessFactory(display_name="Contoso")

    assert api.get("bookingBusinesses", {"query": "Fabrikam"}).json()["value"] == []


def test_list_leaves_out_deleted_businesses(api):
    BusinessFactory(display_name="Gone", is_active=False)

    assert api.get("bookingBusinesses").json()["value"] == []


def test_list_pages_with_top_and_a_next_link_followed_verbatim(api):
    names = [f"Business {letter}" for letter in "ABCDE"]
    for name in names:
        BusinessFactory(display_name=name)

    seen, url, pages = [], "bookingBusinesses?$top=2", 0
    while url:
        # The link is absolute: call the plain test client, which takes it as it is.
        response = APIClient.get(api, url) if url.startswith("http") else api.get(url)
        assert response.status_code == 200, response.json()
        body = response.json()
        assert len(body["value"]) <= 2
        seen += [item["displayName"] for item in body["value"]]
        url = body.get("@odata.nextLink")
        if url:
            assert url.startswith("http://testserver/api/v1.0/solutions/bookingBusinesses?")
            assert "$skiptoken=" in url
        pages += 1

    assert seen == names
    assert pages == 3


def test_list_next_link_keeps_the_query(api):
    for name in ("Contoso one", "Contoso two", "Contoso three", "Fabrikam"):
        BusinessFactory(display_name=name)

    first = api.get("bookingBusinesses", {"query": "contoso", "$top": "2"}).json()
    second = APIClient.get(api, first["@odata.nextLink"]).json()

    assert [item["displayName"] for item in first["value"] + second["value"]] == [
        "Contoso one",
        "Contoso three",
        "Contoso two",
    ]
    assert "@odata.nextLink" not in second


def test_list_without_more_items_has_no_next_link(api):
    BusinessFactory()

    assert "@odata.nextLink" not in api.get("bookingBusinesses").json()


def test_list_with_count_true_reports_the_total_across_pages(api):
    for _ in range(3):
        BusinessFactory()

    body = api.get("bookingBusinesses?$count=true&$top=1").json()

    assert body["@odata.count"] == 3
    assert len(body["value"]) == 1


def test_list_without_count_has_no_count(api):
    BusinessFactory()

    assert "@odata.count" not in api.get("bookingBusinesses").json()


# --- get ----------------------------------------------------------------------------------------


def test_get_returns_the_business_with_its_entity_context(api):
    created = create(api, example("bookingbusiness-create.request.json"))

    response = api.get(f"bookingBusinesses/{created['id']}")

    assert response.status_code == 200
    assert response.json() == created


@pytest.mark.parametrize("spelling", [str.upper, str.lower, str.swapcase])
def test_get_matches_the_business_id_case_insensitively(api, spelling):
    business = BusinessFactory(graph_id="Fabrikam@Contoso.onmicrosoft.com", display_name="Fabrikam")

    response = api.get(f"bookingBusinesses/{spelling(business.graph_id)}")

    assert response.status_code == 200
    assert response.json()["id"] == "Fabrikam@Contoso.onmicrosoft.com"


def test_get_accepts_a_percent_encoded_business_id(api):
    business = BusinessFactory()

    response = api.get(f"bookingBusinesses/{quote(business.graph_id, safe='')}")

    assert response.status_code == 200
    assert response.json()["id"] == business.graph_id


def test_get_of_an_unknown_business_is_404_non_existent_mailbox(api):
    error = assert_odata_error(
        api.get("bookingBusinesses/nobody@contoso.com"), 404, code="ErrorNonExistentMailbox"
    )

    assert error["message"] == "The SMTP address has no mailbox associated with it."


# --- update -------------------------------------------------------------------------------------


def test_patch_with_microsofts_example_returns_204_and_changes_the_policy(api):
    business_id = create(api, example("bookingbusiness-create.request.json"))["id"]

    response = api.patch(f"bookingBusinesses/{business_id}", example("bookingbusiness-update.request.json"))

    assert response.status_code == 204
    assert response.content == b""
    business = api.get(f"bookingBusinesses/{business_id}").json()
    assert business["schedulingPolicy"] == {
        "timeSlotInterval": "PT1H",  # sent as PT60M, read back normalised
        "minimumLeadTime": "P1D",
        "maximumAdvance": "P30D",
        "sendConfirmationsToOwner": True,
        "allowStaffSelection": True,
        "isMeetingInviteToCustomersEnabled": False,
    }


def test_patch_does_not_change_email_or_display_name_as_graph_cannot(api):
    business_id = create(api, example("bookingbusiness-create.request.json"))["id"]

    response = api.patch(
        f"bookingBusinesses/{business_id}",
        {**example("bookingbusiness-update.request.json"), "displayName": "Renamed"},
    )

    assert response.status_code == 204
    business = api.get(f"bookingBusinesses/{business_id}").json()
    assert business["email"] == "manager@fourthcoffee.com"
    assert business["displayName"] == "Fourth Coffee"


def test_patch_of_one_property_keeps_all_the_others(api):
    before = create(api, example("bookingbusiness-create.request.json"))

    response = api.patch(f"bookingBusinesses/{before['id']}", {"phone": "206-555-0199"})

    assert response.status_code == 204
    after = api.get(f"bookingBusinesses/{before['id']}").json()
    assert after["phone"] == "206-555-0199"
    unchanged = {k: v for k, v in before.items() if k not in ("phone", "lastUpdatedDateTime")}
    assert {k: v for k, v in after.items() if k in unchanged} == unchanged


def test_patch_changes_each_patchable_property(api):
    business_id = create(api, {"displayName": "Contoso"})["id"]
    changes = {
        "address": {
            "street": "1 Main St",
            "city": "Seattle",
            "state": "WA",
            "countryOrRegion": "USA",
            "postalCode": "98101",
        },
        "businessHours": [
            {"day": "sunday", "timeSlots": [{"startTime": "10:00:00.0000000", "endTime": "12:00:00.0000000"}]}
        ],
        "businessType": "Restaurant",
        "defaultCurrencyIso": "EUR",
        "phone": "555-0100",
        "webSiteUrl": "https://contoso.example",
        "languageTag": "fr-FR",
    }

    assert api.patch(f"bookingBusinesses/{business_id}", changes).status_code == 204

    business = api.get(f"bookingBusinesses/{business_id}").json()
    assert {name: business[name] for name in changes if name != "address"} == {
        name: value for name, value in changes.items() if name != "address"
    }
    assert business["address"] == {**changes["address"], "postOfficeBox": None, "type": None}


def test_patch_with_an_empty_body_changes_nothing(api):
    before = create(api, {"displayName": "Contoso"})

    assert api.patch(f"bookingBusinesses/{before['id']}", {}).status_code == 204

    after = api.get(f"bookingBusinesses/{before['id']}").json()
    assert {k: v for k, v in after.items() if k != "lastUpdatedDateTime"} == {
        k: v for k, v in before.items() if k != "lastUpdatedDateTime"
    }


@pytest.mark.parametrize(
    "member",
    [
        {"isPublished": True},
        {"publicUrl": "https://evil.example/book"},
        {"id": "other@contoso.com"},
        {"createdDateTime": "2001-01-01T00:00:00Z"},
    ],
    ids=lambda member: next(iter(member)),
)
def test_patch_ignores_read_only_properties(api, member):
    before = create(api, {"displayName": "Contoso"})

    response = api.patch(f"bookingBusinesses/{before['id']}", member)

    assert response.status_code == 204
    after = api.get(f"bookingBusinesses/{before['id']}").json()
    assert after["id"] == before["id"]
    assert after["isPublished"] is False
    assert after["publicUrl"] is None
    assert after["createdDateTime"] == before["createdDateTime"]


def test_patch_with_a_bad_value_is_400_and_changes_nothing(api):
    before = create(api, {"displayName": "Contoso"})

    response = api.patch(
        f"bookingBusinesses/{before['id']}",
        {"phone": "555-0100", "schedulingPolicy": {"timeSlotInterval": "soon"}},
    )

    error = assert_odata_error(response, 400)
    assert "schedulingPolicy" in error["message"]
    assert api.get(f"bookingBusinesses/{before['id']}").json()["phone"] == ""


def test_patch_with_an_unknown_currency_is_400(api):
    business_id = create(api, {"displayName": "Contoso"})["id"]

    error = assert_odata_error(
        api.patch(f"bookingBusinesses/{business_id}", {"defaultCurrencyIso": "ABC"}), 400
    )

    assert "defaultCurrencyIso" in error["message"]
    assert api.get(f"bookingBusinesses/{business_id}").json()["defaultCurrencyIso"] == "USD"


def test_patch_of_an_unknown_business_is_404_non_existent_mailbox(api):
    assert_odata_error(
        api.patch("bookingBusinesses/nobody@contoso.com", {"phone": "1"}), 404, code="ErrorNonExistentMailbox"
    )


# --- delete -------------------------------------------------------------------------------------


def test_delete_returns_204_and_the_business_is_then_unknown(api):
    business_id = create(api, {"displayName": "Contoso"})["id"]

    response = api.delete(f"bookingBusinesses/{business_id}")

    assert response.status_code == 204
    assert response.content == b""
    assert_odata_error(api.get(f"bookingBusinesses/{business_id}"), 404, code="ErrorNonExistentMailbox")
    assert api.get("bookingBusinesses").json()["value"] == []


def test_delete_twice_is_404_the_second_time(api):
    business_id = create(api, {"displayName": "Contoso"})["id"]
    api.delete(f"bookingBusinesses/{business_id}")

    assert_odata_error(api.delete(f"bookingBusinesses/{business_id}"), 404, code="ErrorNonExistentMailbox")


def test_delete_of_an_unknown_business_is_404_non_existent_mailbox(api):
    assert_odata_error(
        api.delete("bookingBusinesses/nobody@contoso.com"), 404, code="ErrorNonExistentMailbox"
    )


# --- publish / unpublish --------------------------------------------------------------------------


def test_publish_returns_204_and_sets_is_published_and_a_public_url(api):
    business_id = create(api, {"displayName": "Contoso"})["id"]

    response = api.post(f"bookingBusinesses/{business_id}/publish")

    assert response.status_code == 204
    assert response.content == b""
    business = api.get(f"bookingBusinesses/{business_id}").json()
    assert business["isPublished"] is True
    assert business["publicUrl"].startswith(("http://", "https://"))


def test_publish_twice_keeps_the_business_published(api):
    business_id = create(api, {"displayName": "Contoso"})["id"]
    api.post(f"bookingBusinesses/{business_id}/publish")
    url = api.get(f"bookingBusinesses/{business_id}").json()["publicUrl"]

    assert api.post(f"bookingBusinesses/{business_id}/publish").status_code == 204

    business = api.get(f"bookingBusinesses/{business_id}").json()
    assert business["isPublished"] is True
    assert business["publicUrl"] == url


def test_unpublish_returns_204_and_clears_the_public_url(api):
    business_id = create(api, {"displayName": "Contoso"})["id"]
    api.post(f"bookingBusinesses/{business_id}/publish")

    response = api.post(f"bookingBusinesses/{business_id}/unpublish")

    assert response.status_code == 204
    assert response.content == b""
    business = api.get(f"bookingBusinesses/{business_id}").json()
    assert business["isPublished"] is False
    assert business["publicUrl"] is None


def test_unpublish_of_an_unpublished_business_is_204(api):
    business_id = create(api, {"displayName": "Contoso"})["id"]

    assert api.post(f"bookingBusinesses/{business_id}/unpublish").status_code == 204
    assert api.get(f"bookingBusinesses/{business_id}").json()["isPublished"] is False


@pytest.mark.parametrize("action", ["publish", "unpublish"])
def test_publish_actions_on_an_unknown_business_are_404_non_existent_mailbox(api, action):
    assert_odata_error(
        api.post(f"bookingBusinesses/nobody@contoso.com/{action}"), 404, code="ErrorNonExistentMailbox"
    )


@pytest.mark.parametrize("action", ["publish", "unpublish"])
def test_publish_actions_accept_the_id_in_any_case(api, action):
    business = BusinessFactory(graph_id="Contoso@contoso.com")

    assert api.post(f"bookingBusinesses/CONTOSO@CONTOSO.COM/{action}").status_code == 204
    business.refresh_from_db()
    assert business.is_published is (action == "publish")


@pytest.mark.parametrize("action", ["publish", "unpublish"])
def test_publish_actions_do_not_answer_get(api, action):
    business = BusinessFactory()

    assert_odata_error(api.get(f"bookingBusinesses/{business.graph_id}/{action}"), 405)
