"""Failures answered the way Graph answers them (CONTRACT §5.4, §5.10, §6).

Every 4xx carries exactly ``{"error": {"code": str, "message": str, …}}``: never DRF's
``{"detail": …}``, never Django's HTML page, never a 500. Validation errors name the offending JSON
member, in the message and in ``details[].target``.
"""

from __future__ import annotations

import base64
import json

import pytest

from bookings.models import Business
from tests.api.graph_assertions import assert_odata_error
from tests.factories import BusinessFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

ONE_MIB = 1024 * 1024


def targets(error: dict) -> list[str]:
    return [detail["target"] for detail in error.get("details", [])]


@pytest.fixture
def business():
    return BusinessFactory(graph_id="contoso@contoso.com", display_name="Contoso")


def raw_post(api, path: str, body: bytes | str, content_type: str):
    return api.post(path, body, format=None, content_type=content_type)


# --- bodies ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        '{"displayName": "Contoso"',
        "{'displayName': 'Contoso'}",
        '{"displayName": NaN}',
        '{"displayName": Infinity}',
        b'{"displayName": "\xff\xfe"}',
    ],
    ids=["text", "truncated", "single-quotes", "nan", "infinity", "invalid-utf8"],
)
def test_a_body_that_is_not_valid_json_is_400(api, body):
    error = assert_odata_error(
        raw_post(api, "bookingBusinesses", body, "application/json"), 400, code="BadRequest"
    )

    assert "JSON" in error["message"]


def test_an_empty_create_body_is_400_naming_display_name(api):
    response = raw_post(api, "bookingBusinesses", "", "application/json")

    assert_odata_error(response, 400, code="invalidRequest", member="displayName")


@pytest.mark.parametrize("body", ['[{"displayName": "Contoso"}]', '"Contoso"', "42", "null", "true"])
def test_a_json_body_that_is_not_an_object_is_400(api, body):
    error = assert_odata_error(
        raw_post(api, "bookingBusinesses", body, "application/json"), 400, code="BadRequest"
    )

    assert "object" in error["message"]


def test_a_non_json_patch_body_is_400_and_changes_nothing(api, business):
    response = api.patch(
        f"bookingBusinesses/{business.graph_id}", "phone=1", format=None, content_type="application/json"
    )

    assert_odata_error(response, 400, code="BadRequest")
    business.refresh_from_db()
    assert business.phone == ""


def test_a_deeply_nested_body_is_400_not_500(api):
    body = '{"displayName": "Contoso", "address": ' + "[" * 100_000 + "]" * 100_000 + "}"

    assert_odata_error(raw_post(api, "bookingBusinesses", body, "application/json"), 400)


def test_a_number_with_too_many_digits_is_400_not_500(api):
    body = '{"displayName": ' + "1" * 5000 + "}"

    assert_odata_error(raw_post(api, "bookingBusinesses", body, "application/json"), 400)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", '{"displayName": "Contoso"}'),
        ("application/x-www-form-urlencoded", "displayName=Contoso"),
        (
            "multipart/form-data; boundary=xyz",
            '--xyz\r\nContent-Disposition: form-data; name="displayName"\r\n\r\nContoso\r\n--xyz--\r\n',
        ),
        ("application/xml", "<displayName>Contoso</displayName>"),
    ],
    ids=["text-plain", "form-encoded", "multipart", "xml"],
)
def test_a_body_that_is_not_json_by_content_type_is_415(api, content_type, body):
    assert_odata_error(raw_post(api, "bookingBusinesses", body, content_type), 415)


def test_json_with_a_charset_parameter_is_accepted(api):
    response = raw_post(
        api, "bookingBusinesses", '{"displayName": "Contoso"}', "application/json; charset=utf-8"
    )

    assert response.status_code == 201


def test_a_body_over_one_mebibyte_is_413(api):
    body = json.dumps({"displayName": "Contoso", "businessType": "x" * ONE_MIB})

    error = assert_odata_error(
        raw_post(api, "bookingBusinesses", body, "application/json"), 413, code="requestTooLarge"
    )

    assert "larger" in error["message"]


def test_a_patch_body_over_one_mebibyte_is_413(api, business):
    body = json.dumps({"businessType": "x" * ONE_MIB})

    response = api.patch(
        f"bookingBusinesses/{business.graph_id}", body, format=None, content_type="application/json"
    )

    assert_odata_error(response, 413, code="requestTooLarge")


