"""``/solutions/bookingBusinesses/{id}/customers``: the people who book.

Graph: list and get answer 200, create 201 with the full entity, PATCH **200 with the updated
customer** (not 204), DELETE 204. A business has one customer per e-mail address.
"""

import uuid

import pytest

from tests.api.conftest import MAILBOX
from tests.api.graph_assertions import (
    Resource,
    assert_odata_error,
    assert_same_shape,
    business_context,
)
from tests.conftest import example
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

CUSTOMER_TYPE = "#microsoft.graph.bookingCustomer"


CUSTOMERS = Resource("customers")
customer_path = CUSTOMERS.path


create = CUSTOMERS.create


read = CUSTOMERS.read


def joni(**changes):
    return {**example("bookingcustomer-create.request.json"), **changes}


# --- List -----------------------------------------------------------------------------------------


def test_list_answers_a_value_envelope_with_the_business_context_and_typed_items(api, business):
    create(api, business, joni())
    CustomerFactory(business=business, display_name="Bob Kelly", email_address="bobk@tailspintoys.com")

    response = api.get(customer_path(business))

    assert response.status_code == 200
    body = response.json()
    assert body["@odata.context"] == business_context(MAILBOX, "customers")
    assert [item["displayName"] for item in body["value"]] == ["Bob Kelly", "Joni Sherman"]
    assert all(item["@odata.type"] == CUSTOMER_TYPE for item in body["value"])
    microsoft = example("bookingbusiness-list-customers.response.json")["value"]
    assert_same_shape(body["value"][0], microsoft[0])
    assert_same_shape(body["value"][1], microsoft[1])


# --- Create ---------------------------------------------------------------------------------------


def test_create_with_microsofts_example_answers_201_with_the_full_customer(api, business):
    response = api.post(customer_path(business), joni())

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["@odata.type"] == CUSTOMER_TYPE
    assert body["@odata.context"] == business_context(MAILBOX, "customers/$entity")
    assert uuid.UUID(body["id"])
    assert body["displayName"] == "Joni Sherman"
    assert body["emailAddress"] == "jonis@relecloud.com"
    assert body["phones"] == [
        {"number": "206-555-0100", "type": "home"},
        {"number": "206-555-0200", "type": "business"},
    ]
    # Every address member Microsoft sends comes back, the beta ones (postOfficeBox, type) included.
    for ours, sent in zip(body["addresses"], joni()["addresses"], strict=True):
        assert {key: ours[key] for key in sent} == sent
    assert_same_shape(body, example("bookingcustomer-create.response.json"))


def test_created_customer_reads_back_exactly_as_created(api, business):
    created = create(api, business, joni())

    body = read(api, business, created["id"])

    assert body == created
    assert_same_shape(body, example("bookingcustomer-get.response.json"))


def test_create_with_only_a_name_makes_a_customer_without_contact_details(api, business):
    body = create(api, business, {"@odata.type": CUSTOMER_TYPE, "displayName": "Walk-in"})

    assert body["emailAddress"] == ""
    assert body["addresses"] == []
    assert body["phones"] == []


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"emailAddress": "jonis@relecloud.com"}, id="missing"),
        pytest.param({"displayName": "", "emailAddress": "jonis@relecloud.com"}, id="blank"),
        pytest.param({"displayName": None}, id="null"),
    ],
)
def test_create_without_a_display_name_is_refused(api, business, body):
    response = api.post(customer_path(business), body)

    assert_odata_error(response, 400, code="invalidRequest", member="displayName")
    assert not business.customers.exists()


LONG = "x" * 10_000


@pytest.mark.parametrize(
    ("changes", "member"),
    [
        pytest.param({"emailAddress": "jonis-at-relecloud.com"}, "emailAddress", id="invalid-email"),
        pytest.param({"emailAddress": f"{LONG}@relecloud.com"}, "emailAddress", id="huge-email"),
        pytest.param({"emailAddress": ["jonis@relecloud.com"]}, "emailAddress", id="email-not-a-string"),
        pytest.param({"displayName": LONG}, "displayName", id="huge-name"),
        pytest.param({"displayName": 7}, "displayName", id="name-not-a-string"),
        pytest.param({"phones": "206-555-0100"}, "phones", id="phones-not-an-array"),
        pytest.param({"phones": [{"number": 2065550100}]}, "phones", id="phone-number-not-a-string"),
        pytest.param({"phones": [{"number": LONG}]}, "phones", id="huge-phone-number"),
        pytest.param({"addresses": {"city": "Buffalo"}}, "addresses", id="addresses-not-an-array"),
        pytest.param({"addresses": [{"street": LONG}]}, "addresses", id="huge-street"),
        pytest.param({"addresses": [{"city": 14201}]}, "addresses", id="city-not-a-string"),
        pytest.param(
            {"@odata.type": "#microsoft.graph.bookingStaffMember"}, "@odata.type", id="wrong-odata-type"
        ),
    ],
)
def test_create_with_bad_input_is_refused_naming_the_member(api, business, changes, member):
    response = api.post(customer_path(business), joni(**changes))

    assert_odata_error(response, 400, code="invalidRequest", member=member)
    assert not business.customers.exists()


# --- One customer per e-mail address --------------------------------------------------------------


