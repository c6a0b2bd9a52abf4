"""Graph request paths, with every id percent-encoded.

Business ids are SMTP addresses (``@``) and appointment ids are Exchange item ids that contain
``/``, ``+`` and ``=`` (``AAMkADc7zF4J0AAA8v_KnAAA=``). Put raw into a path, a ``/`` splits the
segment and a ``+`` may be read as a space, so each segment is encoded with nothing left "safe".
Paths are relative to the client's base URL (``…/v1.0``).
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

BUSINESSES = "solutions/bookingBusinesses"
CURRENCIES = "solutions/bookingCurrencies"

_MAILBOX = re.compile(r"bookingBusinesses/([^/?#]+)", re.IGNORECASE)


def segment(value: str) -> str:
    """One path segment, percent-encoded (``/``, ``+``, ``=``, ``@`` included)."""
    if not isinstance(value, str) or not value:
        raise ValueError(f"a Graph path segment must be a non-empty string, not {value!r}")
    return quote(value, safe="")


def business_path(business_id: str, *segments: str) -> str:
    """``solutions/bookingBusinesses/<business id>/<segment>/…``, each part percent-encoded.

    ``business_path("a@contoso.com", "appointments", "AAMk/x+y=")`` gives
    ``solutions/bookingBusinesses/a%40contoso.com/appointments/AAMk%2Fx%2By%3D``.
    """
    return "/".join([BUSINESSES, segment(business_id), *(segment(part) for part in segments)])


def currency_path(currency_id: str) -> str:
    """``solutions/bookingCurrencies/<ISO 4217 code>``."""
    return f"{CURRENCIES}/{segment(currency_id)}"


def mailbox_of(url: str) -> str | None:
    """The booking mailbox a request path or URL addresses, lower-cased; ``None`` if none.

    Graph limits concurrency per (app, booking mailbox) and treats business ids
    case-insensitively, so the decoded, lower-cased id is the key for the client's semaphores.
    """
    match = _MAILBOX.search(url.split("?", 1)[0])
    return unquote(match.group(1)).lower() if match else None
