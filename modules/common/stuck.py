"""Stuck background work, summarised per tenant in one public-schema table (ADR 0115).

Each tenant's sweep (e.g. billing's runs sweep) writes what it found stuck into `StuckWork` in the
public schema, zero included, so /readyz, /metrics and the ops console answer from one query over
one table instead of one query per tenant schema on every probe.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from .models import StuckWork

logger = logging.getLogger(__name__)

# Rows kept in a summary's detail: enough to name what is stuck, bounded for a huge tenant.
DETAIL_LIMIT = 20


def stuck_work_record(*, schema_name: str, kind: str, items: Sequence[dict[str, Any]]) -> StuckWork:
    """Replace the tenant's summary of one kind of stuck work with what its sweep found just now.

    Runs in the public schema whatever schema the caller is in (a tenant task's search path would
    otherwise find the tenant's own, always empty, copy of the table)."""
    with schema_context(get_public_schema_name()), transaction.atomic():
        row, _created = StuckWork.objects.update_or_create(
            schema_name=schema_name,
            kind=kind,
            defaults={
                "count": len(items),
                "detail": list(items[:DETAIL_LIMIT]),
                "checked_at": timezone.now(),
            },
        )
    return row


def stuck_work_summary(*, kind: str | None = None, schema_name: str | None = None) -> list[StuckWork]:
    """The tenants with stuck work (count above zero), one query on the public schema; one kind's or
    one tenant's only when asked."""
    with schema_context(get_public_schema_name()):
        rows = StuckWork.objects.filter(count__gt=0)
        if kind is not None:
            rows = rows.filter(kind=kind)
        if schema_name is not None:
            rows = rows.filter(schema_name=schema_name)
        return list(rows.order_by("schema_name", "kind"))


def stuck_work_summary_if_readable(
    *, kind: str | None = None, schema_name: str | None = None
) -> list[StuckWork] | None:
    """The summary, or None when it cannot be read (the table not migrated yet during a rolling
    deploy, the database failing): for health and metrics answers, which must still answer. In a
    savepoint, so that a caller's transaction survives the failed query."""
    try:
        with transaction.atomic():
            return stuck_work_summary(kind=kind, schema_name=schema_name)
    except DatabaseError as exc:
        logger.warning("stuck work summary unreadable: %s", type(exc).__name__)
        return None
