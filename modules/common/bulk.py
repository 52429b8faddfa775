"""Helpers of set-based writers and reads over many rows (ADR 0211).

- `allocate_ids`: primary keys taken ahead from a model's sequence, for a writer that must know its
  rows' ids before it inserts them (a barcode built from the id, a row pointing at another of the
  same batch): each table is inserted once, instead of inserted and then updated.
- `copy_rows`: rows written with COPY, no model instance per row.
- `any_of`: `field__any_of=ids` (a lookup registered here) filters by many ids as one array; the
  planner hashes it. Preferred over `in_ids` above a few hundred ids.
- `in_ids`: `field__in=in_ids(ids)` filters by tens of thousands of ids with ONE array parameter
  (`IN (SELECT unnest(%s::bigint[]))`); `field__in=ids` would build and send one parameter per id,
  which costs seconds at 30,000 ids (the driver splits the query text for each).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import Field, JSONField, Lookup, Model
from django.db.models.expressions import RawSQL
from django.db.models.fields.related import ForeignObject
from django.utils import timezone


def allocate_ids(model: type[Model], count: int) -> list[int]:
    """`count` new primary keys of `model`'s table, in increasing order. Ids taken and not used are
    gaps, as a rolled-back insert leaves."""
    if count <= 0:
        return []
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, count],
        )
        return [value for (value,) in cursor.fetchall()]


class AnyOf(Lookup):  # type: ignore[type-arg]
    """`field__any_of=ids`: `field = ANY(%s::bigint[])`, the ids as ONE array parameter. Unlike
    `IN (SELECT unnest(…))`, whose distinct rows the planner guesses at 200 (then probes an index
    once per id: a second at 30,000 ids), PostgreSQL hashes the array and scans once."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        return sorted({int(i) for i in self.rhs})

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", (*params, self.rhs)


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)  # a foreign key keeps its own lookups: `property_id__any_of`


def in_ids(ids: Iterable[int]) -> RawSQL:
    """The right-hand side of `field__in=` for many integer ids, sent as one array parameter."""
    return RawSQL("SELECT unnest(%s::bigint[])", (sorted({int(i) for i in ids}),))


def copy_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Runs inside the caller's transaction: `rows` (values of `fields`, by field name or attname;
    the primary key among them when taken ahead) written with COPY; the model's other columns get
    their default (now() for auto_now/auto_now_add). Values must already be what the driver writes
    (str, int, Decimal, date, datetime, bool, None; a JSON field's value as its JSON text). This is
    `bulk_create` without a model instance and its per-value preparation per row: at 30,000 notices
    that preparation was most of the run. Answers the count written."""
    opts = model._meta
    named = [opts.get_field(name) for name in fields]
    others = [f for f in opts.concrete_fields if f not in named and not f.primary_key]
    columns = [f.column for f in named] + [f.column for f in others]  # type: ignore[union-attr]
    rest = tuple(_default(f) for f in others)
    quote = connection.ops.quote_name
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(  # the driver's cursor: COPY is not in Django's API
            f"COPY {quote(opts.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        ) as copy,
    ):
        for row in rows:
            copy.write_row((*row, *rest))
            count += 1
    return count


def _default(field: Any) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now()
    value = field.get_default()
    if isinstance(field, JSONField):
        return json.dumps(value)
    return field.get_db_prep_save(value, connection)


def json_text(value: Any) -> str:
    """A JSON field's value for `copy_rows`."""
    return json.dumps(value, cls=DjangoJSONEncoder)


def copy_instances(model: type[Model], objs: Sequence[Model]) -> int:
    """Runs inside the caller's transaction: `copy_rows` for unsaved instances of `model` whose
    primary keys were taken ahead (`allocate_ids`): every concrete column from the instance (its
    attname: `property_id`, not `property`), an auto_now/auto_now_add column stamped now() on the
    row and on the instance. The instances keep their ids and read as saved."""
    if not objs:
        return 0
    fields = list(model._meta.concrete_fields)
    now = timezone.now()
    stamped = [
        f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    json_fields = {f.attname for f in fields if isinstance(f, JSONField)}
    for obj in objs:
        assert obj.pk is not None, "copy_instances needs ids taken ahead"
        for name in stamped:
            setattr(obj, name, now)
        obj._state.adding = False
        obj._state.db = "default"
    names = [f.attname for f in fields]
    return copy_rows(
        model,
        names,
        (tuple(json_text(getattr(o, n)) if n in json_fields else getattr(o, n) for n in names) for o in objs),
    )
