"""Helpers of set-based writers and reads over many rows (ADR 0211).

- `allocate_ids`: primary keys taken ahead from a model's sequence, for a writer that must know its
  rows' ids before it inserts them (a barcode built from the id, a row pointing at another of the
  same batch): each table is inserted once, instead of inserted and then updated.
- `in_ids`: `field__in=in_ids(ids)` filters by tens of thousands of ids with ONE array parameter
  (`IN (SELECT unnest(%s::bigint[]))`); `field__in=ids` would build and send one parameter per id,
  which costs seconds at 30,000 ids (the driver splits the query text for each).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import Model
from django.db.models.expressions import RawSQL


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


def in_ids(ids: Iterable[int]) -> RawSQL:
    """The right-hand side of `field__in=` for many integer ids, sent as one array parameter."""
    return RawSQL("SELECT unnest(%s::bigint[])", (sorted({int(i) for i in ids}),))
