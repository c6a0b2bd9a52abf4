"""Pull definitions from Microsoft Graph into the local mirror (DESIGN §4, flow 1).

Per business: read the business, staff members, custom questions and services over HTTP first (a
``Snapshot``), then apply it in ONE transaction, so a failure never leaves a half-applied sync.
Records are matched by Graph id; new ones get ``origin=graph``; what vanished upstream is deactivated,
never deleted (appointments keep pointing at it), and reactivated if it reappears. Portal records
with no Graph id yet are left alone. A re-sync with no upstream change writes only ``last_synced_at``.

Items Graph sends that cannot be read are skipped and reported in the ``SyncRun`` (state "partial");
a Graph error fails that business's run only. Reading runs in threads (businesses, and a business's
collections, in parallel) and never touches the database; writing stays on the caller's thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from .. import slot_cache
from ..enums import Origin, SyncState
from ..graph import mapping
from ..graph.client import GraphClient
from ..graph.errors import GraphError, GraphNotFound
from ..graph.paths import BUSINESSES, business_path
from ..models import Business, CustomQuestion, Service, StaffMember, SyncRun
from ..models.sync import SyncRunState, empty_counts
from ..resources import new_business_slug, save_record
from .links import ServiceLinks

logger = logging.getLogger(__name__)

# Graph serves at most 4 concurrent requests per booking mailbox; more only buys 429s.
REQUESTS_PER_MAILBOX = 4
# Businesses read at the same time: each has its own mailbox, so its own limit, and reading is
# waiting on the network; the writes that follow happen one business at a time on this thread.
BUSINESSES_IN_PARALLEL = 32
TIMESTAMPS = ("created_date_time", "last_updated_date_time")

# Graph's collections of a business, read in this order and applied in it (services link the others).
SEGMENTS = ("staffMembers", "customQuestions", "services")
# The name each kind has in ``SyncRun.counts`` and ``SyncRun.errors``.
KINDS = {StaffMember: "staff_members", CustomQuestion: "custom_questions", Service: "services"}

Progress = Callable[[int, int, SyncRun | None], None]


@dataclass(frozen=True)
class Snapshot:
    """Everything read from Graph for one business, before anything is written."""

    business_id: str
    business: dict[str, Any]
    items: dict[str, list[Any]]  # Graph segment (``SEGMENTS``) -> every item of every page
    services_by_id: bool


# --- Reading ---------------------------------------------------------------------------------------


def fetch_snapshot(client: GraphClient, business_id: str, *, service_details: bool = True) -> Snapshot:
    """Read one business and all pages of its definitions; raises ``GraphError``.

    ``service_details``: re-read each service by id, because Graph lists leave ``defaultReminders``
    empty (a by-id-only member). Without it reminders are not mirrored, but the sync needs 4 requests
    per business instead of 4 + one per service.
    """
    business = client.get(business_path(business_id))
    with ThreadPoolExecutor(len(SEGMENTS), thread_name_prefix="graph-pull") as pool:
        pending = [pool.submit(client.list_all, business_path(business_id, segment)) for segment in SEGMENTS]
        items = {segment: future.result() for segment, future in zip(SEGMENTS, pending, strict=True)}
    if service_details:
        items["services"] = _service_details(client, business_id, items["services"])
    return Snapshot(business_id, business, items, service_details)


def _service_details(client: GraphClient, business_id: str, listed: list[Any]) -> list[Any]:
    """Each listed service read by id; one deleted in between is gone, an unreadable item stays as is."""

    def detail(item: Any) -> Any:
        graph_id = item.get("id") if isinstance(item, dict) else None
        if not isinstance(graph_id, str) or not graph_id:
            return item  # the mapping reports it
        try:
            return client.get(business_path(business_id, "services", graph_id))
        except GraphNotFound:
            return None

    with ThreadPoolExecutor(REQUESTS_PER_MAILBOX, thread_name_prefix="graph-pull") as pool:
        return [item for item in pool.map(detail, listed) if item is not None]


def configured_business_ids(client: GraphClient, business_ids: Iterable[str] | None = None) -> list[str]:
    """The businesses to sync: those given, else ``BOOKINGS_BUSINESS_IDS``, else all the signed-in
    owner can see (listing businesses needs a delegated token; app-only tokens must be configured).
    """
    ids = list(business_ids or ())
    if not ids:
        configured = getattr(settings, "BOOKINGS_BUSINESS_IDS", None) or ()
        ids = configured.split(",") if isinstance(configured, str) else list(configured)
    ids = [value.strip() for value in ids if value and value.strip()]
    # Each mailbox once, whatever its letter case (Graph compares them case-insensitively).
    return mapping.business_ids([{"id": value} for value in ids] if ids else client.list_all(BUSINESSES))


# --- Orchestration -------------------------------------------------------------------------------


def pull_business(client: GraphClient, business_id: str, *, trigger: str) -> SyncRun:
    """Sync one business from Graph; the returned run says what happened (it never raises for Graph)."""
    run = _start_run(business_id, trigger)
    _complete(run, lambda: fetch_snapshot(client, business_id))
    return run


def pull_all(
    client: GraphClient,
    *,
    business_ids: Iterable[str] | None = None,
    trigger: str,
    progress: Progress | None = None,
) -> list[SyncRun]:
    """Sync every configured business; one business failing does not stop the others.

    ``progress(done, total, run)`` is called once before the first business (``run`` None) and
    after each one. Runs come back in the order of the business ids.
    """
    try:
        ids = configured_business_ids(client, business_ids)
    except GraphError as error:
        run = _start_run("", trigger)
        run.report("business", None, f"Could not list booking businesses: {error}")
        _finish(run, SyncRunState.FAILED)
        return [run]
    runs = {business_id: _start_run(business_id, trigger) for business_id in ids}
    if progress:
        progress(0, len(ids), None)
    with ThreadPoolExecutor(max(1, min(BUSINESSES_IN_PARALLEL, len(ids))), "graph-pull") as pool:
        futures = {pool.submit(fetch_snapshot, client, business_id): business_id for business_id in ids}
        for done, future in enumerate(as_completed(futures), start=1):
            run = runs[futures[future]]
            _complete(run, future.result)
            if progress:
                progress(done, len(ids), run)
    return list(runs.values())


def _start_run(business_id: str, trigger: str) -> SyncRun:
    business = Business.objects.filter(graph_id__iexact=business_id).first() if business_id else None
    return SyncRun.objects.create(trigger=trigger, business=business, business_graph_id=business_id)


def _finish(run: SyncRun, state: str) -> None:
    run.state = state
    run.finished_at = timezone.now()
    run.save()


def _complete(run: SyncRun, fetch: Callable[[], Snapshot]) -> None:
    """Apply a fetched snapshot, or record why there is none; either way the run is finished."""
    try:
        snapshot = fetch()
        with transaction.atomic():
            run.business = apply_snapshot(snapshot, run)
            slot_cache.invalidate(run.business.pk)
    except (GraphError, mapping.MappingError, ValidationError) as error:
        _fail(run, ("" if isinstance(error, GraphError) else "Bad business: ") + _describe(error))
    except Exception as error:  # a bug must cost one business's sync, not every business's
        logger.exception("Sync of %s failed", run.business_graph_id)
        _fail(run, f"Unexpected error: {error!r}")
    else:
        _finish(run, SyncRunState.PARTIAL if run.error_count else SyncRunState.SUCCEEDED)


def _fail(run: SyncRun, message: str) -> None:
    """A failed run changes nothing but the business's sync state: the transaction rolled back."""
    logger.warning("Sync of %s failed: %s", run.business_graph_id, message)
    run.counts, run.errors = empty_counts(), []
    run.report("business", run.business_graph_id, message)
    businesses = Business.objects.filter(graph_id__iexact=run.business_graph_id)
    businesses.update(sync_state=SyncState.FAILED, sync_error=message)
    run.business = run.business or businesses.first()
    _finish(run, SyncRunState.FAILED)


