"""Domain errors raised by the core and mapped once to form errors, OData errors or retries."""

from __future__ import annotations

from .availability import Slot


class SlotUnavailable(Exception):
    """The slot a customer asked for cannot be booked (any more): taken meanwhile, never offered, or
    out of the rules. ``nearby`` holds the free slots closest to it, in time order, to offer instead."""

    def __init__(self, nearby: tuple[Slot, ...] = ()) -> None:
        super().__init__("This time is no longer available.")
        self.nearby = nearby
