"""The business owner's admin: every Bookings resource the portal mirrors, plus API tokens.

Thin on purpose: it lists, searches and edits records and calls the same functions as the API for
anything with consequences (publishing a booking page). What Graph owns (ids, origin, timestamps,
sync state, published state) is shown read-only in a collapsed "Microsoft Graph" section.
"""

# One module per concern; importing them runs their @admin.register (Django autodiscovers this package).
from . import appointments, businesses, definitions, outbox, sync, tokens

__all__ = ["appointments", "businesses", "definitions", "outbox", "sync", "tokens"]
