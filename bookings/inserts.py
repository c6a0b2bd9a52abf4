"""New rows written with INSERTs built once per model: the booking POST's writes.

``Model.save()`` builds and compiles its INSERT afresh on every call (an insert query, its
compiler, each column quoted and each value wrapped), about half a millisecond of Python per row,
several times what PostgreSQL takes to store it; and each row is a round trip of its own. A
booking writes five rows (appointment, staff row, customer row, outbox item, confirmation), so
those costs set how many bookings a web process could take per second.

``insert_all`` writes new instances exactly as ``save(force_insert=True)`` would, one after
another: the same columns, each value through its field's ``pre_save`` and ``get_db_prep_save``,
a database-made primary key read back. Only the statements are kept, per model and backend. On
PostgreSQL the rows go in one statement (one data-modifying ``WITH`` part per row), one round trip
for all of them. A row may point at an earlier row of the same call whose key the database makes
(``notice.row = customer_row``): that key is taken inside the statement.

It does not call the models' ``save()``, so it is for models whose ``save()`` adds nothing to a
first insert, or whose callers do that part themselves (``AppointmentStaff.take_times_from``).
No signals are sent: the portal connects none to its own models. Every foreign key the portal
declares is checked at commit (Django makes them deferrable on PostgreSQL), so the order of the
rows within one statement does not matter to them.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

from .raw_sql import PerModel, connection

ModelT = TypeVar("ModelT", bound=models.Model)

# psycopg turns a statement's ``%s`` into ``$1, $2, ...`` anew on every call unless the statement is
# short (at most 4,096 characters and 50 parameters): it takes longer ones for one-off bulk inserts.
# A booking's rows make one statement of about 70 parameters, the same every time, and parsing it
# again cost 0.3 ms per booking. So this process keeps statements of up to COMBINED_PARAMETERS
# parameters parsed too (psycopg is pinned; ``tests/test_inserts.py`` checks that the bound is in
# force for the booking's statement).
COMBINED_PARAMETERS = 200
try:
    from psycopg import _queries as _psycopg_queries
except ImportError:  # an install without PostgreSQL support
    pass
else:
    _psycopg_queries.MAX_CACHED_STATEMENT_PARAMS = max(
        _psycopg_queries.MAX_CACHED_STATEMENT_PARAMS, COMBINED_PARAMETERS
    )


class _Insert:
    """One model's INSERT: its columns, the fields whose values fill them, in order."""

    def __init__(self, model: type[models.Model], db: BaseDatabaseWrapper) -> None:
        meta = model._meta
        if meta.parents:
            raise TypeError(f"{meta.label} inherits from a concrete model: its rows span tables")
        self.pk = meta.pk
        self.pk_from_database = self.pk.db_returning  # an auto-incremented id, made by the database
        self.fields = [
            field
            for field in meta.local_concrete_fields
            if not getattr(field, "generated", False) and not (field is self.pk and self.pk_from_database)
        ]
        quote = db.ops.quote_name
        columns = ", ".join(quote(field.column) for field in self.fields)
        self.head = f"INSERT INTO {quote(meta.db_table)} ({columns})"
        self.key_column = quote(self.pk.column)
        self.returning = f" RETURNING {self.key_column}" if self.pk_from_database else ""
        # On its own: the database-made key is read back through RETURNING, else the last-id call.
        self.alone = self.head + f" VALUES ({', '.join(['%s'] * len(self.fields))})"
        if self.pk_from_database and db.features.can_return_columns_from_insert:
            self.alone += self.returning

    def values(self, instance: models.Model, db: BaseDatabaseWrapper) -> list[Any]:
        return [field.get_db_prep_save(field.pre_save(instance, True), db) for field in self.fields]

    def pointers(
        self, instance: models.Model, earlier: dict[int, int], plans: list[_Insert]
    ) -> dict[int, int]:
        """Which columns point at an earlier row of the same statement (column index -> row index):
        a foreign key left empty whose related instance, still unsaved, is one of those rows."""
        found = {}
        for index, field in enumerate(self.fields):
            if field.is_relation and getattr(instance, field.attname) is None and field.is_cached(instance):
                related = field.get_cached_value(instance)
                target = earlier.get(id(related))
                if target is not None and plans[target].pk_from_database:
                    found[index] = target
                elif related is not None:
                    _refuse_unsaved(instance, field)
        return found

    def adopt(self, instance: models.Model, key: Any, db: BaseDatabaseWrapper) -> None:
        """Mark ``instance`` stored, with ``key`` (the database's value) as its key if it made it."""
        if self.pk_from_database:
            for convert in self.pk.get_db_converters(db):
                key = convert(key, self.pk, db)
            setattr(instance, self.pk.attname, key)
        instance._state.adding = False
        instance._state.db = db.alias


