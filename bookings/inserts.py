"""New rows written with an INSERT built once per model: the booking POST's writes.

``Model.save()`` builds and compiles its INSERT afresh on every call (an insert query, its
compiler, each column quoted and each value wrapped), about half a millisecond of Python per row,
several times what PostgreSQL takes to store it. A booking writes five rows (appointment, staff
row, customer row, outbox item, confirmation), so that cost set how many bookings a web process
could take per second. ``insert`` writes a new instance exactly as ``save(force_insert=True)``
would: the same columns, each value through its field's ``pre_save`` and ``get_db_prep_save``, the
database-made primary key read back. Only the statement is kept, per model and database backend.

It does not call the model's ``save()``, so it is for models whose ``save()`` adds nothing to a
first insert, or whose callers do that part themselves (``AppointmentStaff.take_times_from``).
No signals are sent: the portal connects none to its own models.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

ModelT = TypeVar("ModelT", bound=models.Model)


class _Insert:
    """One model's INSERT statement and the fields whose values fill it, in order."""

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
        placeholders = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # nosec B608
        # Only model metadata is formatted in above (table and column names); values go as parameters.
        self.returns_pk = self.pk_from_database and db.features.can_return_columns_from_insert
        if self.returns_pk:
            self.sql += f" RETURNING {quote(self.pk.column)}"

    def run(self, instance: models.Model, db: BaseDatabaseWrapper) -> None:
        params = [field.get_db_prep_save(field.pre_save(instance, True), db) for field in self.fields]
        with db.cursor() as cursor:
            cursor.execute(self.sql, params)
            if self.pk_from_database:
                if self.returns_pk:
                    value = cursor.fetchone()[0]
                else:
                    value = db.ops.last_insert_id(cursor, instance._meta.db_table, self.pk.column)
                for convert in self.pk.get_db_converters(db):
                    value = convert(value, self.pk, db)
                setattr(instance, self.pk.attname, value)
        instance._state.adding = False
        instance._state.db = db.alias


_inserts: dict[tuple[type[models.Model], str], _Insert] = {}


def insert(instance: ModelT) -> ModelT:
    """Store a new ``instance`` as ``instance.save(force_insert=True)`` would, without its ``save()``
    override; returns it, with its primary key set and marked as saved."""
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself: ``django.db.connection`` is a proxy
    key = (type(instance), db.vendor)
    if key not in _inserts:
        _inserts[key] = _Insert(type(instance), db)
    _inserts[key].run(instance, db)
    return instance
