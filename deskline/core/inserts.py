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

from collections.abc import Iterable, Sequence
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
    # The statement around its VALUES list: `INSERT INTO t (columns) ` and ` RETURNING ...`.
    head: str
    tail: str

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
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            row = cursor.fetchone()
        return self.saved(row, **values)

    def select_from(
        self, source: str, **expressions: str | tuple[str, Sequence[Any]]
    ) -> tuple[str, list[Any]]:
        """The statement as `INSERT INTO t (columns) SELECT ... FROM source RETURNING ...`, each
        slot taking the SQL expression given for it (over `source`, e.g. a WITH query's name;
        `(sql, params)` when it has parameters) and every other column its parameter: for one
        statement that writes several rows."""
        if set(expressions) != set(self.slots):
            given = sorted(expressions)
            raise TypeError(f"give exactly the slots {sorted(self.slots)}, not {given}")
        by_index = {index: expressions[name] for name, (index, _) in self.slots.items()}
        values: list[str] = []
        params: list[Any] = []
        for index, param in enumerate(self.params):
            expression = by_index.get(index)
            if expression is None:
                values.append("%s")
                params.append(param)
            elif isinstance(expression, str):
                values.append(expression)
            else:
                values.append(expression[0])
                params.extend(expression[1])
        return f"{self.head}SELECT {', '.join(values)} FROM {source}{self.tail}", params

    def saved(self, returned: Sequence[Any], **values: Any) -> Model:
        """The object as the statement saved it: `returned` is what its RETURNING gave (the
        primary key), `values` what went into the slots."""
        for name, value in values.items():
            setattr(self.obj, self.slots[name][1].attname, value)
        meta = self.obj._meta
        for field, value in zip(meta.db_returning_fields, returned, strict=True):
            setattr(self.obj, field.attname, value)
        self.obj._state.adding = False
        self.obj._state.db = self.using
        return self.obj


@dataclass(frozen=True)
class _Template:
    fields: list[Field[Any, Any]]
    head: str
    tail: str


_templates: dict[tuple[type[Model], str, str, bool], _Template] = {}


def _template(model: type[Model], using: str, pk_set: bool) -> _Template:
    """The statement of `model`'s INSERT, compiled by Django once per process."""
    connection = connections[using]
    key = (model, using, connection.vendor, pk_set)
    found = _templates.get(key)
    if found is not None:
        return found
    meta = model._meta
    fields = [
        field
        for field in meta.local_concrete_fields
        if not field.generated and (pk_set or field is not meta.auto_field)
    ]
    if not connection.features.can_return_columns_from_insert:
        raise TypeError(f"{connection.vendor} cannot return the new row's id from an INSERT")
    query = InsertQuery(model)
    query.insert_values(fields, [model()])
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = meta.db_returning_fields
    statements = compiler.as_sql()
    if len(statements) != 1:
        raise TypeError(f"{model.__name__}: expected one INSERT, got {len(statements)}")
    sql, params = statements[0]
    values = "VALUES (" + ", ".join(["%s"] * len(fields)) + ")"
    if len(params) != len(fields) or sql.count(values) != 1:
        # A field with a placeholder of its own: the values could not be told apart.
        raise TypeError(f"{model.__name__}: every value must be a plain parameter")
    head, tail = sql.split(values)
    found = _templates[key] = _Template(fields=fields, head=head, tail=tail)
    return found


def prepare_insert(
    obj: Model, *, slots: Iterable[str] = (), using: str = DEFAULT_DB_ALIAS
) -> PreparedInsert:
    """The INSERT of `obj` with its values ready for the database; `slots` name (by attribute
    name, `ticket_id` for a foreign key) the fields whose values `execute` gives."""
    model = type(obj)
    if pre_save.has_listeners(model) or post_save.has_listeners(model):
        raise TypeError(f"{model.__name__} has save signal receivers; use save()")
    template = _template(model, using, obj.pk is not None)
    connection = connections[using]
    params: list[Any] = []
    for field in template.fields:  # as Django's SQLInsertCompiler prepares each value
        value = field.pre_save(obj, add=True)
        if hasattr(value, "resolve_expression"):
            raise TypeError(f"{model.__name__}.{field.name}: an expression, not a value")
        params.append(field.get_db_prep_save(value, connection))
    by_name = {field.attname: (index, field) for index, field in enumerate(template.fields)}
    values = "(" + ", ".join(["%s"] * len(params)) + ")"
    return PreparedInsert(
        obj=obj,
        sql=f"{template.head}VALUES {values}{template.tail}",
        params=params,
        slots={name: by_name[name] for name in slots},
        using=using,
        head=template.head,
        tail=template.tail,
    )
