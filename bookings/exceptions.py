"""Domain errors raised by the core and mapped once to form errors, OData errors or retries."""

from __future__ import annotations

from datetime import datetime

from .availability import Slot


class SlotUnavailable(Exception):
    """The slot a customer asked for cannot be booked (any more): taken meanwhile, never offered, or
    out of the rules. ``nearby`` holds the free slots closest to it, in time order, to offer instead."""

    def __init__(self, nearby: tuple[Slot, ...] = ()) -> None:
        super().__init__("This time is no longer available.")
        self.nearby = nearby


class InvalidBooking(Exception):
    """A booking that can never succeed as asked, whatever the time: a service that is not bookable
    (inactive, hidden, of an unpublished business) or a staff member who does not deliver it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidAnswers(Exception):
    """The customer's answers to the service's custom questions do not fit them. ``errors`` maps
    each offending question id (as given) to a message for the customer."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("Some answers are not valid.")
        self.errors = errors


class OutsideLeadTime(Exception):
    """A customer tried to cancel or move a booking after the last moment the business allows
    (the start minus the scheduling policy's minimum lead time). ``deadline`` is that moment (UTC)."""

    def __init__(self, deadline: datetime) -> None:
        super().__init__("This booking can no longer be changed online.")
        self.deadline = deadline


class BookingNotChangeable(Exception):
    """A customer tried to change a booking that cannot be changed online at all: already cancelled,
    already over, or made by the business for a service whose customers may not manage bookings."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
