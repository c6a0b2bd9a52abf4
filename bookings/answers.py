"""Customers' answers to a service's custom questions: checked and shaped as Bookings stores them.

Pure over the assignments it is given (no queries of its own), so the booking pages and the API
check answers the same way before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from .enums import AnswerInputType
from .exceptions import InvalidAnswers
from .values import QuestionAnswer

MAX_ANSWER_LENGTH = 2000


class _Question(Protocol):
    pk: Any
    display_name: str
    answer_input_type: str
    answer_options: list[str]


class _Assignment(Protocol):
    question: _Question
    is_required: bool


def answers_for_service(
    service_questions: Iterable[_Assignment], given: Mapping[Any, str | Sequence[str]]
) -> tuple[QuestionAnswer, ...]:
    """The answers to store for the questions asked (``service_questions``, in position order).

    ``given`` holds the customer's raw answers keyed by question id (the portal's id, as a string):
    a string, or a sequence of strings (the options ticked). Every question asked gets an answer
    value, unanswered optional ones an empty one. Raises ``InvalidAnswers`` naming each question
    whose answer is missing (required), too long, not one of the options, or not asked at all.
    """
    raw = {str(key): value for key, value in given.items()}
    errors: dict[str, str] = {}
    answers = []
    for assignment in service_questions:
        question = assignment.question
        key = str(question.pk)
        choices = _choices(raw.pop(key, None))
        if choices is None:
            errors[key] = "This answer is not valid."
            continue
        if not choices and assignment.is_required:
            errors[key] = "This question needs an answer."
            continue
        is_radio = question.answer_input_type == AnswerInputType.RADIO_BUTTON
        options = tuple(question.answer_options or ())
        if len(choices) > 1:
            errors[key] = "Choose one answer." if is_radio else "Give one answer."
            continue
        if is_radio and choices and choices[0] not in options:
            errors[key] = "Choose one of the options."
            continue
        if not is_radio and choices and len(choices[0].strip()) > MAX_ANSWER_LENGTH:
            errors[key] = f"Keep the answer to {MAX_ANSWER_LENGTH} characters or fewer."
            continue
        answers.append(
            QuestionAnswer(
                question_id=key,
                question=question.display_name,
                answer_input_type=_input_type(question.answer_input_type),
                answer_options=options,
                is_required=assignment.is_required,
                answer=None if is_radio else (choices[0].strip() if choices else ""),
                selected_options=tuple(choices) if is_radio else (),
            )
        )
    for key in raw:
        errors[key] = "This question is not asked for this service."
    if errors:
        raise InvalidAnswers(errors)
    return tuple(answers)


def raw_answers(stored: Iterable[QuestionAnswer]) -> dict[str, str | list[str]]:
    """Stored answers back in the form ``answers_for_service`` takes, to ask them again elsewhere
    (a seat moved to another session keeps the customer's answers)."""
    raw: dict[str, str | list[str]] = {}
    for answer in stored:
        if answer.question_id:
            picked = list(answer.selected_options)
            raw[answer.question_id] = picked if picked else (answer.answer or "")
    return raw


def _choices(value: Any) -> list[str] | None:
    """The non-blank answers in a raw value; ``None`` for a value of the wrong type."""
    if value is None:
        return []
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, Sequence) or not all(isinstance(item, str) for item in values):
        return None
    return [item for item in values if item.strip()]


def _input_type(value: str) -> AnswerInputType:
    try:
        return AnswerInputType(value)
    except ValueError:
        return AnswerInputType.TEXT
