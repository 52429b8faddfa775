"""Rows of another module written in bulk through its models: the table, the columns, the primary key's
sequence and the value of every column a row leaves out (the field's default, now() for auto_now_add)
all come from the model, so the import follows the model and the import contracts see the dependency.
The rows go in with COPY. This is Django's bulk_create without its per-value preparation, which made
the meters file three times slower (ADR 0050); values must already be what the driver writes (str,
int, Decimal, date, bool, None).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, Model
from django.utils import timezone


def allocate_ids(model: type[Model], count: int) -> list[int]:
    """`count` new primary keys from the model's sequence, in order, for rows that other rows of the
    same file point to before they are written."""
    if count == 0:
        return []
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, count],
        )
        return [pk_value for (pk_value,) in cursor.fetchall()]


def _left_out_value(field: Field) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now()
    return field.get_db_prep_save(field.get_default(), connection)


def insert_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write `rows` (values of `fields`, by field name, "meter" or "meter_id" alike) into the model's
    table; the columns no row names get their value from the model. Returns the count written.

    Runs inside the caller's transaction.
    """
    opts = model._meta
    named = [opts.get_field(name) for name in fields]
    others = [f for f in opts.concrete_fields if f not in named and not f.primary_key]
    columns = [f.column for f in named] + [f.column for f in others]
    rest = tuple(_left_out_value(f) for f in others)
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(  # the driver's cursor: COPY is not in Django's API
            f"COPY {connection.ops.quote_name(opts.db_table)} "
            f"({', '.join(connection.ops.quote_name(c) for c in columns)}) FROM STDIN"
        ) as copy,
    ):
        for row in rows:
            copy.write_row((*row, *rest))
            count += 1
    return count