@pytest.mark.parametrize(
    ("body", "target"),
    [
        ('{"displayName": "Con\\u0000toso"}', "displayName"),
        ('{"displayName": "\\ud800"}', "displayName"),
        ('{"displayName": "Contoso", "address": {"street": "1 Main\\u0000St"}}', "address.street"),
        ('{"displayName": "Contoso", "address": {"city": "\\udfff"}}', "address.city"),
        (
            '{"displayName": "Contoso", "businessHours": [{"day": "monday\\u0000", "timeSlots": []}]}',
            "businessHours[0].day",
        ),
        ('{"displayName": "Contoso", "unknown\\u0000member": 1}', ""),
    ],
    ids=["nul", "surrogate", "nested-nul", "nested-surrogate", "in-array", "in-member-name"],
)
def test_text_no_database_can_store_is_400_naming_the_member(api, body, target):
    # NUL is refused by PostgreSQL's text and jsonb; an unpaired surrogate cannot even be sent back as UTF-8.
    error = assert_odata_error(
        raw_post(api, "bookingBusinesses", body, "application/json"), 400, code="invalidRequest"
    )

    assert targets(error) == [target]
    assert error["message"].startswith(f"{target}: " if target else "The request body")
    assert not Business.objects.exists()


def test_characters_outside_the_basic_plane_are_accepted(api):
    body = '{"displayName": "Sushi \\ud83c\\udf63", "address": {"street": "\\ud83d\\ude00 Lane"}}'

    response = raw_post(api, "bookingBusinesses", body, "application/json")

    assert response.status_code == 201
    assert response.json()["displayName"] == "Sushi \U0001f363"
    assert response.json()["address"]["street"] == "\U0001f600 Lane"


# --- wrong values -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("member", "value"),
    [
        ("displayName", "x" * 10_000),
        ("businessType", "x" * 10_000),
        ("phone", "5" * 10_000),
        ("email", "a" * 10_000 + "@contoso.com"),
        ("webSiteUrl", "https://contoso.com/" + "x" * 10_000),
        ("languageTag", "en-" + "x" * 10_000),
    ],
    ids=lambda value: value if len(value) < 30 else f"{len(value)}-chars",
)
def test_huge_strings_are_400_naming_the_member(api, member, value):
    error = assert_odata_error(
        api.post("bookingBusinesses", {"displayName": "Contoso", member: value}), 400, code="invalidRequest"
    )

    assert set(targets(error)) == {member}
    assert error["message"].startswith(f"{member}:")


@pytest.mark.parametrize("member", ["street", "city", "state", "countryOrRegion", "postalCode"])
def test_huge_strings_inside_the_address_are_400_naming_the_nested_member(api, member):
    error = assert_odata_error(
        api.post("bookingBusinesses", {"displayName": "Contoso", "address": {member: "x" * 10_000}}), 400
    )

    assert targets(error) == [f"address.{member}"]


@pytest.mark.parametrize(
    ("body", "target"),
    [
        ({"displayName": 123}, "displayName"),
        ({"displayName": True}, "displayName"),
        ({"displayName": ["Contoso"]}, "displayName"),
        ({"displayName": {"text": "Contoso"}}, "displayName"),
        ({"displayName": "Contoso", "phone": 2065550100}, "phone"),
        ({"displayName": "Contoso", "email": "not an address"}, "email"),
        ({"displayName": "Contoso", "webSiteUrl": "not a url"}, "webSiteUrl"),
        ({"displayName": "Contoso", "defaultCurrencyIso": 840}, "defaultCurrencyIso"),
        ({"displayName": "Contoso", "address": "4567 Main Street"}, "address"),
        ({"displayName": "Contoso", "address": {"city": 7}}, "address.city"),
        ({"displayName": "Contoso", "schedulingPolicy": "x"}, "schedulingPolicy"),
        ({"displayName": "Contoso", "schedulingPolicy": []}, "schedulingPolicy"),
        (
            {"displayName": "Contoso", "schedulingPolicy": {"allowStaffSelection": "yes"}},
            "schedulingPolicy.allowStaffSelection",
        ),
        (
            {"displayName": "Contoso", "schedulingPolicy": {"sendConfirmationsToOwner": 1}},
            "schedulingPolicy.sendConfirmationsToOwner",
        ),
        ({"displayName": "Contoso", "businessHours": {"day": "monday"}}, "businessHours"),
        ({"displayName": "Contoso", "businessHours": "weekdays"}, "businessHours"),
        (
            {"displayName": "Contoso", "businessHours": [{"day": "funday", "timeSlots": []}]},
            "businessHours[0].day",
        ),
        (
            {"displayName": "Contoso", "businessHours": [{"day": "Monday", "timeSlots": []}]},
            "businessHours[0].day",
        ),
        ({"displayName": "Contoso", "businessHours": [{"timeSlots": []}]}, "businessHours[0].day"),
        (
            {
                "displayName": "Contoso",
                "businessHours": [
                    {"day": "monday", "timeSlots": [{"startTime": "25:00:00", "endTime": "26:00:00"}]}
                ],
            },
            "businessHours[0].timeSlots[0].startTime",
        ),
        (
            {
                "displayName": "Contoso",
                "businessHours": [
                    {"day": "monday", "timeSlots": [{"startTime": "nine", "endTime": "17:00:00"}]}
                ],
            },
            "businessHours[0].timeSlots[0].startTime",
        ),
        (
            {
                "displayName": "Contoso",
                "businessHours": [
                    {"day": "monday", "timeSlots": [{"startTime": "17:00:00", "endTime": "09:00:00"}]}
                ],
            },
            "businessHours[0].timeSlots[0]",
        ),
        (
            {"displayName": "Contoso", "bookingPageSettings": {"bookingPageColorCode": "red"}},
            "bookingPageSettings.bookingPageColorCode",
        ),
        (
            {"displayName": "Contoso", "bookingPageSettings": {"accessControl": "everyone"}},
            "bookingPageSettings.accessControl",
        ),
    ],
    ids=lambda value: json.dumps(value)[:60] if isinstance(value, dict) else value,
)
def test_wrong_json_types_and_values_are_400_naming_the_member(api, body, target):
    error = assert_odata_error(api.post("bookingBusinesses", body), 400, code="invalidRequest")

    assert targets(error) == [target]
    assert error["message"].startswith(f"{target}:")


