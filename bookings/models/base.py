"""What every mirrored Bookings resource carries besides its Graph properties."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from ..enums import Origin


class Timestamped(models.Model):
    """Graph's ``createdDateTime`` / ``lastUpdatedDateTime``, kept current on every save."""

    created_date_time = models.DateTimeField(default=timezone.now, editable=False)
    last_updated_date_time = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            self.last_updated_date_time = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "last_updated_date_time"}
        super().save(*args, **kwargs)


class MirroredResource(Timestamped):
    """A local copy of a Graph resource that lives under a booking business.

    ``id`` is the portal's own, stable identifier; ``graph_id`` is Graph's, unknown (null) until the
    record has reached Graph. Either identifies the record in the API. Records are deactivated, not
    deleted, when they go away, so appointments keep pointing at the service or staff member they
    were booked with.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    graph_id = models.CharField("Graph id", max_length=512, null=True, blank=True, editable=False)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.PORTAL, editable=False)
    is_active = models.BooleanField(default=True, help_text="Inactive: deleted here or in Bookings.")
    last_synced_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When this record last matched Microsoft Graph."
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        """Save, but never blank out a Graph id that arrived meanwhile.

        The push worker writes ``graph_id`` while a request may hold the same record loaded from
        before; a plain save of that stale copy would forget which Graph item it is. So a record
        without a Graph id saves every field except that one.
        """
        if not self._state.adding and not self.graph_id and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "graph_id"
            ]
        super().save(*args, **kwargs)

    @property
    def api_id(self) -> str:
        return str(self.id)
