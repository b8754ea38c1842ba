"""One row's INSERT, compiled before a write transaction and run inside it.

On SQLite one transaction writes at a time, and on PostgreSQL a ticket create holds its desk's
number row locked until it commits: time spent inside is time every other writer waits.
`Model.save()` does its Python work (fields, defaults, database values, quoting, the statement)
after the transaction has begun; for a ticket that was most of the time the write lock was held.
`prepare_insert` does that work first, and `PreparedInsert.execute` only runs the statement,
with the values known only inside the transaction (a ticket's number) put into their slots.

`save()`'s signals are not sent, so a model someone listens to is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, Model
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery


@dataclass
class PreparedInsert:
    """`INSERT ... RETURNING` for one unsaved object, ready to run."""

    obj: Model
    sql: str
    params: list[Any]
    slots: dict[str, tuple[int, Field[Any, Any]]]
    using: str

    def execute(self, **values: Any) -> Model:
        """Insert the row with `values` (by attribute name, e.g. `ticket_id`) in their slots;
        the object gets its primary key and those values, and counts as saved."""
        if set(values) != set(self.slots):
            raise TypeError(f"give exactly the slots {sorted(self.slots)}, not {sorted(values)}")
        connection = connections[self.using]
        params = list(self.params)
        for name, value in values.items():
            index, field = self.slots[name]
            params[index] = field.get_db_prep_save(value, connection)
            setattr(self.obj, field.attname, value)
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            row = cursor.fetchone()
        meta = self.obj._meta
        for field, value in zip(meta.db_returning_fields, row, strict=True):
            setattr(self.obj, field.attname, value)
        self.obj._state.adding = False
        self.obj._state.db = self.using
        return self.obj


def prepare_insert(
    obj: Model, *, slots: Iterable[str] = (), using: str = DEFAULT_DB_ALIAS
) -> PreparedInsert:
    """Compile the INSERT of `obj` now; `slots` name (by attribute name,
    `ticket_id` for a foreign key) the fields whose values `execute` gives."""
    model = type(obj)
    if pre_save.has_listeners(model) or post_save.has_listeners(model):
        raise TypeError(f"{model.__name__} has save signal receivers; use save()")
    meta = model._meta
    pk_set = obj.pk is not None
    fields = [
        field
        for field in meta.local_concrete_fields
        if not field.generated and (pk_set or field is not meta.auto_field)
    ]
    connection = connections[using]
    if not connection.features.can_return_columns_from_insert:
        raise TypeError(f"{connection.vendor} cannot return the new row's id from an INSERT")
    query = InsertQuery(model)
    query.insert_values(fields, [obj])
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = meta.db_returning_fields
    statements = compiler.as_sql()
    if len(statements) != 1:
        raise TypeError(f"{model.__name__}: expected one INSERT, got {len(statements)}")
    sql, params = statements[0]
    params = list(params)
    if len(params) != len(fields):  # a value that is an expression: slots could not be placed
        raise TypeError(f"{model.__name__}: every value must be a plain parameter")
    by_name = {field.attname: (index, field) for index, field in enumerate(fields)}
    return PreparedInsert(
        obj=obj,
        sql=sql,
        params=params,
        slots={name: by_name[name] for name in slots},
        using=using,
    )