def test_an_unknown_day_is_named_in_the_message(api):
    body = {"displayName": "Contoso", "businessHours": [{"day": "funday", "timeSlots": []}]}

    error = assert_odata_error(api.post("bookingBusinesses", body), 400)

    assert "funday" in error["message"]
    assert "businessHours[0].day" in error["message"]


def test_a_day_given_twice_is_400(api):
    week = [{"day": "monday", "timeSlots": []}, {"day": "monday", "timeSlots": []}]

    error = assert_odata_error(
        api.post("bookingBusinesses", {"displayName": "Contoso", "businessHours": week}), 400
    )

    assert targets(error) == ["businessHours"]


@pytest.mark.parametrize("member", ["timeSlotInterval", "minimumLeadTime", "maximumAdvance"])
@pytest.mark.parametrize("duration", ["PT", "P", "1 hour", "P1M", "P1Y", "PT-5M", "30", "PT1.5.5S", "", 30])
def test_malformed_durations_in_the_scheduling_policy_are_400(api, member, duration):
    policy = {
        "timeSlotInterval": "PT30M",
        "minimumLeadTime": "P1D",
        "maximumAdvance": "P365D",
        member: duration,
    }

    error = assert_odata_error(
        api.post("bookingBusinesses", {"displayName": "Contoso", "schedulingPolicy": policy}),
        400,
        code="invalidRequest",
    )

    assert targets(error) == [f"schedulingPolicy.{member}"]


def test_a_malformed_duration_in_a_patch_is_400_and_keeps_the_policy(api, business):
    response = api.patch(
        f"bookingBusinesses/{business.graph_id}", {"schedulingPolicy": {"timeSlotInterval": "PT"}}
    )

    assert_odata_error(response, 400, code="invalidRequest")
    assert (
        api.get(f"bookingBusinesses/{business.graph_id}").json()["schedulingPolicy"]["timeSlotInterval"]
        == "PT30M"
    )


def test_a_maximum_advance_shorter_than_the_lead_time_is_400(api):
    policy = {"minimumLeadTime": "P10D", "maximumAdvance": "P1D"}

    error = assert_odata_error(
        api.post("bookingBusinesses", {"displayName": "Contoso", "schedulingPolicy": policy}), 400
    )

    assert targets(error) == ["schedulingPolicy.maximumAdvance"]


@pytest.mark.parametrize("value", ["yes", 1, None, {"x": 1}])
def test_is_published_of_any_type_is_ignored_as_read_only(api, value):
    response = api.post("bookingBusinesses", {"displayName": "Contoso", "isPublished": value})

    assert response.status_code == 201
    assert response.json()["isPublished"] is False


