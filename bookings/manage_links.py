"""Private links that let a customer see, cancel or move their booking without an account.

The link carries the customer row's id signed with the site's secret key: it cannot be guessed or
altered, and it stays valid for as long as the booking exists. Rotating ``SECRET_KEY`` (keeping the
old one in ``SECRET_KEY_FALLBACKS`` for a while) retires old links.
"""

from __future__ import annotations

from django.core import signing

from .models import AppointmentCustomer

_SALT = "bookings.manage-link"


def manage_token(row: AppointmentCustomer) -> str:
    return signing.Signer(salt=_SALT).sign(str(row.pk))


def row_id_for_token(token: str) -> int | None:
    """The customer row a token was made for, or ``None`` for a forged or mangled token."""
    try:
        value = signing.Signer(salt=_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None
