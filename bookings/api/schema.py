"""OpenAPI description of the Graph-shaped API (drf-spectacular), from the same serializers."""

from __future__ import annotations

import re

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

_PREFIX_SEGMENTS = {"api", "v1.0", "solutions"}


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