# --- Writing -------------------------------------------------------------------------------------


def apply_snapshot(snapshot: Snapshot, run: SyncRun) -> Business:
    """Write a snapshot into the mirror (call inside a transaction); counts and reports go to ``run``."""
    now = timezone.now()
    business = _upsert_business(snapshot, run)
    items = snapshot.items
    staff = _sync_items(business, StaffMember, items["staffMembers"], mapping.staff_member_fields, run, now)
    questions = _sync_items(
        business, CustomQuestion, items["customQuestions"], mapping.custom_question_fields, run, now
    )

    def read_service(item: Any) -> mapping.MappedService:
        return mapping.service_fields(item, listing=not snapshot.services_by_id)

    links = ServiceLinks(staff, questions, run)
    _sync_items(business, Service, items["services"], read_service, run, now, link=links)
    links.insert_new()
    Business.objects.filter(pk=business.pk).update(sync_state=SyncState.OK, sync_error="", last_synced_at=now)
    return business


def _upsert_business(snapshot: Snapshot, run: SyncRun) -> Business:
    mapped = mapping.business_fields(snapshot.business)
    _report_warnings(run, "business", mapped)
    business = (
        Business.objects.select_for_update()  # two syncs of one business queue up here
        .filter(Q(graph_id__iexact=snapshot.business_id) | Q(graph_id__iexact=mapped.graph_id))
        .first()
    )
    if business is None:
        slug = new_business_slug(mapped.fields["display_name"])
        business = Business(graph_id=mapped.graph_id, slug=slug, **mapped.fields)
        business.time_zone = mapping.business_time_zone(mapped.fields) or business.time_zone
        _save_business(business, set(mapped.fields), run, creating=True)
        run.count("business", "created")
        return business
    changes = _changes(business, mapped.fields)
    previous = {name: getattr(business, name) for name in changes}
    for name, value in changes.items():
        setattr(business, name, value)
    changes = _save_business(business, set(changes), run, creating=False, previous=previous)
    if changes:
        _keep_graph_timestamps(business, mapped.fields)
    run.count("business", "updated" if changes else "unchanged")
    return business


