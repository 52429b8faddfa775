"""Set-based row updates for the bank-file imports.

`QuerySet.bulk_update` writes one `CASE WHEN id = … THEN …` per row and field: tens of thousands of
rows make a statement PostgreSQL plans and runs in time that grows with the square of the rows (a
50,000-record direct-debit return took minutes). `values_update` sends the rows as a VALUES list
joined on the primary key instead, in chunks: one linear statement per chunk.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models

CHUNK = 5000


def values_update(
    model: type[models.Model], objects: Sequence[models.Model], fields: Sequence[str], *, chunk: int = CHUNK
) -> int:
    """UPDATE `model`'s table SET each field from `objects` (by pk), as bulk_update would.

    Runs inside the caller's transaction."""
    if not objects:
        return 0
    meta = model._meta
    quote = connection.ops.quote_name
    pk = meta.pk
    assert pk is not None
    columns = [meta.get_field(name) for name in fields]

    def sql_type(field: Any) -> str:
        return str(
            field.rel_db_type(connection) if field.is_relation or field is pk else field.db_type(connection)
        )

    assignments = ", ".join(
        f"{quote(c.column)} = v.v{n}::{sql_type(c)}"
        for n, c in enumerate(columns)  # type: ignore[union-attr]
    )
    names = ", ".join(["pk"] + [f"v{n}" for n in range(len(columns))])
    row = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
    done = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objects), chunk):
            part = objects[start : start + chunk]
            params: list[Any] = []
            for obj in part:
                params.append(obj.pk)
                params.extend(c.get_db_prep_save(getattr(obj, c.attname), connection) for c in columns)  # type: ignore[union-attr]
            cursor.execute(
                f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "  # noqa: S608 - names from the model
                f"FROM (VALUES {', '.join([row] * len(part))}) AS v({names}) "
                f"WHERE t.{quote(pk.column)} = v.pk::{sql_type(pk)}",
                params,
            )
            done += cursor.rowcount
    return done
