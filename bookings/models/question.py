from django.core.exceptions import ValidationError
from django.db import models

from ..enums import AnswerInputType
from .base import MirroredResource
from .business import Business


def validate_answer_options(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(option, str) for option in value):
        raise ValidationError("Answer options must be a list of strings.")
    if len(value) > 100 or any(len(option) > 500 for option in value):
        raise ValidationError("At most 100 answer options of at most 500 characters each.")


class CustomQuestion(MirroredResource):
    """A question customers answer when booking (``bookingCustomQuestion``)."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="custom_questions")
    display_name = models.CharField("question", max_length=1000)
    answer_input_type = models.CharField(
        max_length=20, choices=AnswerInputType.choices, default=AnswerInputType.TEXT
    )
    answer_options = models.JSONField(default=list, blank=True, validators=[validate_answer_options])

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(fields=["business", "graph_id"], name="question_graph_id_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name