def _save_business(
    business: Business, changed: set[str], run: SyncRun, *, creating: bool, previous: dict | None = None
) -> set[str]:
    """Save a business, keeping the local value of an optional member Graph sent in a form the
    model refuses (a web site without a scheme, say): one sloppy field must not stop its sync."""
    try:
        business.full_clean(validate_unique=creating)
    except ValidationError as error:
        refused = set(getattr(error, "error_dict", {}))
        if not refused or not refused <= changed - {"display_name"}:
            raise
        for name in refused:
            fallback = (previous or {}).get(name, Business._meta.get_field(name).get_default())
            setattr(business, name, fallback)
            message = "; ".join(error.message_dict[name])
            run.report(
                "business", business.graph_id, f"{name}: {message} Kept the local value.", level="warning"
            )
        changed -= refused
    if creating or changed:
        save_record(business, creating=creating)
    return changed


def _sync_items(
    business: Business,
    model: type[models.Model],
    items: Sequence[Any],
    read: Callable[[Any], Any],
    run: SyncRun,
    now: datetime,
    *,
    link: Callable[[Any, Any, bool], bool] | None = None,
) -> dict[str, Any]:
    """Upsert one kind of definition; return Graph id -> primary key of every graph-known record.

    Every item is validated before anything is written, so a refused one needs no rollback; new
    records are then inserted together (a first sync creates thousands), changed ones saved singly.
    """
    kind = KINDS[model]
    rows = model.objects.filter(business=business, graph_id__isnull=False)
    if model is Service:
        rows = rows.prefetch_related("staff_members", "question_assignments__question")
    existing: dict[str, Any] = {record.graph_id: record for record in rows}
    listed: set[str] = set()  # every id Graph listed, readable or not: none of them vanished
    applied: list[tuple[Any, Any, str]] = []  # (record, mapped item, outcome) of every readable item
    for item in items:
        raw_id = item.get("id") if isinstance(item, dict) else None
        if isinstance(raw_id, str) and raw_id in listed:
            run.report(kind, raw_id, "Listed twice by Graph; the first copy was used.", level="warning")
            continue
        if isinstance(raw_id, str):
            listed.add(raw_id)
        try:
            mapped = read(item)
            record, outcome = _upsert(model, business, existing.get(mapped.graph_id), mapped)
        except (mapping.MappingError, ValidationError) as error:
            run.count(kind, "skipped")
            run.report(kind, raw_id if isinstance(raw_id, str) else None, f"Skipped: {_describe(error)}")
            continue
        _report_warnings(run, kind, mapped)
        applied.append((record, mapped, outcome))
    model.objects.bulk_create([record for record, _mapped, outcome in applied if outcome == "created"])
    for record, mapped, outcome in applied:
        if link and link(record, mapped, outcome == "created") and outcome == "unchanged":
            outcome = "updated"
        run.count(kind, outcome)
    vanished = [
        record.pk for graph_id, record in existing.items() if graph_id not in listed and record.is_active
    ]
    if vanished:
        model.objects.filter(pk__in=vanished).update(is_active=False, last_updated_date_time=now)
        run.count(kind, "deactivated", len(vanished))
    seen = {mapped.graph_id: record.pk for record, mapped, _outcome in applied}
    model.objects.filter(pk__in=seen.values()).update(last_synced_at=now)
    return {graph_id: record.pk for graph_id, record in existing.items()} | seen


def _upsert(
    model: type[models.Model], business: Business, record: Any, mapped: mapping.MappedItem
) -> tuple[Any, str]:
    """Validate one item; save it if it changed; a new one is returned unsaved, for the bulk insert."""
    if record is None:
        record = model(business=business, graph_id=mapped.graph_id, origin=Origin.GRAPH, **mapped.fields)
        # save_record's checks but two queries a record: the business exists (locked by this sync)
        # and the Graph id matched nothing, so the foreign key and unique checks cannot fail.
        record.full_clean(exclude=["business"], validate_unique=False, validate_constraints=False)
        return record, "created"
    changes = _changes(record, mapped.fields)
    if not record.is_active:
        changes["is_active"] = True  # back upstream: back here
    if not changes:
        return record, "unchanged"
    for name, value in changes.items():
        setattr(record, name, value)
    save_record(record, creating=False)
    _keep_graph_timestamps(record, mapped.fields)
    return record, "updated"


def _changes(record: models.Model, fields: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if getattr(record, name) != value}


def _keep_graph_timestamps(record: models.Model, fields: dict[str, Any]) -> None:
    """``save()`` stamps ``last_updated_date_time`` with now; a mirrored record keeps Graph's own."""
    stamps = {name: fields[name] for name in TIMESTAMPS if name in fields}
    if stamps:
        type(record).objects.filter(pk=record.pk).update(**stamps)
        for name, value in stamps.items():
            setattr(record, name, value)


def _report_warnings(run: SyncRun, kind: str, mapped: mapping.MappedItem) -> None:
    for warning in mapped.warnings:
        run.report(kind, mapped.graph_id, warning, level="warning")


def _describe(error: Exception) -> str:
    if not isinstance(error, ValidationError):
        return str(error)
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
