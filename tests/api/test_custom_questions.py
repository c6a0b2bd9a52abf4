"""``/solutions/bookingBusinesses/{id}/customQuestions``: what customers are asked when they book.

Graph v1.0: list and get answer 200, create 201 with the full entity, PATCH **200 with the updated
question** (not 204), DELETE 204. ``displayName`` is required; a ``radioButton`` question needs
options to choose from.
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
from tests.factories import CustomQuestionFactory

pytestmark = pytest.mark.django_db

QUESTION_TYPE = "#microsoft.graph.bookingCustomQuestion"
NATIONALITY = {
    "@odata.type": QUESTION_TYPE,
    "displayName": "What is your nationality?",
    "answerInputType": "radioButton",
    "answerOptions": ["US", "UK", "Canada", "India"],
}


QUESTIONS = Resource("customQuestions")
question_path = QUESTIONS.path


create = QUESTIONS.create


read = QUESTIONS.read


# --- List -----------------------------------------------------------------------------------------


def test_list_answers_a_value_envelope_with_the_business_context_and_typed_items(api, business):
    create(api, business, example("bookingcustomquestion-create.request.json"))
    create(api, business, NATIONALITY)

    response = api.get(question_path(business))

    assert response.status_code == 200
    body = response.json()
    assert body["@odata.context"] == business_context(MAILBOX, "customQuestions")
    assert [item["displayName"] for item in body["value"]] == [
        "What is your age?",
        "What is your nationality?",
    ]
    assert all(item["@odata.type"] == QUESTION_TYPE for item in body["value"])
    microsoft = example("bookingbusiness-list-customquestions.response.json")["value"]
    for ours, theirs in zip(body["value"], microsoft, strict=True):
        assert_same_shape(ours, theirs)


# --- Create ---------------------------------------------------------------------------------------


def test_create_with_microsofts_example_answers_201_with_the_full_question(api, business):
    response = api.post(question_path(business), example("bookingcustomquestion-create.request.json"))

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["@odata.type"] == QUESTION_TYPE
    assert body["@odata.context"] == business_context(MAILBOX, "customQuestions/$entity")
    assert uuid.UUID(body["id"])
    assert body["displayName"] == "What is your age?"
    assert body["answerInputType"] == "text"
    assert body["answerOptions"] == []
    assert_same_shape(body, example("bookingcustomquestion-create.response.json"))


def test_create_of_a_radio_button_question_keeps_its_options_in_order(api, business):
    body = create(api, business, NATIONALITY)

    assert body["answerInputType"] == "radioButton"
    assert body["answerOptions"] == ["US", "UK", "Canada", "India"]


def test_create_with_only_a_display_name_makes_a_text_question(api, business):
    body = create(api, business, {"displayName": "Anything else?"})

    assert body["answerInputType"] == "text"
    assert body["answerOptions"] == []


def test_created_question_reads_back_exactly_as_created(api, business):
    created = create(api, business, NATIONALITY)

    assert read(api, business, created["id"]) == created


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="missing"),
        pytest.param({"displayName": ""}, id="blank"),
        pytest.param({"displayName": None}, id="null"),
        pytest.param({"answerInputType": "text", "answerOptions": []}, id="other-members-only"),
    ],
)
def test_create_without_a_display_name_is_refused(api, business, body):
    response = api.post(question_path(business), body)

    assert_odata_error(response, 400, code="invalidRequest", member="displayName")
    assert not business.custom_questions.exists()


@pytest.mark.parametrize(
    ("changes", "member"),
    [
        pytest.param({"answerInputType": "checkbox"}, "answerInputType", id="unknown-input-type"),
        pytest.param({"answerInputType": "unknownFutureValue"}, "answerInputType", id="input-type-sentinel"),
        pytest.param({"answerInputType": "radioButton"}, "answerOptions", id="radio-button-without-options"),
        pytest.param(
            {"answerInputType": "radioButton", "answerOptions": []},
            "answerOptions",
            id="radio-button-no-options",
        ),
        pytest.param({"answerOptions": "US"}, "answerOptions", id="options-not-an-array"),
        pytest.param({"answerOptions": [1, 2]}, "answerOptions", id="options-not-strings"),
        pytest.param({"answerOptions": ["x" * 10_000]}, "answerOptions", id="huge-option"),
        pytest.param(
            {"answerOptions": [f"Option {n}" for n in range(1000)]}, "answerOptions", id="too-many-options"
        ),
        pytest.param({"displayName": "x" * 10_000}, "displayName", id="huge-question"),
        pytest.param({"displayName": ["What?"]}, "displayName", id="question-not-a-string"),
        pytest.param(
            {"@odata.type": "#microsoft.graph.bookingCustomer"}, "@odata.type", id="wrong-odata-type"
        ),
    ],
)
def test_create_with_bad_input_is_refused_naming_the_member(api, business, changes, member):
    response = api.post(question_path(business), {"displayName": "What is your age?", **changes})

    assert_odata_error(response, 400, code="invalidRequest", member=member)
    assert not business.custom_questions.exists()


# --- Get ------------------------------------------------------------------------------------------


def test_get_by_id_answers_the_question_with_its_entity_context(api, business):
    question = CustomQuestionFactory(business=business, display_name="What is your age?")

    body = read(api, business, question.pk)

    assert body["@odata.type"] == QUESTION_TYPE
    assert body["@odata.context"] == business_context(MAILBOX, "customQuestions/$entity")
    assert body["id"] == str(question.pk)
    assert_same_shape(body, example("bookingcustomquestion-get.response.json")["value"])


# --- Update: 200 with the updated question --------------------------------------------------------


def test_patch_with_microsofts_example_answers_200_with_the_updated_question(api, business):
    question = create(api, business, {"displayName": "How old are you?"})

    response = api.patch(
        question_path(business, question["id"]), example("bookingcustomquestion-update.request.json")
    )

    assert response.status_code == 200
    body = response.json()
    assert body["@odata.type"] == QUESTION_TYPE
    assert body["@odata.context"] == business_context(MAILBOX, "customQuestions/$entity")
    assert body["id"] == question["id"]
    assert body["displayName"] == "What is your age?"
    assert_same_shape(body, example("bookingcustomquestion-update.response.json"))
    assert read(api, business, question["id"]) == body


def test_patch_changes_only_the_members_it_names(api, business):
    question = create(api, business, NATIONALITY)

    body = api.patch(question_path(business, question["id"]), {"displayName": "Where are you from?"}).json()

    assert body["displayName"] == "Where are you from?"
    assert body["answerInputType"] == "radioButton"
    assert body["answerOptions"] == ["US", "UK", "Canada", "India"]
    assert body["createdDateTime"] == question["createdDateTime"]


def test_patch_can_turn_a_text_question_into_a_radio_button_question(api, business):
    question = create(api, business, {"displayName": "Where are you from?"})

    response = api.patch(
        question_path(business, question["id"]),
        {"answerInputType": "radioButton", "answerOptions": ["Here", "There"]},
    )

    assert response.status_code == 200
    assert response.json()["answerOptions"] == ["Here", "There"]


@pytest.mark.parametrize(
    ("question", "changes"),
    [
        pytest.param(
            {"displayName": "Age?"}, {"answerInputType": "radioButton"}, id="text-to-radio-without-options"
        ),
        pytest.param(NATIONALITY, {"answerOptions": []}, id="radio-loses-its-options"),
    ],
)
def test_patch_may_not_leave_a_radio_button_question_without_options(api, business, question, changes):
    created = create(api, business, question)

    response = api.patch(question_path(business, created["id"]), changes)

    assert_odata_error(response, 400, code="invalidRequest", member="answerOptions")
    assert read(api, business, created["id"]) == created


def test_patch_ignores_read_only_members(api, business):
    question = create(api, business, {"displayName": "Age?"})

    body = api.patch(
        question_path(business, question["id"]),
        {
            "id": str(uuid.uuid4()),
            "createdDateTime": "2000-01-01T00:00:00Z",
            "lastUpdatedDateTime": "2000-01-01T00:00:00Z",
            "displayName": "What is your age?",
        },
    ).json()

    assert body["id"] == question["id"]
    assert body["createdDateTime"] == question["createdDateTime"]
    assert body["lastUpdatedDateTime"] != "2000-01-01T00:00:00Z"
    assert body["displayName"] == "What is your age?"


@pytest.mark.parametrize(
    ("changes", "member"),
    [
        pytest.param({"displayName": ""}, "displayName", id="blank-question"),
        pytest.param({"displayName": "x" * 10_000}, "displayName", id="huge-question"),
        pytest.param({"answerInputType": "checkbox"}, "answerInputType", id="unknown-input-type"),
        pytest.param({"answerOptions": "US"}, "answerOptions", id="options-not-an-array"),
        pytest.param(
            {"@odata.type": "#microsoft.graph.bookingService"}, "@odata.type", id="wrong-odata-type"
        ),
    ],
)
def test_patch_with_bad_input_is_refused_and_changes_nothing(api, business, changes, member):
    created = create(api, business, NATIONALITY)

    response = api.patch(question_path(business, created["id"]), changes)

    assert_odata_error(response, 400, code="invalidRequest", member=member)
    assert read(api, business, created["id"]) == created


# --- Delete ---------------------------------------------------------------------------------------


def test_a_deleted_question_can_no_longer_be_assigned_to_a_service(api, business):
    question = create(api, business, {"displayName": "Age?"})
    api.delete(question_path(business, question["id"]))

    response = api.post(
        f"bookingBusinesses/{MAILBOX}/services",
        {"displayName": "Bento", "customQuestions": [{"questionId": question["id"]}]},
    )

    assert_odata_error(response, 400, code="invalidRequest", member="customQuestions")
