"""URLConf for ``bench/http_throughput.py``: the portal's addresses plus a bare JSON view.

The bare view is the yardstick: the same gunicorn, settings and middleware, but no database and
no template, so the ratio of a page's throughput to it is what the page itself costs.
"""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path


def bare(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("", include("portal.urls")),
]
