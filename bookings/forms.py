"""Forms of the customer pages: they turn raw request data into checked values or field errors.

They only translate and check shapes; whether a time is free, a staff member may be chosen or an
answer fits its question is decided by ``booking`` and ``answers``, whose errors the views put back
on these forms.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import available_timezones

from django import forms
from django.core.exceptions import ValidationError

from .answers import MAX_ANSWER_LENGTH
from .enums import AnswerInputType
from .models import ServiceQuestion, StaffMember

MAX_NAME_LENGTH = 255
MAX_NOTES_LENGTH = 2000
MAX_MESSAGE_LENGTH = 1000
_REQUEST_KEY = re.compile(r"^[0-9a-f]{32}$")


@cache
def time_zone_choices() -> tuple[tuple[str, str], ...]:
    """Every IANA zone a customer may pick, by name (``Europe/Paris``), in alphabetical order."""
    names = sorted(name for name in available_timezones() if "/" in name or name == "UTC")
    return tuple((name, name.replace("_", " ")) for name in names)


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(name for name, _label in time_zone_choices())


class TimeZoneChoice(forms.CharField):
    """One of ``time_zone_choices`` by name. Checked against a set: a ``ChoiceField`` would copy
    the ~600 choices on every request, which costs more than the rest of a cached slot look-up."""

    def __init__(self, **kwargs) -> None:
        super().__init__(required=False, max_length=64, **kwargs)

    def validate(self, value: str) -> None:
        super().validate(value)
        if value and value not in _zone_names():
            raise ValidationError("Pick a time zone from the list.", code="invalid_choice")


class SlotStart(forms.Field):
    """A slot's start as the pages send it (``display.slot_value``): an ISO 8601 instant."""

    default_error_messages = {"invalid": "This time is not valid. Please pick a time from the list."}

    def to_python(self, value: str | None) -> datetime | None:
        if value in (None, ""):
            return None
        text = str(value).strip()
        if len(text) > 40:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if moment.tzinfo is None or not (1900 <= moment.year <= 8999):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return moment.astimezone(UTC)


class SlotPickerForm(forms.Form):
    """The slot picker's query string: which week, in which zone, with whom."""

    tz = TimeZoneChoice(label="Time zone")
    staff = forms.ChoiceField(label="Staff member", required=False)
    week = forms.DateField(
        label="Week starting", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, staff_members: list[StaffMember], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = [("", "Anyone available")] + [
            (str(member.pk), member.display_name) for member in staff_members
        ]

    def clean_week(self) -> date | None:
        week = self.cleaned_data.get("week")
        if week is not None and not (1900 <= week.year <= 8999):
            raise ValidationError("Pick a date between the years 1900 and 8999.")
        return week


class SlotQueryForm(forms.Form):
    """The slots JSON's query string; unlike the picker's, a bad value is an error, not a default."""

    MAX_DAYS = 62

    tz = TimeZoneChoice()
    staff = forms.UUIDField(required=False)
    start = forms.DateField(required=False)
    days = forms.IntegerField(required=False, min_value=1, max_value=MAX_DAYS)

    def clean_start(self) -> date | None:
        start = self.cleaned_data.get("start")
        if start is not None and not (1900 <= start.year <= 8999):
            raise ValidationError("Pick a date between the years 1900 and 8999.")
        return start

    def clean_days(self) -> int | None:
        if not str(self.data.get("days", "")).isascii():  # int() would read other scripts' digits
            raise ValidationError("Enter a whole number.")
        return self.cleaned_data.get("days")


class BookingForm(forms.Form):
    """The details page: who is booking, their answers, and the slot they picked (hidden)."""

    start = SlotStart(widget=forms.HiddenInput)
    staff = forms.CharField(required=False, widget=forms.HiddenInput, max_length=36)
    tz = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)
    request_key = forms.CharField(widget=forms.HiddenInput, max_length=32)
    name = forms.CharField(label="Your name", max_length=MAX_NAME_LENGTH)
    email = forms.EmailField(label="E-mail address", max_length=254)
    phone = forms.CharField(label="Phone number", required=False, max_length=40)
    notes = forms.CharField(
        label="Anything we should know?",
        required=False,
        max_length=MAX_NOTES_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, questions: list[ServiceQuestion], email_locked: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for assignment in questions:
            self.fields[self.answer_field(assignment)] = _question_field(assignment)
        if email_locked:
            # A signed-in customer books under their account's address, so "My bookings" finds it.
            self.fields["email"].disabled = True
            self.fields["email"].help_text = "The address of your account."
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"

    @staticmethod
    def answer_field(assignment: ServiceQuestion) -> str:
        return f"answer_{assignment.question_id}"

    def clean_request_key(self) -> str:
        key = self.cleaned_data["request_key"]
        if not _REQUEST_KEY.match(key):
            raise ValidationError("This form has expired. Please pick your time again.")
        return key

    def clean_staff(self) -> str | None:
        staff = self.cleaned_data.get("staff") or None
        if staff is not None:
            try:
                uuid.UUID(staff)
            except ValueError:
                raise ValidationError("This staff member is not valid.") from None
        return staff

    def answers(self) -> dict[str, str]:
        """The answers keyed by question id, as ``booking.book`` takes them."""
        return {
            str(assignment.question_id): self.cleaned_data.get(self.answer_field(assignment)) or ""
            for assignment in self.questions
        }

    def answer_fields(self) -> list[forms.BoundField]:
        return [self[self.answer_field(assignment)] for assignment in self.questions]

    def add_answer_errors(self, errors: dict[str, str]) -> None:
        """Put ``InvalidAnswers`` messages (keyed by question id) on the questions' fields."""
        by_question = {str(assignment.question_id): assignment for assignment in self.questions}
        for key, message in errors.items():
            assignment = by_question.get(key)
            self.add_error(self.answer_field(assignment) if assignment else None, message)


def _question_field(assignment: ServiceQuestion) -> forms.Field:
    question = assignment.question
    if question.answer_input_type == AnswerInputType.RADIO_BUTTON:
        return forms.ChoiceField(
            label=question.display_name,
            required=assignment.is_required,
            choices=[(option, option) for option in question.answer_options or ()],
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": "Choose one of the options."},
        )
    return forms.CharField(
        label=question.display_name,
        required=assignment.is_required,
        max_length=MAX_ANSWER_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CancelForm(forms.Form):
    message = forms.CharField(
        label="Message to the business (optional)",
        required=False,
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RescheduleForm(forms.Form):
    start = SlotStart()
