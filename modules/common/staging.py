"""Rows of a batch of writes kept to be inserted at its end, one insert per model (ADR 0210).

The field sync of a day writes, for each event, its device event row and the order's history row;
one insert each is most of what the day costs. Inside `staged_inserts(ModelA, ModelB…)`, `stage(row)`
keeps a row of those models (unsaved) instead of inserting it, and the batch inserts them with one
`bulk_create` per model, in the order the models were named, inside the same transaction.

What may be staged: rows nothing reads back before the batch ends, whose primary key is set by the
caller or not needed (a bulk insert sets it on PostgreSQL). Rows of other models that point at a
staged row are fine: PostgreSQL checks Django's foreign keys at commit (they are created
`DEFERRABLE INITIALLY DEFERRED`). The caller drops the rows of a savepoint it rolls back
(`mark`/`rollback_to`) and calls `flush` before the transaction ends; rows not flushed are lost.
Outside a batch, or for a model the batch did not name, `stage` inserts the row at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


class Staged:
    """The rows kept by `staged_inserts`, per model in the order it named them."""

    def __init__(self, kinds: tuple[type[models.Model], ...]) -> None:
        self.rows: dict[type[models.Model], list[models.Model]] = {kind: [] for kind in kinds}

    def mark(self) -> dict[type[models.Model], int]:
        """Where the rows stand before a savepoint, for `rollback_to` if it is rolled back."""
        return {kind: len(rows) for kind, rows in self.rows.items()}

    def rollback_to(self, mark: dict[type[models.Model], int]) -> None:
        for kind, rows in self.rows.items():
            del rows[mark[kind] :]

    def flush(self) -> None:
        for kind, rows in self.rows.items():
            if rows:
                kind._default_manager.bulk_create(rows)
            rows.clear()


_STAGED: ContextVar[Staged | None] = ContextVar("staged_inserts", default=None)


@contextmanager
def staged_inserts(*kinds: type[models.Model]) -> Iterator[Staged]:
    """Inside, `stage` keeps the rows of `kinds` for the batch's `flush`."""
    batch = Staged(kinds)
    token = _STAGED.set(batch)
    try:
        yield batch
    finally:
        _STAGED.reset(token)


def stage(row: M) -> M:
    """Keep `row` for the open batch's insert, or insert it now when no batch takes its model."""
    batch = _STAGED.get()
    if batch is not None and type(row) in batch.rows:
        batch.rows[type(row)].append(row)
    else:
        row.save(force_insert=True)
    return row
