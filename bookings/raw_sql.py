"""What the modules that write SQL by hand (``queries``, ``inserts``) share.

Both work out, once per model and database backend, what the ORM would work out on every call
(column lists, converters, statements), and both talk to the connection itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

T = TypeVar("T")


def connection() -> BaseDatabaseWrapper:
    """The default connection itself, not ``django.db.connection``: that proxy finds it again (in a
    context-local store) on every attribute read, dozens of times per booking."""
    return connections[DEFAULT_DB_ALIAS]


class PerModel(Generic[T]):
    """``build(model, db)``, made once per model and database backend and then reused."""

    def __init__(self, build: Callable[[type[models.Model], BaseDatabaseWrapper], T]) -> None:
        self._build = build
        self._made: dict[tuple[type[models.Model], str], T] = {}

    def __call__(self, model: type[models.Model], db: BaseDatabaseWrapper) -> T:
        key = (model, db.vendor)
        if key not in self._made:
            self._made[key] = self._build(model, db)
        return self._made[key]
