from rest_framework.renderers import JSONRenderer


class GraphJSONRenderer(JSONRenderer):
    """JSON as Graph sends it: UTF-8, with characters such as currency symbols unescaped."""

    media_type = "application/json"
    charset = "utf-8"
    ensure_ascii = False
