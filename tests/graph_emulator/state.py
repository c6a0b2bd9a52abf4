"""The emulator's tenant: booking businesses and their items, kept as Graph JSON in memory.

One re-entrant lock guards everything: handler threads, the batch runner and test helpers all go
through :class:`Store`, and each operation is short (no sleeping under the lock), so a single lock
is simpler than per-business locks and never the bottleneck the throttling tests look at.
"""

from __future__ import annotations

import copy
import re
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from . import appointments
from .odata import GraphError, bad_request, new_guid, now_iso, strip_annotations
from .schema import BUSINESS, BUSINESS_NOT_PATCHABLE, KINDS, READ_ONLY, Kind

SEGMENTS = {
    s.lower(): s for s in ("services", "staffMembers", "customers", "customQuestions", "appointments")
}
MAX_STAFF = 100  # per booking calendar (contract §2.5)


def mailbox_missing() -> GraphError:
    return GraphError(404, "ErrorNonExistentMailbox", "The SMTP address has no mailbox associated with it.")


def item_missing() -> GraphError:
    return GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.")


@dataclass
class Business:
    """A booking mailbox: its own JSON plus one ordered dict of items per entity set."""

    data: dict[str, Any]
    items: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=lambda: {s: {} for s in SEGMENTS.values()}
    )
    cancelled: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.data["id"]

    def find(self, segment: str, item_id: str) -> dict[str, Any] | None:
        """Exact id first; GUIDs also case-insensitively (Exchange appointment ids are case-sensitive)."""
        bucket = self.items[segment]
        if item_id in bucket:
            return bucket[item_id]
        if segment != "appointments":
            lowered = item_id.lower()
            return next((v for k, v in bucket.items() if k.lower() == lowered), None)
        return None