def test_every_bad_member_is_listed_in_details(api):
    body = {"displayName": 1, "phone": 2, "schedulingPolicy": "x"}

    error = assert_odata_error(api.post("bookingBusinesses", body), 400)

    assert sorted(targets(error)) == ["displayName", "phone", "schedulingPolicy"]
    assert all(detail["code"] == "invalidValue" and detail["message"] for detail in error["details"])


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("post", "solutions/bookingBusinesses", "[]", 400),
        ("post", "solutions/bookingBusinesses", "x" * (ONE_MIB + 1), 413),
        ("post", "solutions/bookingBusinesses/contoso@contoso.com/publish", None, 401),
        ("get", "solutions/bookingBusinesses/nobody@contoso.com", None, 404),
        ("get", "nowhere", None, 404),
        ("put", "solutions/bookingBusinesses", "{}", 405),
    ],
    ids=["400", "413", "401", "404-mailbox", "404-path", "405"],
)
def test_errors_are_json(api, method, path, body, status):
    if status == 401:
        api.credentials()
    response = getattr(api, method)(f"/api/v1.0/{path}", body, format=None, content_type="application/json")

    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")


# --- unknown things -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", ""),
        ("patch", ""),
        ("delete", ""),
        ("post", "/publish"),
        ("post", "/unpublish"),
        ("get", "/staffMembers"),
        ("get", "/services"),
        ("get", "/customers"),
        ("get", "/customQuestions"),
        ("get", "/appointments"),
        ("get", "/calendarView?start=2030-01-01T00:00:00Z&end=2030-01-02T00:00:00Z"),
    ],
)
def test_an_unknown_business_id_is_404_non_existent_mailbox(api, method, suffix):
    error = assert_odata_error(
        getattr(api, method)(f"bookingBusinesses/nobody@contoso.com{suffix}"),
        404,
        code="ErrorNonExistentMailbox",
    )

    assert error["message"] == "The SMTP address has no mailbox associated with it."


def test_a_deleted_business_is_404_non_existent_mailbox(api):
    gone = BusinessFactory(is_active=False)

    assert_odata_error(api.get(f"bookingBusinesses/{gone.graph_id}"), 404, code="ErrorNonExistentMailbox")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1.0/",
        "/api/v1.0/me",
        "/api/v1.0/solutions",
        "/api/v1.0/solutions/bookingThings",
        "/api/v1.0/solutions/bookingBusinesses/contoso@contoso.com/reports",
        "/api/v1.0/solutions/bookingBusinesses/contoso@contoso.com/publish/now",
        "/api/beta/solutions/bookingBusinesses",
    ],
)
def test_an_unknown_path_under_the_api_is_404_odata(api, business, path):
    error = assert_odata_error(api.get(path), 404, code="itemNotFound")

    assert "segment" in error["message"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", "bookingBusinesses/contoso@contoso.com"),
        ("put", "bookingBusinesses"),
        ("patch", "bookingBusinesses"),
        ("delete", "bookingBusinesses"),
        ("delete", "bookingBusinesses/contoso@contoso.com/publish"),
        ("put", "bookingCurrencies"),
    ],
)
def test_an_unsupported_method_is_405_odata(api, business, method, path):
    response = getattr(api, method)(f"/api/v1.0/solutions/{path}", {"displayName": "Contoso"}, format="json")

    error = assert_odata_error(response, 405, code="notSupported")
    assert method.upper() in error["message"]
    business.refresh_from_db()
    assert business.is_active and business.display_name == "Contoso"


# --- query options and paging -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["bookingBusinesses", "bookingCurrencies", "bookingBusinesses/contoso@contoso.com/staffMembers"]
)
def test_filter_is_refused_with_graphs_message(api, business, path):
    error = assert_odata_error(api.get(path, {"$filter": "displayName eq 'Contoso'"}), 400)

    assert error["message"] == "This filter query is not supported."


@pytest.mark.parametrize(
    "query",
    [
        "$top=0",
        "$top=-1",
        "$top=abc",
        "$top=",
        "$top=1001",
        "$top=99999999999999999999",
        "$top=1.5",
        "$skip=-1",
        "$skip=x",
        "$skiptoken=garbage!",
        "$skiptoken=" + base64.urlsafe_b64encode(b"x:5").decode(),
        "$skiptoken=" + base64.urlsafe_b64encode(b"o:-5").decode(),
        "$skiptoken=",
        "$count=yes",
    ],
)
def test_bad_paging_options_are_400(api, business, query):
    error = assert_odata_error(api.get(f"bookingBusinesses?{query}"), 400, code="BadRequest")

    assert query.split("=")[0] in error["message"]


def test_top_of_the_maximum_is_accepted(api, business):
    response = api.get("bookingBusinesses?$top=1000")

    assert response.status_code == 200
    assert len(response.json()["value"]) == 1