@pytest.mark.parametrize("email", ["jonis@relecloud.com", "JoniS@Relecloud.COM"])
def test_a_second_customer_with_the_same_email_is_refused_whatever_its_case(api, business, email):
    first = create(api, business, joni())

    response = api.post(customer_path(business), joni(displayName="Joni S.", emailAddress=email))

    assert_odata_error(response, 400, code="invalidRequest", member="emailAddress")
    assert [item["id"] for item in api.get(customer_path(business)).json()["value"]] == [first["id"]]


def test_the_same_email_may_be_a_customer_of_another_business(api, business):
    CustomerFactory(email_address="jonis@relecloud.com")

    create(api, business, joni())


def test_the_email_of_a_deleted_customer_may_be_used_again(api, business):
    first = create(api, business, joni())
    api.delete(customer_path(business, first["id"]))

    second = create(api, business, joni())

    assert second["id"] != first["id"]


def test_customers_without_an_email_do_not_collide(api, business):
    create(api, business, {"displayName": "Walk-in"})

    create(api, business, {"displayName": "Another walk-in", "emailAddress": ""})


def test_patch_to_another_customers_email_is_refused(api, business):
    create(api, business, joni())
    adele = create(api, business, {"displayName": "Adele Vance", "emailAddress": "adelev@proseware.com"})

    response = api.patch(customer_path(business, adele["id"]), {"emailAddress": "JONIS@relecloud.com"})

    assert_odata_error(response, 400, code="invalidRequest", member="emailAddress")
    assert read(api, business, adele["id"]) == adele


def test_patch_may_change_the_case_of_a_customers_own_email(api, business):
    joni_created = create(api, business, joni())

    response = api.patch(customer_path(business, joni_created["id"]), {"emailAddress": "JoniS@relecloud.com"})

    assert response.status_code == 200
    assert response.json()["emailAddress"] == "JoniS@relecloud.com"


# --- Get ------------------------------------------------------------------------------------------


def test_get_by_id_answers_the_customer_with_its_entity_context(api, business):
    customer = CustomerFactory(
        business=business, display_name="Adele Vance", email_address="adelev@proseware.com"
    )

    body = read(api, business, customer.pk)

    assert body["@odata.type"] == CUSTOMER_TYPE
    assert body["@odata.context"] == business_context(MAILBOX, "customers/$entity")
    assert body["id"] == str(customer.pk)
    assert body["displayName"] == "Adele Vance"


# --- Update: 200 with the updated customer --------------------------------------------------------


def test_patch_with_microsofts_example_answers_200_with_the_updated_customer(api, business):
    created = create(api, business, joni())

    response = api.patch(
        customer_path(business, created["id"]), example("bookingcustomer-update.request.json")
    )

    assert response.status_code == 200
    body = response.json()
    assert body["@odata.type"] == CUSTOMER_TYPE
    assert body["@odata.context"] == business_context(MAILBOX, "customers/$entity")
    assert body["id"] == created["id"]
    assert body["displayName"] == "Adele"
    assert body["emailAddress"] == "adele@relecloud.com"
    assert_same_shape(body, example("bookingcustomer-update.response.json"))
    assert read(api, business, created["id"]) == body


def test_patch_changes_only_the_members_it_names(api, business):
    created = create(api, business, joni())

    body = api.patch(customer_path(business, created["id"]), {"displayName": "Joni"}).json()

    assert body["displayName"] == "Joni"
    unchanged = {"displayName", "lastUpdatedDateTime"}
    assert {k: v for k, v in body.items() if k not in unchanged} == {
        k: v for k, v in created.items() if k not in unchanged
    }


def test_patch_replaces_the_phones_and_addresses_it_is_given(api, business):
    created = create(api, business, joni())

    body = api.patch(
        customer_path(business, created["id"]),
        {"phones": [{"number": "206-555-0199", "type": "mobile"}], "addresses": []},
    ).json()

    assert body["phones"] == [{"number": "206-555-0199", "type": "mobile"}]
    assert body["addresses"] == []


def test_patch_ignores_read_only_members(api, business):
    created = create(api, business, joni())

    body = api.patch(
        customer_path(business, created["id"]),
        {
            "id": str(uuid.uuid4()),
            "createdDateTime": "2000-01-01T00:00:00Z",
            "lastUpdatedDateTime": "2000-01-01T00:00:00Z",
            "displayName": "Joni",
        },
    ).json()

    assert body["id"] == created["id"]
    assert body["createdDateTime"] == created["createdDateTime"]
    assert body["lastUpdatedDateTime"] != "2000-01-01T00:00:00Z"
    assert body["displayName"] == "Joni"


@pytest.mark.parametrize(
    ("changes", "member"),
    [
        pytest.param({"displayName": ""}, "displayName", id="blank-name"),
        pytest.param({"emailAddress": "nope"}, "emailAddress", id="invalid-email"),
        pytest.param({"phones": [{"number": 5}]}, "phones", id="phone-number-not-a-string"),
        pytest.param({"addresses": [{"street": LONG}]}, "addresses", id="huge-street"),
        pytest.param(
            {"@odata.type": "#microsoft.graph.bookingCustomQuestion"}, "@odata.type", id="wrong-odata-type"
        ),
    ],
)
def test_patch_with_bad_input_is_refused_and_changes_nothing(api, business, changes, member):
    created = create(api, business, joni())

    response = api.patch(customer_path(business, created["id"]), changes)

    assert_odata_error(response, 400, code="invalidRequest", member=member)
    assert read(api, business, created["id"]) == created


# --- Delete ---------------------------------------------------------------------------------------
