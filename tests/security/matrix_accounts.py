"""The sign-in (allauth) and admin rows of the authorization matrix.

Only Django staff accounts (owners; here the superuser) get past the admin's door: everyone else,
a business's own administrator included, is sent to the admin's sign-in page, for reading and for
writing alike. The views every ``ModelAdmin`` brings (list, add, change, delete, history) share one
rule, so a newly registered model is covered; any other admin page needs its own row here.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from django.contrib.auth import get_user_model

from .conftest import World
from .matrix import ADMIN_LOGIN, LOGIN, OK, REDIRECT, SERVED, Probe, Rule, everyone

OWNER_ONLY = everyone(ADMIN_LOGIN, superuser=SERVED)
MODEL_ADMIN_VIEW = re.compile(r"_(changelist|add|change|delete|history)$")
SIGNED_OUT_ONLY = everyone(REDIRECT, anonymous=OK)  # allauth sends the signed-in on to the site
ACCOUNT_PAGE = everyone(OK, anonymous=LOGIN)


def _get(url: str, expect) -> Rule:
    return lambda w: [Probe("GET", url, expect)]


def admin_rule(route: str, pattern) -> Rule | None:
    """The rule for one of the admin site's own views or a ``ModelAdmin``'s, found by the view's
    name (an app list's address changes with every installed app); ``None`` for any other page."""
    model_admin = getattr(pattern.callback, "model_admin", None)
    if model_admin is None:
        return ADMIN_SITE_VIEWS.get(pattern.name) if route.startswith("admin/") else None
    model = model_admin.model

    def probes(w: World) -> list[Probe]:
        record = model._default_manager.order_by("pk").first()
        url = "/" + route.replace("<path:object_id>", quote(str(record.pk) if record else "0"))
        found = [Probe("GET", url, OWNER_ONLY)]
        if route.endswith(("/change/", "/delete/", "/add/")):
            found.append(Probe("POST", url, OWNER_ONLY, {}))
        return found

    return probes


def _promote(w: World) -> list[Probe]:
    """Someone making themselves a superuser through the admin."""
    victim = get_user_model().objects.get(username="customer_a")
    return [
        Probe(
            "POST",
            f"/admin/auth/user/{victim.pk}/change/",
            everyone(ADMIN_LOGIN, superuser=SERVED),
            {"username": "customer_a", "is_staff": "on", "is_superuser": "on"},
        )
    ]


def _password(w: World) -> list[Probe]:
    """Someone setting another account's password through the admin."""
    url = f"/admin/auth/user/{get_user_model().objects.get(username='customer_a').pk}/password/"
    return [
        Probe("GET", url, OWNER_ONLY),
        Probe("POST", url, OWNER_ONLY, {"password1": "taken-over-123", "password2": "taken-over-123"}),
    ]


# The admin site's own views, by URL name.
ADMIN_SITE_VIEWS: dict[str, Rule] = {
    "index": lambda w: [Probe("GET", "/admin/", OWNER_ONLY), *_promote(w)],
    "login": _get("/admin/login/", everyone(OK, superuser=REDIRECT)),
    # Signing out takes a POST; the door sends anyone else back to the admin's front page.
    "logout": _get("/admin/logout/", everyone(REDIRECT, superuser=405)),
    "password_change": _get("/admin/password_change/", OWNER_ONLY),
    "password_change_done": _get("/admin/password_change/done/", OWNER_ONLY),
    "autocomplete": _get("/admin/autocomplete/", OWNER_ONLY),
    "jsi18n": _get("/admin/jsi18n/", OWNER_ONLY),
    "view_on_site": _get("/admin/r/1/1/", OWNER_ONLY),
    "app_list": _get("/admin/bookings/", OWNER_ONLY),
    # Any other address under /admin/: the door first, then a 404.
    None: _get("/admin/no/such/page/", everyone(ADMIN_LOGIN, superuser=404)),
}

ADMIN_PAGES: dict[str, Rule] = {
    "admin/auth/user/<id>/password/": _password,
    "admin/graph/": _get("/admin/graph/", OWNER_ONLY),
    "admin/graph/connect/": _get("/admin/graph/connect/", OWNER_ONLY),
    "admin/graph/callback/": _get("/admin/graph/callback/", OWNER_ONLY),
    "admin/graph/test/": _get("/admin/graph/test/", OWNER_ONLY),
    "admin/graph/businesses/": _get("/admin/graph/businesses/", OWNER_ONLY),
    "admin/sync-now/": _get("/admin/sync-now/", OWNER_ONLY),
}

ACCOUNT_PAGES: dict[str, Rule] = {
    "accounts/login/": _get("/accounts/login/", SIGNED_OUT_ONLY),
    "accounts/logout/": _get("/accounts/logout/", everyone(OK, anonymous=REDIRECT)),
    "accounts/inactive/": _get("/accounts/inactive/", everyone(OK)),
    "accounts/signup/": _get("/accounts/signup/", SIGNED_OUT_ONLY),
    "accounts/reauthenticate/": _get("/accounts/reauthenticate/", ACCOUNT_PAGE),
    "accounts/email/": _get("/accounts/email/", ACCOUNT_PAGE),
    "accounts/confirm-email/": _get("/accounts/confirm-email/", everyone(OK)),
    "accounts/password/change/": _get("/accounts/password/change/", ACCOUNT_PAGE),
    # Everyone here has a password already: setting one is changing it.
    "accounts/password/set/": _get("/accounts/password/set/", everyone(REDIRECT, anonymous=LOGIN)),
    "accounts/password/reset/": _get("/accounts/password/reset/", everyone(OK)),
    "accounts/login/code/confirm/": _get("/accounts/login/code/confirm/", everyone(SERVED, anonymous=LOGIN)),
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": _get(
        "/accounts/confirm-email/made-up-key/", everyone(SERVED)
    ),
    "accounts/password/reset/key/done/": _get("/accounts/password/reset/key/done/", everyone(OK)),
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": _get(
        "/accounts/password/reset/key/1-made-up-key/", everyone(SERVED)
    ),
    "accounts/password/reset/done/": _get("/accounts/password/reset/done/", everyone(OK)),
    "accounts/3rdparty/login/cancelled/": _get("/accounts/3rdparty/login/cancelled/", everyone(OK)),
    "accounts/3rdparty/login/error/": _get("/accounts/3rdparty/login/error/", everyone(401)),
    # Only in the middle of a Microsoft sign-in; otherwise back to the sign-in page.
    "accounts/3rdparty/signup/": _get("/accounts/3rdparty/signup/", everyone(LOGIN)),
    "accounts/3rdparty/": _get("/accounts/3rdparty/", ACCOUNT_PAGE),
    "accounts/social/login/cancelled/": _get("/accounts/social/login/cancelled/", everyone(REDIRECT)),
    "accounts/social/login/error/": _get("/accounts/social/login/error/", everyone(REDIRECT)),
    "accounts/social/signup/": _get("/accounts/social/signup/", everyone(REDIRECT)),
    "accounts/social/connections/": _get("/accounts/social/connections/", everyone(REDIRECT)),
    "accounts/microsoft/login/": _get("/accounts/microsoft/login/", everyone(SERVED)),
    "accounts/microsoft/login/callback/": _get("/accounts/microsoft/login/callback/", everyone(SERVED)),
}
