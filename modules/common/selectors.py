"""Named reads shared by every module: who changed a setting, what and when; which dated rows
overlap a period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from .models import AuditEntry

M = TypeVar("M", bound=Model)


def change_history(
    *,
    object_types: Iterable[str],
    object_id: str | int | None = None,
    limit: int = 30,
    kind_prefix: str | None = None,
) -> list[AuditEntry]:
    """The latest audit rows about objects of these types (one object when `object_id` is given),
    newest first: what a settings page shows under its form. `kind_prefix`: only rows whose object's
    `kind` (before or after) starts with it, for a table several screens share (the document texts
    of debt, of the sewer notice and of the service terms are all DocumentTemplate rows)."""
    qs = AuditEntry.objects.filter(object_type__in=list(object_types))
    if object_id is not None:
        qs = qs.filter(object_id=str(object_id))
    if kind_prefix is not None:
        qs = qs.filter(Q(after__kind__startswith=kind_prefix) | Q(before__kind__startswith=kind_prefix))
    return list(qs.order_by("-at", "-id")[:limit])


def overlapping(
    rows: QuerySet[M], *, start_field: str, end_field: str, start: dt.date, end: dt.date | None
) -> QuerySet[M]:
    """The rows whose period [start_field, end_field] (both days inclusive; a null end: open) meets
    [start, end] (end None: open): what an effective-dated registration checks before it is added."""
    rows = rows.filter(Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gte": start}))
    return rows if end is None else rows.filter(**{f"{start_field}__lte": end})