_insert_of = PerModel(_Insert)


def insert(instance: ModelT) -> ModelT:
    """Store a new ``instance`` as ``instance.save(force_insert=True)`` would, without its ``save()``
    override; returns it, with its primary key set and marked as saved."""
    insert_all(instance)
    return instance


def insert_all(*instances: models.Model) -> None:
    """Store new ``instances``, in order, each as ``insert`` would; in one statement on PostgreSQL.

    An instance may point at an earlier one whose key the database makes (its foreign key set to
    that unsaved instance); the key is filled in once the earlier row has it.
    """
    db = connection()
    plans = [_insert_of(type(instance), db) for instance in instances]
    earlier = {id(instance): index for index, instance in enumerate(instances)}
    # Which columns take an earlier row's key; an unsaved row outside the call is refused first.
    pointers = [
        plan.pointers(instance, earlier, plans) for instance, plan in zip(instances, plans, strict=True)
    ]
    if db.vendor == "postgresql" and len(instances) > 1:
        _insert_together(instances, plans, pointers, db)
        return
    for instance, plan in zip(instances, plans, strict=True):
        _fill_pointers(instance)
        with db.cursor() as cursor:
            cursor.execute(plan.alone, plan.values(instance, db))
            key = None
            if plan.pk_from_database:
                if db.features.can_return_columns_from_insert:
                    key = cursor.fetchone()[0]
                else:
                    key = db.ops.last_insert_id(cursor, instance._meta.db_table, plan.pk.column)
        plan.adopt(instance, key, db)


def _fill_pointers(instance: models.Model) -> None:
    """Copy the keys of related instances stored since they were assigned (as ``save()`` does)."""
    for field in instance._meta.concrete_fields:
        if field.is_relation and getattr(instance, field.attname) is None and field.is_cached(instance):
            related = field.get_cached_value(instance)
            if related is not None:
                if related.pk is None:
                    _refuse_unsaved(instance, field)
                setattr(instance, field.attname, related.pk)


def _refuse_unsaved(instance: models.Model, field: models.Field) -> None:
    """As ``save()`` does: a row pointing at nothing stored would lose the link (or fail later)."""
    raise ValueError(
        f"{type(instance).__name__}.{field.name} is an unsaved {field.related_model.__name__} "
        "that is not stored before it in the same call"
    )


_together: dict[tuple[Any, ...], str] = {}


def _insert_together(
    instances: tuple[models.Model, ...],
    plans: list[_Insert],
    pointers: list[dict[int, int]],
    db: BaseDatabaseWrapper,
) -> None:
    """One ``WITH r0 AS (INSERT ... RETURNING id), r1 AS (INSERT ...) SELECT (SELECT id FROM r0)``
    statement for all the rows; the database-made keys come back as one row."""
    shape = tuple(
        (type(instance), tuple(sorted(found.items())))
        for instance, found in zip(instances, pointers, strict=True)
    )
    params: list[Any] = []
    for instance, plan, found in zip(instances, plans, pointers, strict=True):
        values = plan.values(instance, db)
        params += [value for index, value in enumerate(values) if index not in found]
    if shape not in _together:
        _together[shape] = _statement(plans, pointers)
    with db.cursor() as cursor:
        cursor.execute(_together[shape], params)
        keys = iter(cursor.fetchone())
    for instance, plan in zip(instances, plans, strict=True):
        plan.adopt(instance, next(keys) if plan.pk_from_database else None, db)
    for instance in instances:
        _fill_pointers(instance)  # the keys taken inside the statement, on the instances too


def _statement(plans: list[_Insert], pointers: list[dict[int, int]]) -> str:
    # Only model metadata (table and column names) and part numbers are formatted in here; the
    # values go as parameters, hence the "nosec B608" (bandit's warning about SQL built as text).
    parts, keys = [], []
    for number, (plan, found) in enumerate(zip(plans, pointers, strict=True)):
        values = ", ".join(
            _earlier_key(plans[found[index]], found[index]) if index in found else "%s"
            for index in range(len(plan.fields))
        )
        parts.append(f"r{number} AS ({plan.head} VALUES ({values}){plan.returning})")
        if plan.pk_from_database:
            keys.append(_earlier_key(plan, number))
    return f"WITH {', '.join(parts)} SELECT {', '.join(keys) or '1'}"  # nosec B608


def _earlier_key(plan: _Insert, number: int) -> str:
    """The key the database made for part ``number`` of the statement."""
    return f"(SELECT {plan.key_column} FROM r{number})"  # nosec B608  # a column name and a number
