"""A model field that stores a Graph complex value (``bookings.values``) as JSON.

The attribute on the model is the typed, validated value (``business.scheduling_policy`` is a
``SchedulingPolicy`` with ``timedelta`` members); the column holds Graph's JSON for it, so the
database stays readable and the admin edits it as JSON that is validated on save.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from .values import GraphValue, GraphValueError, read_many, write_many


class JSONTextField(forms.JSONField):
    """A readable (indented) JSON textarea where an empty box means ``empty_value``, not NULL."""

    widget = forms.Textarea(attrs={"rows": 6, "cols": 80})

    def __init__(self, *args: Any, empty_value: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, empty_value=empty_value, **kwargs)

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values and not self.disabled:
            return self.empty_value
        return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2, cls=self.encoder)


def json_formfield(field: models.JSONField, **kwargs: Any) -> forms.Field:
    """The form field for a JSON column: its default shown as JSON, an emptied list kept a list."""
    if field.has_default():
        default = field.get_default()
        kwargs.setdefault("initial", field.dump(default) if isinstance(field, ValueField) else default)
    if field.blank and not field.null:
        kwargs.setdefault("empty_value", [])
    return models.Field.formfield(
        field, **{"form_class": JSONTextField, "encoder": field.encoder, "decoder": field.decoder, **kwargs}
    )


class ValueField(models.JSONField):
    """JSON column holding one ``GraphValue`` (or, with ``many=True``, a tuple of them)."""

    def __init__(self, *args: Any, value_type: type[GraphValue], many: bool = False, **kwargs: Any) -> None:
        self.value_type = value_type
        self.many = many
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[Any, ...]:
        name, path, args, kwargs = super().deconstruct()
        kwargs["value_type"] = self.value_type
        if self.many:
            kwargs["many"] = True
        return name, path, args, kwargs

    # -- conversions ---------------------------------------------------------------------------
    def load(self, data: Any) -> Any:
        """Graph JSON (or an already typed value) -> typed value; raises ``GraphValueError``."""
        if data is None:
            # An emptied collection (a blank admin box) is an empty collection, never NULL.
            return () if self.many else None
        if self.many:
            return read_many(self.value_type, list(data) if isinstance(data, tuple) else data)
        return self.value_type.from_graph(data)

    def dump(self, value: Any) -> Any:
        if value is None:
            return None
        if self.many:
            return write_many(value)
        return value.to_graph()

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if isinstance(value, str) and len(value) <= _MEMO_MAX_TEXT:
            # Typed values are frozen, so rows holding the same JSON (every staff member's working
            # hours, say) share one decoded value instead of decoding it on every read.
            return _decoded(self, value)
        return self._load_db(value, expression, connection)

    def _load_db(self, value: Any, expression: Any, connection: Any) -> Any:
        data = super().from_db_value(value, expression, connection)
        try:
            return self.load(data)
        except GraphValueError:
            # A row written before a rule got stricter must still load; the admin shows it raw.
            return data

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                raise ValidationError("Enter valid JSON.", code="invalid") from None
        try:
            return self.load(value)
        except GraphValueError as error:
            raise ValidationError(str(error), code="invalid") from None

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, GraphValue) or (
            isinstance(value, tuple | list) and value and isinstance(value[0], GraphValue)
        ):
            value = self.dump(value)
        return super().get_prep_value(value)

    def validate(self, value: Any, model_instance: Any) -> None:
        super().validate(self.dump(value) if not isinstance(value, dict | list) else value, model_instance)

    def value_from_object(self, obj: Any) -> Any:
        value = super().value_from_object(obj)
        return self.dump(value) if isinstance(value, GraphValue | tuple) else value

    def value_to_string(self, obj: Any) -> Any:
        return self.value_from_object(obj)

    def formfield(self, **kwargs: Any) -> forms.Field:
        return json_formfield(self, **kwargs)


_MEMO_MAX_TEXT = 20_000


@functools.lru_cache(maxsize=4096)
def _decoded_text(field: ValueField, text: str) -> Any:
    return field._load_db(text, None, None)  # JSON text needs neither expression nor connection


def _decoded(field: ValueField, text: str) -> Any:
    value = _decoded_text(field, text)
    # A raw (not typed) fallback is a mutable dict or list: never share that between rows.
    return value if not isinstance(value, dict | list) else field._load_db(text, None, None)
