"""OpenAPI description of the Graph-shaped API (drf-spectacular), from the same serializers."""

from __future__ import annotations

import re

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_object_type

_PREFIX_SEGMENTS = {"api", "v1.0", "solutions"}
# Every refusal (bad input, no token, no access, no such item, conflict, …) is Graph's error object.
ODATA_ERROR = build_object_type(
    properties={
        "error": build_object_type(
            properties={
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {"type": "array", "items": {"type": "object"}},
                "innerError": {"type": "object"},
            },
            required=["code", "message"],
        )
    },
    required=["error"],
)


_ACTIONS = {"publish", "unpublish", "cancel"}


def _segments(path: str) -> list[str]:
    return [segment for segment in path.split("/") if segment and segment not in _PREFIX_SEGMENTS]


class GraphAutoSchema(AutoSchema):
    """Finds each view's serializer through its ``ResourceSpec`` and names operations after paths."""

    def get_operation_id(self) -> str:
        segments = _segments(self.path)
        words = [re.sub(r"^\{(\w+)\}$", r"by_\1", segment).replace("$", "") for segment in segments]
        return "_".join([self.method.lower(), *words])

    def _get_serializer(self):
        spec = getattr(self.view, "spec", None)
        if spec is not None:
            return spec.serializer()
        serializer_class = getattr(self.view, "serializer_class", None)
        return serializer_class() if serializer_class else None

    def _is_create_operation(self) -> bool:
        """A POST to a collection creates an item and answers 201, as in Graph."""
        return self.method == "POST" and self.path.rstrip("/").rsplit("/", 1)[-1] not in _ACTIONS

    def _get_response_bodies(self, direction: str = "response") -> dict:
        """Graph's answers: 204 to PATCH (but customers' and custom questions', which return the
        entity), and an OData error object for any 4xx."""
        spec = getattr(self.view, "spec", None)
        if self.method == "PATCH" and not (spec is not None and spec.patch_returns_entity):
            responses = {"204": {"description": "No response body"}}
        else:
            responses = super()._get_response_bodies(direction)
        error = {
            "description": "Graph's error object (code, message, details).",
            "content": {"application/json": {"schema": ODATA_ERROR}},
        }
        return {**responses, "4XX": error}

    def get_tags(self) -> list[str]:
        named = [segment for segment in _segments(self.path) if not segment.startswith("{")]
        return [named[1] if len(named) > 1 else named[0]] if named else ["api"]


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "bookings.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from `python manage.py api_token <username>`.",
        }
