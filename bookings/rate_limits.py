"""How often one client may book, cancel or reschedule: a fixed window counted in the Django cache.

Every booking POST (the details form, and the manage link's cancel and reschedule) from one client
address counts against ``BOOKING_RATE_LIMIT`` (``"30/10m"``: 30 per 10 minutes; ``"0"``, ``"off"``
or empty: no limit). Past it the client gets a friendly 429 page with ``Retry-After`` instead of
booking, so a script cannot fill a business's calendar. The count lives in the cache, so with
``CACHE_URL`` on Redis every web process shares it; a fixed window lets a client through at most
twice the amount around a window's edge, which is plenty for stopping a flood.

The client address is ``REMOTE_ADDR``: a client can write any ``X-Forwarded-For`` it likes, so the
header is only believed behind our own TLS proxy (``DJANGO_BEHIND_TLS_PROXY``), and then only its
last hop, the address the proxy itself saw. Sign-in and sign-up are limited by allauth
(``ACCOUNT_RATE_LIMITS``), the admin's login by django-axes, both with this same address.

A cache outage never refuses a booking: the limit is waived and a warning logged (DESIGN §8, "Redis
down: bookings still accepted").
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from portal.logging import loggable_path

logger = logging.getLogger(__name__)

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE = re.compile(r"(?P<amount>\d+)\s*/\s*(?P<count>\d*)\s*(?P<unit>[smhd])")
OFF = {"", "0", "off", "none", "false", "no"}


@dataclass(frozen=True)
class Rate:
    amount: int
    seconds: int


@functools.lru_cache(maxsize=16)
def parse_rate(text: str | None) -> Rate | None:
    """``"30/10m"`` → 30 per 600 s; ``"5/m"`` → 5 per 60 s; ``"0"``, ``"off"`` or empty → no limit.

    Anything else raises ValueError, so a typo in the environment stops the server at start-up
    instead of silently turning the limit off.
    """
    cleaned = (text or "").strip().lower()
    if cleaned in OFF:
        return None
    match = RATE.fullmatch(cleaned)
    if match is None:
        raise ValueError(f"not a rate like '30/10m' or 'off': {text!r}")
    amount = int(match["amount"])
    seconds = int(match["count"] or 1) * UNITS[match["unit"]]
    if amount == 0:
        return None
    if seconds == 0:
        raise ValueError(f"a rate's period cannot be zero: {text!r}")
    return Rate(amount, seconds)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or behind our TLS proxy the last hop of
    ``X-Forwarded-For`` (earlier hops are whatever the client wrote); None if there is no address.
    Also django-axes' callable, which stores it in an IP address column: only addresses come back."""
    if settings.BEHIND_TLS_PROXY:
        last_hop = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        if _is_address(last_hop):
            return last_hop
    remote = request.META.get("REMOTE_ADDR", "")
    return remote if _is_address(remote) else None


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def window(rate: Rate, now: float) -> tuple[int, int]:
    """The number of the fixed window ``now`` falls in, and the seconds left until it ends."""
    number = int(now // rate.seconds)
    return number, max(1, math.ceil((number + 1) * rate.seconds - now))


def consume(scope: str, client: str, rate: Rate, now: float) -> int | None:
    """Count one hit of ``client`` in ``scope``: None if it is allowed, else the seconds to wait."""
    number, left = window(rate, now)
    key = f"ratelimit:{scope}:{rate.amount}/{rate.seconds}:{number}:{client}"
    try:
        if cache.add(key, 1, timeout=left + 1):
            count = 1
        else:
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr: this hit opens a new count
                cache.set(key, 1, timeout=left + 1)
                count = 1
    except Exception:  # a cache outage: waive the limit rather than refuse bookings
        logger.warning("rate limit not applied: cache unavailable", exc_info=True)
        return None
    return None if count <= rate.amount else left


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    """The friendly 429 page (the one allauth shows too), with ``Retry-After``."""
    minutes = max(1, math.ceil(retry_after / 60))
    response = render(request, "429.html", {"retry_minutes": minutes}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def limit_booking_posts(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Counts a view's POSTs against ``BOOKING_RATE_LIMIT`` per client address; GETs are free."""

    @functools.wraps(view)
    def limited(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST":
            rate = parse_rate(settings.BOOKING_RATE_LIMIT)
            if rate is not None:
                client = client_ip(request) or "unknown"
                wait = consume("booking", client, rate, time.time())
                if wait is not None:
                    logger.warning(
                        "booking rate limit reached",
                        extra={"client_ip": client, "path": loggable_path(request)},
                    )
                    return too_many_requests(request, wait)
        return view(request, *args, **kwargs)

    return limited


def outside_admin(request: HttpRequest, credentials: dict | None = None) -> bool:
    """django-axes' whitelist callable: only the admin's login is axes' business, so customers'
    failed sign-ins (limited by allauth) leave no axes records."""
    return not request.path.startswith(reverse("admin:index"))