class Store:
    """All businesses of the emulated tenant; every public method is atomic under ``lock``."""

    def __init__(self, tenant_domain: str) -> None:
        self.tenant_domain = tenant_domain
        self.lock = threading.RLock()
        self.businesses: dict[str, Business] = {}

    def clear(self) -> None:
        with self.lock:
            self.businesses.clear()

    # --- businesses ---------------------------------------------------------------------------

    def business(self, business_id: str) -> Business:
        """The business with this id (case-insensitive, like SMTP addresses), or Graph's 404."""
        with self.lock:
            found = self.businesses.get(business_id.lower())
            if found is None:
                raise mailbox_missing()
            return found

    def list_businesses(self, query: str | None = None) -> list[dict[str, Any]]:
        """Graph's list: id and displayName only, optionally filtered by name, at most 500."""
        with self.lock:
            rows = [{"id": b.id, "displayName": b.data["displayName"]} for b in self.businesses.values()]
        if query:
            needle = query.lower()
            rows = [r for r in rows if needle in r["displayName"].lower() or needle in r["id"].lower()]
        return rows[:500]

    def create_business(self, body: Any, *, seeding: bool = False) -> dict[str, Any]:
        """Create a business; its id is the mailbox address derived from the name (``fourthcoffee@…``)."""
        body = _object_body(body)
        stored = BUSINESS.normalise(body)
        with self.lock:
            wanted = body.get("id") if seeding else None
            business_id = wanted or self._free_mailbox(stored["displayName"])
            if business_id.lower() in self.businesses:
                raise GraphError(
                    409, "ErrorFolderExists", f"A business with id {business_id} already exists."
                )
            published = bool(body.get("isPublished")) if seeding else False
            stamp = now_iso()
            data = {"id": business_id, **stored, "isPublished": published, "publicUrl": None}
            data["publicUrl"] = _public_url(business_id) if published else None
            data["createdDateTime"] = body.get("createdDateTime", stamp) if seeding else stamp
            data["lastUpdatedDateTime"] = data["createdDateTime"]
            self.businesses[business_id.lower()] = Business(data=data)
            return copy.deepcopy(data)

    def _free_mailbox(self, display_name: str) -> str:
        local = re.sub(r"[^a-z0-9]", "", display_name.lower()) or "bookings"
        candidate, n = local, 1
        while f"{candidate}@{self.tenant_domain}".lower() in self.businesses:
            n += 1
            candidate = f"{local}{n}"
        return f"{candidate}@{self.tenant_domain}"

    def patch_business(self, business_id: str, body: Any) -> None:
        """Merge a partial business; ``email``/``displayName`` and read-only members are ignored."""
        body = {k: v for k, v in _object_body(body).items() if k not in BUSINESS_NOT_PATCHABLE | READ_ONLY}
        with self.lock:
            business = self.business(business_id)
            stored = BUSINESS.normalise(body, existing=business.data)
            business.data.update(stored)
            business.data["lastUpdatedDateTime"] = now_iso()

    def delete_business(self, business_id: str) -> None:
        with self.lock:
            self.businesses.pop(self.business(business_id).id.lower())

    def publish(self, business_id: str, published: bool) -> None:
        with self.lock:
            data = self.business(business_id).data
            data["isPublished"] = published
            data["publicUrl"] = _public_url(data["id"]) if published else None
            data["lastUpdatedDateTime"] = now_iso()

    # --- items ----------------------------------------------------------------------------------

    def items(self, business_id: str, segment: str) -> list[dict[str, Any]]:
        """Every item of a set in creation order (deep copies: callers may not mutate state)."""
        with self.lock:
            return copy.deepcopy(list(self.business(business_id).items[segment_name(segment)].values()))

    def get_item(self, business_id: str, segment: str, item_id: str) -> dict[str, Any]:
        with self.lock:
            found = self.business(business_id).find(segment_name(segment), item_id)
            if found is None:
                raise item_missing()
            return copy.deepcopy(found)

    def create_item(
        self, business_id: str, segment: str, body: Any, *, seeding: bool = False
    ) -> dict[str, Any]:
        """POST to a set: validate, drop read-only members, assign an id, stamp the times."""
        segment = segment_name(segment)
        body = _object_body(body)
        wanted_id = body.get("id") if seeding else None
        writable = {k: v for k, v in body.items() if k not in READ_ONLY}
        with self.lock:
            business = self.business(business_id)
            if segment == "appointments":
                stored = appointments.normalise(
                    business, writable, create_customer=self._customer_factory(business)
                )
                item_id = wanted_id or appointments.new_id()
            else:
                kind: Kind = KINDS[segment.lower()]
                stored = kind.normalise(writable)
                item_id = wanted_id or new_guid()
                if segment == "staffMembers" and len(business.items[segment]) >= MAX_STAFF:
                    raise bad_request(f"A booking calendar can have at most {MAX_STAFF} staff members.")
            if business.find(segment, item_id) is not None:
                raise GraphError(409, "ErrorItemExists", f"An item with id {item_id} already exists.")
            if segment == "services":
                stored["webUrl"] = _service_url(business.id)
            stamp = now_iso()
            created = body.get("createdDateTime", stamp) if seeding else stamp
            item = _with_id(item_id, stored, created)
            business.items[segment][item_id] = item
            return copy.deepcopy(item)

    def _customer_factory(self, business: Business):
        """Appointments may create customers (a ``customers[]`` entry without ``customerId``)."""

        def create(body: dict[str, Any]) -> str:
            stored = KINDS["customers"].normalise(body)
            customer_id = new_guid()
            business.items["customers"][customer_id] = _with_id(customer_id, stored, now_iso())
            return customer_id

        return create

    def patch_item(self, business_id: str, segment: str, item_id: str, body: Any) -> dict[str, Any]:
        """PATCH merge semantics; read-only and unknown members are ignored."""
        segment = segment_name(segment)
        writable = {k: v for k, v in _object_body(body).items() if k not in READ_ONLY}
        with self.lock:
            business = self.business(business_id)
            existing = business.find(segment, item_id)
            if existing is None:
                raise item_missing()
            if segment == "appointments":
                stored = appointments.normalise(
                    business, writable, existing=existing, create_customer=self._customer_factory(business)
                )
            else:
                stored = KINDS[segment.lower()].normalise(writable, existing=existing)
            existing.update(stored)
            existing["lastUpdatedDateTime"] = now_iso()
            return copy.deepcopy(existing)

    def delete_item(self, business_id: str, segment: str, item_id: str) -> None:
        segment = segment_name(segment)
        with self.lock:
            business = self.business(business_id)
            found = business.find(segment, item_id)
            if found is None:
                raise item_missing()
            del business.items[segment][found["id"]]

    def cancel_appointment(self, business_id: str, item_id: str, message: str | None) -> None:
        """Cancelled appointments leave lists and calendarView; the message is kept for tests."""
        with self.lock:
            business = self.business(business_id)
            found = business.find("appointments", item_id)
            if found is None:
                raise item_missing()
            del business.items["appointments"][found["id"]]
            business.cancelled[found["id"]] = {"appointment": found, "cancellationMessage": message}


def segment_name(segment: str) -> str:
    """Canonical spelling of an entity-set segment (paths are case-insensitive)."""
    try:
        return SEGMENTS[segment.lower()]
    except KeyError:
        raise bad_request(f"Resource not found for the segment '{segment}'.", code="BadRequest") from None


def _object_body(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.", code="BadRequest")
    return strip_annotations(body)


def _with_id(item_id: str, stored: dict[str, Any], created: str) -> dict[str, Any]:
    head = {"@odata.type": stored.pop("@odata.type")} if "@odata.type" in stored else {}
    return {**head, "id": item_id, **stored, "createdDateTime": created, "lastUpdatedDateTime": created}


def _public_url(business_id: str) -> str:
    return f"https://outlook.office365.com/owa/calendar/{business_id}/bookings/"


def _service_url(business_id: str) -> str:
    return f"https://outlook.office365.com/owa/calendar/{business_id}/bookings/s/{secrets.token_urlsafe(16)}"
