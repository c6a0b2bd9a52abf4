"""The business owner's admin: every Bookings resource the portal mirrors, API tokens, and the owner's
own pages (connecting Microsoft 365, choosing the businesses to serve, the dashboard).

Thin on purpose: it lists, searches and edits records and calls the same functions as the API for
anything with consequences (publishing a booking page). What Graph owns (ids, origin, timestamps,
sync state, published state) is shown read-only in a collapsed "Microsoft Graph" section.
"""

# One module per concern; importing them runs their @admin.register. ``PortalAdminConfig.ready``
# imports them (this package is imported while settings load, before any model may be).
MODULES = ("appointments", "businesses", "definitions", "outbox", "sync", "tokens")
