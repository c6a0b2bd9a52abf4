from __future__ import annotations

import json
import re
from typing import NoReturn

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from .errors import ODataError, PayloadTooLarge

# Graph bodies are small; a larger one is a mistake or an attack, refused before it is read.
MAX_BODY_BYTES = getattr(settings, "API_MAX_BODY_BYTES", 1024 * 1024)
# JSON may escape characters no stored text can hold: NUL (PostgreSQL refuses it in text and jsonb)
# and unpaired UTF-16 surrogates (not encodable as UTF-8, so not even the response could carry them).
UNSTORABLE_CHARACTERS = re.compile("[\x00\ud800-\udfff]")


class GraphJSONParser(parsers.JSONParser):
    """JSON only, size-limited, and the body must be a JSON object, as every Graph body is."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            raise PayloadTooLarge(f"The request body is larger than {MAX_BODY_BYTES} bytes.")
        raw = stream.read(MAX_BODY_BYTES + 1) if stream is not None else b""
        if len(raw) > MAX_BODY_BYTES:
            raise PayloadTooLarge(f"The request body is larger than {MAX_BODY_BYTES} bytes.")
        encoding = (parser_context or {}).get("encoding", "utf-8")
        try:
            data = json.loads(raw.decode(encoding), parse_constant=_refuse_constant)
        except (ValueError, UnicodeDecodeError) as error:
            raise ParseError(f"The request body is not valid JSON: {error}") from None
        except RecursionError:
            # json's decoder recurses once per nesting level; a small body of ``[[[[…`` exhausts the stack.
            raise ParseError("The request body is not valid JSON: it is nested too deeply.") from None
        if not isinstance(data, dict):
            raise ParseError("The request body must be a JSON object.")
        _refuse_unstorable_text(data)
        return data


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def _refuse_unstorable_text(data: dict) -> None:
    """Refuse a body whose strings (member names included) hold a NUL or an unpaired surrogate,
    naming the member as validation errors do (``address.street``, ``businessHours[0].day``)."""
    pending: list[tuple[str, object]] = [("", data)]  # iterative: the body may nest ~1000 levels deep
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            if UNSTORABLE_CHARACTERS.search(value):
                _fail(path, "holds a NUL character or an unpaired surrogate")
        elif isinstance(value, dict):
            for key, item in value.items():
                if UNSTORABLE_CHARACTERS.search(key):
                    _fail(path, "has a member name with a NUL character or an unpaired surrogate")
                pending.append((f"{path}.{key}" if path else key, item))
        elif isinstance(value, list):
            pending.extend((f"{path}[{index}]", item) for index, item in enumerate(value))


def _fail(path: str, problem: str) -> NoReturn:
    target = path[:200]
    message = f"{target}: {problem}." if target else f"The request body {problem}."
    # The same code and shape as a serializer's validation error: the body parsed, a value is wrong.
    raise ODataError(
        message,
        code="invalidRequest",
        details=[{"code": "invalidValue", "message": problem, "target": target}],
    )