def test_skip_skips_items(api):
    for name in ("A", "B", "C"):
        BusinessFactory(display_name=name)

    body = api.get("bookingBusinesses?$skip=1&$top=1").json()

    assert [item["displayName"] for item in body["value"]] == ["B"]
    assert "$skip=" not in body["@odata.nextLink"]


def test_a_skiptoken_past_the_end_is_an_empty_page(api, business):
    token = base64.urlsafe_b64encode(b"o:50").decode().rstrip("=")

    body = api.get(f"bookingBusinesses?$skiptoken={token}").json()

    assert body["value"] == []
    assert "@odata.nextLink" not in body


def test_count_is_case_insensitive(api, business):
    assert api.get("bookingBusinesses?$count=TRUE").json()["@odata.count"] == 1


def test_a_paging_number_in_non_ascii_digits_is_400(api, business):
    # "²".isdigit() is true, but int("²") raises: the check must accept ASCII digits only.
    for query in ("$top=\u00b2", "$skip=\u00b2"):
        assert_odata_error(api.get(f"bookingBusinesses?{query}"), 400, code="BadRequest")


@pytest.mark.parametrize("offset", ["9" * 12, "9" * 25, "9" * 60], ids=lambda offset: f"{len(offset)}-digits")
def test_a_skiptoken_with_an_offset_beyond_any_collection_is_an_empty_page_or_400(api, business, offset):
    # A forged token must not reach the database as an out-of-range integer (500 or a bogus 409).
    token = base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")

    response = api.get(f"bookingBusinesses?$skiptoken={token}")

    if response.status_code == 200:
        assert response.json()["value"] == []
    else:
        assert_odata_error(response, 400, code="BadRequest")


def test_a_nul_in_a_business_id_is_404_non_existent_mailbox(api, business):
    # PostgreSQL refuses NUL in a query parameter; the id can name no mailbox, so it is a 404.
    assert_odata_error(
        api.get("bookingBusinesses/contoso%00@contoso.com"), 404, code="ErrorNonExistentMailbox"
    )


def test_a_nul_in_the_list_query_matches_no_business(api, business):
    response = api.get("bookingBusinesses?query=Con%00toso")

    assert response.status_code == 200
    assert response.json()["value"] == []


# --- path casing --------------------------------------------------------------------------------


def test_path_segments_are_case_insensitive(api, business):
    StaffMemberFactory(business=business, display_name="Dana Swope")

    response = api.get("/api/v1.0/solutions/bookingbusinesses/contoso@contoso.com/STAFFMEMBERS")

    assert response.status_code == 200
    assert [item["displayName"] for item in response.json()["value"]] == ["Dana Swope"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/api/v1.0/SOLUTIONS/BOOKINGBUSINESSES", 200),
        ("get", "/api/v1.0/solutions/bookingbusinesses/CONTOSO@contoso.com", 200),
        ("post", "/api/v1.0/solutions/bookingbusinesses/contoso@contoso.com/PUBLISH", 204),
        ("post", "/api/v1.0/solutions/BookingBusinesses/contoso@contoso.com/UnPublish", 204),
        ("get", "/api/v1.0/solutions/bookingcurrencies/usd", 200),
    ],
)
def test_every_literal_path_segment_is_case_insensitive(api, business, method, path, status):
    assert getattr(api, method)(path).status_code == status


def test_a_create_through_a_lower_case_path_answers_with_graphs_context(api):
    response = api.post("/api/v1.0/solutions/bookingbusinesses", {"displayName": "Contoso"})

    assert response.status_code == 201
    assert response.json()["@odata.context"].endswith("$metadata#bookingBusinesses/$entity")


# --- OpenAPI ------------------------------------------------------------------------------------


def test_the_openapi_schema_describes_the_business_paths(anonymous):
    response = anonymous.get("/api/schema/")

    assert response.status_code == 200
    schema = response.content.decode()
    assert "/api/v1.0/solutions/bookingBusinesses:" in schema
    assert "/api/v1.0/solutions/bookingBusinesses/{business_id}:" in schema
    assert "/api/v1.0/solutions/bookingBusinesses/{business_id}/publish:" in schema
    assert "/api/v1.0/solutions/bookingCurrencies:" in schema


def test_the_openapi_schema_is_available_as_json(anonymous):
    response = anonymous.get("/api/schema/?format=json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1.0/solutions/bookingBusinesses" in paths
    assert {"get", "post"} <= set(paths["/api/v1.0/solutions/bookingBusinesses"])
